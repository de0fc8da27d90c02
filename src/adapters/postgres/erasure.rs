//! STUB until branch pg-records ports `adapters/sqlite/erasure.rs`; replaced by its file on merge.
pub(super) async fn erase_member(_conn: &mut sqlx::PgConnection, _member_id: i64) -> anyhow::Result<()> {
    anyhow::bail!("erasure is not yet implemented on PostgreSQL")
}

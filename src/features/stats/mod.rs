//! Purpose: `/async stats` (SPEC §7). (Being written.)

use crate::bot::Bot;
use crate::features::commands::{CommandContext, Reply};

/// `/async stats [days]`.
pub async fn command(_bot: &Bot, _ctx: &CommandContext<'_>, _days: Option<u32>) -> anyhow::Result<Reply> {
    Ok(Reply::text("Stats are not available yet."))
}

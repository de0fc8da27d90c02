//! Purpose: `/async export-me`, the right of access: everything the store keeps about the member
//! who asks (`AccessStore::member_data`, erasure's checklist), as one JSON file sent to them by DM,
//! and a short private reply where they typed it. Only their own data: another member's words or
//! ids are never read into it. The file is capped at [`MAX_EXPORT_BYTES`]; a larger one is not
//! sent and the member is told why.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::context::Context;
use crate::domain::events::{Attachment, Destination, OutgoingMessage, Purpose};
use crate::features::commands::{CommandContext, Reply};
use crate::features::texts::preferences as texts;
use crate::ports::MemberData;

/// The largest export sent, in bytes (8 MiB: under Discord's 10 MiB per file without boosts and
/// far under Slack's 1 GB).
pub const MAX_EXPORT_BYTES: usize = 8 * 1024 * 1024;

/// The file's name as the member sees it (Slack adds the outbox id before `.json`).
pub const EXPORT_FILE_NAME: &str = "unhurried-export.json";

/// The version of the file's layout, for whoever reads it with a program.
const FORMAT: u32 = 1;

/// The file: a header saying what it is, then the data.
#[derive(Serialize)]
struct ExportFile<'a> {
    about: &'static str,
    format: u32,
    exported_at: DateTime<Utc>,
    #[serde(flatten)]
    data: &'a MemberData,
}

/// What the header says.
const ABOUT: &str = "Everything unhurried stores about you in this workspace (your right of access). Other \
    members' words and ids are left out: questions someone asked you are listed without their text, and \
    notes about working hours without the other member. Times are UTC.";

/// Why no file could be made.
#[derive(Debug, PartialEq, Eq)]
pub enum ExportError {
    /// Larger than [`MAX_EXPORT_BYTES`]: the size in bytes.
    TooLarge(usize),
}

/// The export of `data` made at `now` as a JSON file, if it is at most `limit` bytes.
pub fn export_file(
    data: &MemberData,
    now: DateTime<Utc>,
    limit: usize,
) -> anyhow::Result<Result<Attachment, ExportError>> {
    let file = ExportFile { about: ABOUT, format: FORMAT, exported_at: now, data };
    let mut text = serde_json::to_string_pretty(&file)?;
    text.push('\n');
    if text.len() > limit {
        return Ok(Err(ExportError::TooLarge(text.len())));
    }
    Ok(Ok(Attachment { filename: EXPORT_FILE_NAME.to_owned(), content_type: "application/json".to_owned(), text }))
}

/// `/async export-me`: the file by DM, and a short private reply.
pub async fn export_me(bot: &Context, ctx: &CommandContext<'_>) -> anyhow::Result<Reply> {
    let Some(data) = bot.store.member_data(ctx.member.id).await? else {
        return Ok(Reply::text(texts::nothing_to_export()));
    };
    let file = match export_file(&data, bot.now(), MAX_EXPORT_BYTES)? {
        Ok(file) => file,
        Err(ExportError::TooLarge(bytes)) => {
            tracing::warn!(bytes, limit = MAX_EXPORT_BYTES, "a member's export is larger than a file by DM may be");
            return Ok(Reply::text(texts::export_too_large(bytes, MAX_EXPORT_BYTES)));
        }
    };
    let size = file.len();
    let to = Destination::Dm { user: ctx.member.user.clone() };
    let message = OutgoingMessage::new(to, Purpose::CommandReply, texts::export_dm()).with_attachment(file);
    bot.send(ctx.workspace_id, vec![message]).await?;
    Ok(Reply::text(texts::export_sent(EXPORT_FILE_NAME, size, ctx.member.unreachable)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::access::ProfileData;

    fn data() -> MemberData {
        MemberData {
            profile: ProfileData {
                platform: "slack".into(),
                workspace: "T1".into(),
                user: "U1".into(),
                name: "alice".into(),
                tz: Some("Europe/Berlin".into()),
                tz_source: "command".into(),
                hours: None,
                days: None,
                brief_on: true,
                nudge_me_off: false,
                is_admin: false,
                dm_channel: None,
                unreachable_since: None,
                first_seen: "2026-03-01T00:00:00Z".parse().unwrap(),
                profile_read_at: None,
                forget_requested_at: None,
            },
            out_of_office: vec![],
            standups: vec![],
            runs: vec![],
            decisions: vec![],
            pings: vec![],
            questions_asked: vec![],
            questions_to_them: vec![],
            offhours_notices: vec![],
            offhours_mentions: vec![],
            scheduled: vec![],
            sent_to_bot: vec![],
            messages_to_them: vec![],
        }
    }

    #[test]
    fn the_file_is_json_with_a_header_then_the_data() {
        let now = "2026-03-27T08:00:00Z".parse().unwrap();
        let file = export_file(&data(), now, MAX_EXPORT_BYTES).unwrap().unwrap();
        assert_eq!((file.filename.as_str(), file.content_type.as_str()), ("unhurried-export.json", "application/json"));
        let json: serde_json::Value = serde_json::from_str(&file.text).unwrap();
        assert_eq!(json["format"], 1);
        assert_eq!(json["exported_at"], "2026-03-27T08:00:00Z");
        assert_eq!(json["profile"]["user"], "U1");
        assert_eq!(json["profile"]["tz"], "Europe/Berlin");
        assert!(json["runs"].as_array().unwrap().is_empty());
    }

    #[test]
    fn a_file_over_the_limit_is_not_made_and_says_its_size() {
        let now = "2026-03-27T08:00:00Z".parse().unwrap();
        let size = export_file(&data(), now, MAX_EXPORT_BYTES).unwrap().unwrap().len();
        assert_eq!(export_file(&data(), now, size).unwrap().map(|f| f.len()), Ok(size), "exactly at the limit");
        assert_eq!(export_file(&data(), now, size - 1).unwrap(), Err(ExportError::TooLarge(size)));
    }
}

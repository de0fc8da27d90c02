//! Purpose: the decision log (SPEC §6). (Being written.)

use crate::bot::Bot;
use crate::domain::events::ChatMessage;
use crate::features::commands::{CommandContext, Reply};

/// A channel message starting with `Decision:` is logged.
pub async fn on_channel_message(_bot: &Bot, _message: &ChatMessage) -> anyhow::Result<()> {
    Ok(())
}

/// `/async decide <text>`.
pub async fn decide(_bot: &Bot, _ctx: &CommandContext<'_>, _text: &str) -> anyhow::Result<Reply> {
    Ok(Reply::text("Decisions are not available yet."))
}

/// `/async decisions [words]`.
pub async fn list(_bot: &Bot, _ctx: &CommandContext<'_>, _words: Option<&str>) -> anyhow::Result<Reply> {
    Ok(Reply::text("Decisions are not available yet."))
}

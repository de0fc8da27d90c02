//! Purpose: `/async stats` (SPEC §7) — standup participation, pings nudged and converted, and
//! mentions that landed outside someone's working hours, over the last days.

use chrono::Duration;

use crate::context::Context;
use crate::features::commands::{CommandContext, Reply};
use crate::features::texts::stats as texts;

/// Days counted when the command names none.
pub const DEFAULT_DAYS: u32 = 7;

/// Most days one window may cover (a year): beyond it the numbers say little.
pub const MAX_DAYS: u32 = 366;

/// `/async stats [days]`.
pub async fn command(bot: &Context, ctx: &CommandContext<'_>, days: Option<u32>) -> anyhow::Result<Reply> {
    let days = days.unwrap_or(DEFAULT_DAYS).clamp(1, MAX_DAYS);
    let since = bot.now() - Duration::days(i64::from(days));
    let counts = bot.store.stats_since(ctx.workspace_id, since).await?;
    Ok(Reply::text(texts::stats(days, &counts)))
}

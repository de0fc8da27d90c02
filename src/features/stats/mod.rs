//! Purpose: `/async stats` (SPEC §7) — standup participation, pings nudged and converted, and
//! mentions that landed outside someone's working hours, over the last days; per standup its
//! participation against the period before (per member for admins). [`weekly`] posts a standup's
//! weekly summary to its report channel.

pub mod participation;
pub mod weekly;

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
    let now = bot.now();
    let since = now - Duration::days(i64::from(days));
    let counts = bot.store.stats_since(ctx.workspace_id, since).await?;
    let current = participation::summarise(&bot.store.run_facts(ctx.workspace_id, None, since, now).await?);
    let before_since = since - Duration::days(i64::from(days));
    let before = participation::summarise(&bot.store.run_facts(ctx.workspace_id, None, before_since, since).await?);
    let is_admin = ctx.member.is_admin || ctx.invocation.platform_admin;
    let per_standup = texts::per_standup(bot.markup, &current, &before, is_admin);
    let overall = texts::stats(days, &counts);
    Ok(Reply::text(if per_standup.is_empty() { overall } else { format!("{overall}\n{per_standup}") }))
}

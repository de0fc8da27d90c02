//! Purpose: `/async standup history [<name>] [@member] [days]` (issue 11), a private reply: past
//! answers, newest first. A member reads their own answers in any standup and everyone's in the
//! standups they take part in (whose digests they read in the report channel), never those of a
//! standup they are not in: the same line the digest and the brief draw (SPEC §4).

use chrono::Duration;

use crate::context::Context;
use crate::domain::schedule::local_date_of;
use crate::features::commands::CommandContext;
use crate::features::texts::{history as texts, standup as standup_texts};
use crate::ports::HistoryQuery;

/// Days shown when the command names none.
pub const DEFAULT_DAYS: u32 = 7;

/// Most answers one reply shows (the newest); the splitter makes several messages of them.
pub const MAX_ANSWERS: u32 = 400;

/// `/async standup history`.
pub async fn history(
    bot: &Context,
    ctx: &CommandContext<'_>,
    standup: Option<String>,
    member: Option<String>,
    days: Option<u32>,
) -> anyhow::Result<String> {
    let standup_id = match &standup {
        Some(name) => match bot.store.standup_named(ctx.workspace_id, name).await? {
            Some(found) => Some(found.id),
            None => return Ok(standup_texts::unknown_standup(name)),
        },
        None => None,
    };
    let member_id = match &member {
        Some(user) => match bot.store.find_member(ctx.workspace_id, user).await? {
            Some(found) => Some(found.id),
            // Someone the bot never met has no answers; saying so tells nothing about anyone.
            None => return Ok(texts::nothing(bot.markup, days.unwrap_or(DEFAULT_DAYS))),
        },
        None => None,
    };
    let days = days.unwrap_or(DEFAULT_DAYS);
    let today = local_date_of(ctx.member.tz(), bot.now());
    let query = HistoryQuery {
        workspace_id: ctx.workspace_id,
        readable_standups: bot.store.standups_of(ctx.member.id).await?.iter().map(|s| s.id).collect(),
        reader_id: ctx.member.id,
        standup_id,
        member_id,
        since: today - Duration::days(i64::from(days) - 1),
        limit: MAX_ANSWERS,
    };
    let answers = bot.store.answer_history(&query).await?;
    if answers.is_empty() {
        return Ok(texts::nothing(bot.markup, days));
    }
    let cut = answers.len() >= MAX_ANSWERS as usize;
    Ok(texts::history(bot.markup, days, &answers, cut))
}

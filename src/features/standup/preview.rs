//! Purpose: `/async standup preview` — each member's coming days as the scheduler will treat
//! them, from its own plan ([`plan_date`]), runs included.

use crate::context::Context;
use crate::domain::command::DigestWhenEmpty;
use crate::domain::markup::TimeStyle;
use crate::domain::schedule::{local_date_of, utc_offset_at};
use crate::features::texts::digest as digest_texts;
use crate::features::texts::holidays as holiday_texts;
use crate::features::texts::standup as texts;
use crate::ports::{RunState, StandupRecord};

use super::schedule::{Planned, plan_date, recurrence_of};

/// Days `preview` shows when not told.
pub const DEFAULT_PREVIEW_DAYS: u32 = 7;

/// `/async standup preview <name> [days]`: each member's coming days from the plan the scheduler
/// acts on (runs included: a day answered early, skipped or already prompted shows as such, and
/// a zone change is followed), each prompt in the member's own wall time beside the reader's.
pub async fn preview(bot: &Context, standup: &StandupRecord, days: Option<u32>) -> anyhow::Result<String> {
    let recurrence = recurrence_of(standup)?;
    let holiday_names = crate::features::holidays::names(bot, standup).await?;
    let standup = &crate::features::holidays::observed(bot, standup).await?;
    let now = bot.now();
    let mut lines = Vec::new();
    for member_id in &standup.members {
        let member = bot.member_by_id(*member_id).await?;
        let tz = member.tz();
        let offset_now = utc_offset_at(tz, now);
        let mut entries = Vec::new();
        let first = local_date_of(tz, now);
        for date in first.iter_days().take(days.unwrap_or(DEFAULT_PREVIEW_DAYS) as usize) {
            let entry = match plan_date(bot, standup, &recurrence, &member, date, false).await? {
                Planned::Prompt { due, .. } => {
                    let wall = due.with_timezone(&tz).naive_local();
                    let when = bot.markup.time(due, TimeStyle::DateTime);
                    texts::preview_prompt(wall, &when, utc_offset_at(tz, due) != offset_now)
                }
                Planned::Run(state) => texts::preview_day(date, run_word(state)),
                Planned::Away => texts::preview_day(date, "out of office"),
                Planned::Holiday => {
                    let name = holiday_names.get(&date).map_or("", String::as_str);
                    texts::preview_day(date, &holiday_texts::preview_word(bot.markup, name))
                }
                Planned::Passed | Planned::NoStandup => continue,
            };
            entries.push(entry);
        }
        let name = if member.name.is_empty() { member.user.clone() } else { member.name.clone() };
        lines.push(texts::preview_line(bot.markup, &name, tz.name(), &entries));
    }
    if standup.digest_when_empty == DigestWhenEmpty::Skip {
        lines.push(digest_texts::preview_skips_empty());
    }
    Ok(lines.join("\n"))
}

/// Why a day with a run gets no prompt, as `preview` says it.
fn run_word(state: RunState) -> &'static str {
    match state {
        RunState::Answered => "answered already",
        RunState::Skipped => "skipped",
        RunState::Prompted | RunState::Scheduled => "prompted already",
        RunState::Missed => "missed",
        RunState::Away => "out of office",
    }
}

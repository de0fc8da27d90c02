//! Texts of `/async stats`.

use chrono::Duration;

use crate::domain::calendar::format_duration;
use crate::domain::command::WeeklyAt;
use crate::domain::markup::Markup;
use crate::features::stats::participation::Participation;
use crate::ports::StatsCounts;

/// The `/async stats` reply for the last `days` days.
pub fn stats(days: u32, counts: &StatsCounts) -> String {
    let participation = if counts.prompted_runs == 0 {
        "no standup runs yet".to_owned()
    } else {
        let percent = counts.answered_runs * 100 / counts.prompted_runs;
        format!("{} of {} runs answered ({percent}%)", counts.answered_runs, counts.prompted_runs)
    };
    let period = if days == 1 { "the last day".to_owned() } else { format!("the last {days} days") };
    [
        format!("Over {period}:"),
        format!("• Standup participation: {participation}"),
        format!(
            "• Sync pings nudged: {}, followed up with a real question: {}",
            counts.pings_nudged, counts.pings_converted
        ),
        format!("• Mentions that landed outside someone's working hours: {}", counts.offhours_mentions),
    ]
    .join("\n")
}

/// How a period compares with the one before it, after the current share.
fn trend(now: Option<u32>, before: Option<&Participation>) -> String {
    match (now, before.and_then(Participation::percent)) {
        (_, None) => "nothing prompted the period before".to_owned(),
        (Some(now), Some(then)) if now > then => format!("up from {then}%"),
        (Some(now), Some(then)) if now < then => format!("down from {then}%"),
        (_, Some(then)) => format!("as before, {then}%"),
    }
}

/// One standup's participation: answered of prompted with the trend, the median time to answer
/// and blockers opened and cleared. `before` is the same standup in the period before.
fn standup_facts(current: &Participation, before: Option<&Participation>) -> Vec<String> {
    let share = match current.percent() {
        Some(percent) => format!(
            "{} of {} answered ({percent}%, {})",
            current.answered,
            current.prompted,
            trend(Some(percent), before)
        ),
        None => "nothing prompted".to_owned(),
    };
    let mut facts = vec![share];
    if let Some(median) = current.median_to_answer {
        facts.push(format!("median {} from prompt to answer", short_duration(median)));
    }
    facts.push(format!("blockers: {} opened, {} cleared", current.blockers_opened, current.blockers_cleared));
    facts
}

/// A wait to the minute (`1h5m`; under a minute `<1m`).
fn short_duration(duration: Duration) -> String {
    let minutes = Duration::minutes(duration.num_minutes());
    if minutes.is_zero() { "<1m".to_owned() } else { format_duration(minutes) }
}

/// Members' shares, `alice 4/5 · bob 3/5`.
fn member_shares(markup: &dyn Markup, current: &Participation) -> String {
    current
        .members
        .iter()
        .map(|m| format!("{} {}/{}", markup.literal(&m.name), m.answered, m.prompted))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The per-standup part of `/async stats`: each standup's participation against the period
/// before, and for admins each member's share.
pub fn per_standup(
    markup: &dyn Markup,
    current: &[Participation],
    before: &[Participation],
    by_member: bool,
) -> String {
    if current.is_empty() {
        return String::new();
    }
    let mut lines = vec!["By standup (against the period before, of the same length):".to_owned()];
    for standup in current {
        let earlier = before.iter().find(|b| b.standup_id == standup.standup_id);
        lines.push(markup.bullet(&format!(
            "{}: {}",
            markup.literal(&standup.name),
            standup_facts(standup, earlier).join(" · ")
        )));
        if by_member && !standup.members.is_empty() {
            lines.push(format!("    {}", member_shares(markup, standup)));
        }
    }
    lines.join("\n")
}

/// The weekly summary a standup posts to its report channel (no member is singled out there).
pub fn weekly_summary(
    markup: &dyn Markup,
    name: &str,
    current: Option<&Participation>,
    before: Option<&Participation>,
) -> String {
    let title = format!("Weekly summary of {}, the last 7 days:", markup.literal(name));
    let Some(current) = current else {
        return format!("{title} nobody was prompted.");
    };
    let mut lines = vec![title];
    lines.extend(standup_facts(current, before).iter().map(|fact| markup.bullet(fact)));
    lines.join("\n")
}

/// What `standup create/edit` adds about the weekly summary.
pub fn weekly_summary_set(when: Option<WeeklyAt>, zone: &str) -> String {
    match when {
        Some(when) => format!("Weekly summary: {when} ({zone}), to the report channel."),
        None => "Weekly summary: off.".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_show_participation_as_a_share_and_never_divide_by_zero() {
        let counts = StatsCounts { prompted_runs: 4, answered_runs: 3, ..StatsCounts::default() };
        assert!(stats(7, &counts).contains("3 of 4 runs answered (75%)"));
        assert!(stats(1, &StatsCounts::default()).contains("Over the last day:\n• Standup participation: no standup"));
    }
}

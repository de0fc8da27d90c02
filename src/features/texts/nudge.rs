//! Texts of the async prompt, the off-hours notice and `/async nudge`.

use chrono::NaiveDateTime;

use crate::domain::command::NudgeMode;
use crate::domain::markup::Markup;
use crate::features::nudge::rules::Away;

/// A person named without pinging them: their display name, else their platform id, as literal text.
pub fn person(markup: &dyn Markup, name: &str, user: &str) -> String {
    markup.literal(if name.trim().is_empty() { user } else { name })
}

/// One mentioned member who is off: `name` already safe, `next_start` already rendered.
pub struct AwayMember {
    /// The member, named without a mention.
    pub name: String,
    /// Why they are off.
    pub reason: Away,
    /// Their wall-clock time now.
    pub local_now: NaiveDateTime,
    /// Their IANA zone name.
    pub zone: &'static str,
    /// The start of their next working period, rendered for each reader.
    pub next_start: Option<String>,
}

/// "bob is off (it's Fri 21:00 for them, Asia/Tokyo); their working day starts …".
pub fn away_sentence(away: &AwayMember) -> String {
    let state = match away.reason {
        Away::OutOfOffice => "is out of office",
        Away::NonWorkingDay => "is not working today",
        Away::OutsideHours => "is outside their working hours",
    };
    let local = format!("it's {} for them, {}", away.local_now.format("%a %H:%M"), away.zone);
    match &away.next_start {
        Some(start) => format!("{} {state} ({local}); their working day starts {start}.", away.name),
        None => format!("{} {state} ({local}).", away.name),
    }
}

/// The async prompt: the configured text with `{sender}` filled in, then a line per mentioned
/// member who is off.
pub fn prompt(template: &str, sender: &str, away: &[AwayMember]) -> String {
    let mut text = template.replace("{sender}", sender);
    for member in away {
        text.push('\n');
        text.push_str(&away_sentence(member));
    }
    text
}

/// The private note to a sender whose message mentions someone who is off.
pub fn offhours_notice(away: &AwayMember) -> String {
    format!("Heads-up: {} They will see your message then; no need to ping again.", away_sentence(away))
}

/// `/async nudge on|off|dry-run` succeeded.
pub fn mode_set(markup: &dyn Markup, channel: &str, mode: NudgeMode) -> String {
    let channel = markup.channel(channel);
    match mode {
        NudgeMode::On => format!("Nudges are on in {channel}: sync pings get a friendly async prompt in a thread."),
        NudgeMode::Off => format!("Nudges are off in {channel}."),
        NudgeMode::DryRun => {
            format!("Nudges are in dry-run in {channel}: pings are logged for the admins, nothing is posted.")
        }
    }
}

/// `/async nudge me off|on` succeeded; `channel_off` when the channel it was typed in has
/// nudges off anyway (the channel's setting wins).
pub fn me_set(opted_out: bool, channel_off: bool) -> String {
    match (opted_out, channel_off) {
        (true, _) => "Done: the bot will not answer your pings any more, in any channel. `/async nudge me on` undoes it."
            .to_owned(),
        (false, false) => {
            "Done: the bot answers your quick pings with an async prompt again, where the channel has nudges on."
                .to_owned()
        }
        (false, true) => "Done: the bot answers your quick pings again where the channel has nudges on; this channel has them off, and that stays.".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::markup::slack::Slack;

    #[test]
    fn a_prompt_names_off_members_without_mentioning_them() {
        let away = AwayMember {
            name: person(&Slack, "bob", "U2"),
            reason: Away::OutsideHours,
            local_now: "2026-03-27T21:00:00".parse().unwrap(),
            zone: "Asia/Tokyo",
            next_start: Some("<!date^1|x>".into()),
        };
        let text = prompt("Hi {sender}, ask away.", "<@U1>", &[away]);
        assert_eq!(
            text,
            "Hi <@U1>, ask away.\nbob is outside their working hours (it's Fri 21:00 for them, Asia/Tokyo); \
             their working day starts <!date^1|x>."
        );
    }

    #[test]
    fn a_member_without_a_name_is_named_by_their_id() {
        assert_eq!(person(&Slack, " ", "U2"), "U2");
    }
}

//! Texts of `/async standup history`.

use crate::domain::markup::Markup;
use crate::ports::HistoryAnswer;

fn period(days: u32) -> String {
    if days == 1 { "today".to_owned() } else { format!("the last {days} days") }
}

/// Nothing readable in the period.
pub fn nothing(_markup: &dyn Markup, days: u32) -> String {
    format!(
        "No answers you can read from {}. You see your own answers and those of the standups you take part in.",
        period(days)
    )
}

/// Past answers, newest first: a heading per standup, date and member, then each answer under
/// its question. `cut` says the reply stopped at its limit.
pub fn history(markup: &dyn Markup, days: u32, answers: &[HistoryAnswer], cut: bool) -> String {
    let mut lines = vec![format!("Answers from {}, newest first:", period(days))];
    let mut current = None;
    for answer in answers {
        let key = (answer.local_date, answer.standup_id, answer.member_id);
        if current != Some(key) {
            current = Some(key);
            lines.push(String::new());
            lines.push(format!(
                "{} · {} · {}",
                markup.bold(&markup.literal(&answer.standup_name)),
                answer.local_date.format("%a %Y-%m-%d"),
                markup.literal(&answer.member_name)
            ));
        }
        let question = if answer.question.is_empty() {
            format!("question {}", answer.question_index + 1)
        } else {
            answer.question.clone()
        };
        lines.push(markup.bullet(&format!(
            "{}: {}",
            markup.italic(&markup.literal(&question)),
            markup.user_text(&answer.text)
        )));
    }
    if cut {
        lines.push(String::new());
        lines.push("Only the newest answers fit: ask for fewer days, one standup or one member.".to_owned());
    }
    lines.join("\n")
}

//! Texts of the personal morning brief.

use crate::domain::markup::{Markup, TimeStyle};
use crate::features::texts::nudge::person;
use crate::ports::{BlockerRecord, OpenQuestion};

/// A question waiting for the member's reply, with a link to its thread when there is one.
pub fn question(markup: &dyn Markup, question: &OpenQuestion, link: Option<&str>) -> String {
    let asker = person(markup, &question.asker_name, &question.asker_user);
    let link = link.map(|url| format!(" ({})", markup.link(url, "thread"))).unwrap_or_default();
    markup.bullet(&format!(
        "{asker} in {}, {}: {}{link}",
        markup.channel(&question.channel),
        markup.time(question.asked_at, TimeStyle::DateTime),
        markup.user_text(&question.text)
    ))
}

/// The line after the listed questions counting the older ones left out.
pub fn more_questions(older: usize) -> String {
    format!("…and {older} more, asked earlier")
}

/// A blocker that names the member.
pub fn blocker(markup: &dyn Markup, blocker: &BlockerRecord) -> String {
    markup.bullet(&format!(
        "{}, {}: {}",
        person(markup, &blocker.author_name, &blocker.author_user),
        markup.time(blocker.answered_at, TimeStyle::DateTime),
        markup.user_text(&blocker.text)
    ))
}

/// The brief: sections that have lines, in order; `None` when there is nothing to say.
pub fn brief(
    markup: &dyn Markup,
    questions: &[String],
    blockers: &[String],
    decisions_header: &str,
    decisions: &[String],
) -> Option<String> {
    if questions.is_empty() && blockers.is_empty() && decisions.is_empty() {
        return None;
    }
    let mut text = String::from("Good morning! Here is what needs you today.");
    for (title, lines) in [
        (markup.bold("Questions waiting for your reply"), questions),
        (markup.bold("Blockers that name you"), blockers),
        (markup.bold(decisions_header), decisions),
    ] {
        if !lines.is_empty() {
            text.push_str(&format!("\n\n{title}\n{}", lines.join("\n")));
        }
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::markup::slack::Slack;

    #[test]
    fn an_empty_brief_is_not_written_at_all() {
        assert_eq!(brief(&Slack, &[], &[], "Decisions", &[]), None);
    }

    #[test]
    fn only_sections_with_lines_are_shown() {
        let text = brief(&Slack, &[], &["• b".into()], "Decisions", &[]).unwrap();
        assert!(text.contains("*Blockers that name you*\n• b"));
        assert!(!text.contains("Questions") && !text.contains("Decisions"));
    }
}

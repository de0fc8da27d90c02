//! Texts of the decision log.

use chrono::{DateTime, Utc};

use crate::domain::markup::{Markup, TimeStyle};
use crate::features::texts::nudge::person;
use crate::ports::DecisionRecord;

/// A decision was logged; the text is repeated through [`Markup::user_text`].
pub fn logged(markup: &dyn Markup, text: &str) -> String {
    format!("Decision logged: {}\nFind it again with `/async decisions`.", markup.user_text(text))
}

/// `/async decide` without a decision.
pub fn nothing_to_log() -> String {
    "Write the decision after `decide`, for example `/async decide We release on Tuesdays`.".to_owned()
}

/// One decision in a list: when, who, where, what, and a link.
pub fn line(markup: &dyn Markup, decision: &DecisionRecord) -> String {
    let author = match &decision.author_user {
        Some(user) => person(markup, &decision.author_name, user),
        None => "former member".to_owned(),
    };
    let place = decision.channel.as_deref().map(|c| format!(" in {}", markup.channel(c))).unwrap_or_default();
    let link = decision.permalink.as_deref().map(|url| format!(" ({})", markup.link(url, "link"))).unwrap_or_default();
    markup.bullet(&format!(
        "{} — {author}{place}: {}{link}",
        markup.time(decision.created_at, TimeStyle::DateTime),
        markup.user_text(&decision.text)
    ))
}

/// Where a decision list was asked for, which decides what "none" means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// A channel: its own decisions.
    Channel,
    /// A direct conversation: the member's standup channels and their own decisions.
    Private,
}

/// `/async decisions [words]`.
pub fn list(markup: &dyn Markup, decisions: &[DecisionRecord], query: Option<&str>, scope: Scope) -> String {
    if decisions.is_empty() {
        return match (query, scope) {
            (Some(query), _) => format!("No decision mentions {}.", markup.code(query)),
            (None, Scope::Channel) => "No decisions logged in this channel yet. Log one with `/async decide <text>` or a message starting with `Decision:`."
                .to_owned(),
            (None, Scope::Private) => "No decisions logged in your standups' channels, or by you, yet. Log one with `/async decide <text>` or a message starting with `Decision:`."
                .to_owned(),
        };
    }
    let title = match query {
        Some(query) => format!("Decisions mentioning {}:", markup.code(query)),
        None => "Most recent decisions:".to_owned(),
    };
    let lines: Vec<String> = decisions.iter().map(|d| line(markup, d)).collect();
    format!("{title}\n{}", lines.join("\n"))
}

/// The header of decisions in a brief.
pub fn since_header(markup: &dyn Markup, since: DateTime<Utc>) -> String {
    format!("Decisions logged since {}", markup.time(since, TimeStyle::DateTime))
}

//! Purpose: the bot's messages, forms and home page as Block Kit. The ids chosen here
//! ([`ANSWER_ACTION`], [`SKIP_ACTION`], [`FORM_CALLBACK`], [`ANSWER_INPUT`]) are what
//! [`crate::adapters::slack::interactions`] recognises when Slack sends a click or a submission back.

use slack_morphism::prelude::*;

use crate::domain::events::{Form, MessageAction};

/// `action_id` of the *Answer* button; its value is the standup name.
pub const ANSWER_ACTION: &str = "unhurried.answer";
/// `action_id` of the *Skip today* button; its value is the standup name.
pub const SKIP_ACTION: &str = "unhurried.skip";
/// `callback_id` of the standup answer modal; its `private_metadata` is the standup name.
pub const FORM_CALLBACK: &str = "unhurried.standup";
/// `action_id` of the text input inside each question's input block.
pub const ANSWER_INPUT: &str = "answer";
/// Slack's limit on the text of one section block.
pub const SECTION_LIMIT: usize = 3000;
/// Slack's limit on a modal title.
const TITLE_LIMIT: usize = 24;
/// Slack's limit on an input block's label.
const LABEL_LIMIT: usize = 2000;
/// Slack's limit on a plain_text_input's initial value.
const VALUE_LIMIT: usize = 3000;

/// The blocks of a message with buttons: the text as mrkdwn sections, then one actions block.
/// `None` for a message without buttons, which goes out as plain text as before.
pub fn message(text: &str, actions: &[MessageAction]) -> Option<Vec<SlackBlock>> {
    if actions.is_empty() {
        return None;
    }
    let mut blocks = sections(text);
    let buttons = actions.iter().map(|action| SlackActionBlockElement::Button(button(action))).collect();
    blocks.push(SlackActionsBlock::new(buttons).into());
    Some(blocks)
}

fn button(action: &MessageAction) -> SlackBlockButtonElement {
    let (id, label, standup) = match action {
        MessageAction::AnswerStandup { standup } => (ANSWER_ACTION, "Answer", standup),
        MessageAction::SkipStandup { standup } => (SKIP_ACTION, "Skip today", standup),
    };
    let element = SlackBlockButtonElement::new(label.into()).with_action_id(id.into()).with_value(standup.clone());
    // Answer is the step the prompt asks for, so it is the highlighted one.
    match action {
        MessageAction::AnswerStandup { .. } => element.with_style(SlackBlockButtonStyle::Primary),
        MessageAction::SkipStandup { .. } => element,
    }
}

/// The block id of question `index` (from 0); submission errors are keyed by it.
pub fn question_block(index: usize) -> String {
    format!("q{}", index + 1)
}

/// The standup answer modal: one multiline input per field, in order.
pub fn form(form: &Form) -> SlackView {
    let blocks = form
        .fields
        .iter()
        .enumerate()
        .map(|(index, field)| {
            let mut input =
                SlackBlockPlainTextInputElement::new().with_action_id(ANSWER_INPUT.into()).with_multiline(true);
            if let Some(value) = field.value.as_deref().filter(|v| !v.is_empty()) {
                input = input.with_initial_value(truncate(value, VALUE_LIMIT));
            }
            SlackInputBlock::new(truncate(&field.label, LABEL_LIMIT).into(), input.into())
                .with_block_id(question_block(index).into())
                .with_optional(field.optional)
                .into()
        })
        .collect();
    SlackView::Modal(
        SlackModalView::new(truncate(&form.title, TITLE_LIMIT).into(), blocks)
            .with_submit("Send".into())
            .with_close("Cancel".into())
            .with_callback_id(FORM_CALLBACK.into())
            .with_private_metadata(form.standup.clone()),
    )
}

/// The App Home tab: the text as mrkdwn sections.
pub fn home(text: &str) -> SlackView {
    SlackView::Home(SlackHomeView::new(sections(text)))
}

/// `text` as mrkdwn section blocks of at most [`SECTION_LIMIT`] characters each.
fn sections(text: &str) -> Vec<SlackBlock> {
    split_sections(text, SECTION_LIMIT)
        .into_iter()
        .map(|chunk| SlackSectionBlock::new().with_text(SlackBlockMarkDownText::new(chunk).into()).into())
        .collect()
}

/// Splits `text` into chunks of at most `limit` characters, at line boundaries where it can
/// (a single longer line is cut at character boundaries). Never returns an empty list, since
/// a section needs some text, and never an empty chunk.
pub fn split_sections(text: &str, limit: usize) -> Vec<String> {
    let mut chunks: Vec<String> = Vec::new();
    let mut current = String::new();
    for line in text.split('\n') {
        let mut line = line.to_owned();
        // A line that alone is too long is cut; what is left starts the next chunk.
        while line.chars().count() > limit {
            flush(&mut chunks, &mut current);
            let cut: String = line.chars().take(limit).collect();
            line = line.chars().skip(limit).collect();
            chunks.push(cut);
        }
        let needed = if current.is_empty() { 0 } else { 1 } + line.chars().count();
        if current.chars().count() + needed > limit {
            flush(&mut chunks, &mut current);
        }
        if !current.is_empty() {
            current.push('\n');
        }
        current.push_str(&line);
    }
    flush(&mut chunks, &mut current);
    if chunks.is_empty() {
        // Slack refuses an empty section; a blank keeps the view valid.
        chunks.push(" ".to_owned());
    }
    chunks
}

fn flush(chunks: &mut Vec<String>, current: &mut String) {
    if !current.trim().is_empty() {
        chunks.push(std::mem::take(current));
    } else {
        current.clear();
    }
}

fn truncate(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(limit - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_split_at_line_boundaries_within_the_limit() {
        let text = "aaaa\nbbbb\ncccc";
        assert_eq!(split_sections(text, 9), vec!["aaaa\nbbbb", "cccc"]);
        assert_eq!(split_sections(text, 100), vec![text]);
        assert_eq!(split_sections("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(split_sections("", 4), vec![" "]);
        for chunk in split_sections(&"line of text\n".repeat(1000), SECTION_LIMIT) {
            assert!(chunk.chars().count() <= SECTION_LIMIT);
        }
    }

    #[test]
    fn titles_are_cut_to_slacks_limit() {
        assert_eq!(truncate("short", 24), "short");
        assert_eq!(truncate(&"x".repeat(30), 24).chars().count(), 24);
    }
}

//! Purpose: the bot's messages, forms and home page as Block Kit. The ids chosen here
//! ([`ANSWER_ACTION`], [`SKIP_ACTION`], [`FORM_CALLBACK`], [`ANSWER_INPUT`]) are what
//! [`crate::adapters::slack::interactions`] recognises when Slack sends a click or a submission back.

use slack_morphism::prelude::*;

use crate::domain::events::{Form, MessageAction};
use crate::domain::markup::slack_sections;

/// `action_id` of the *Answer* button; its value is the standup name.
pub const ANSWER_ACTION: &str = "unhurried.answer";
/// `action_id` of the *Skip today* button; its value is the standup name.
pub const SKIP_ACTION: &str = "unhurried.skip";
/// `callback_id` of the standup answer modal; its `private_metadata` is the standup name.
pub const FORM_CALLBACK: &str = "unhurried.standup";
/// `action_id` of the text input inside each question's input block.
pub const ANSWER_INPUT: &str = "answer";
/// Slack's limit on the text of one section block.
pub const SECTION_LIMIT: usize = crate::domain::markup::SLACK_SECTION_LIMIT;
/// Slack's limit on a modal title.
const TITLE_LIMIT: usize = 24;
/// Slack's limit on an input block's label.
const LABEL_LIMIT: usize = 2000;
/// Slack's limit on a plain_text_input's initial value.
const VALUE_LIMIT: usize = 3000;

/// The blocks of a message: the text as mrkdwn sections (at most 3,000 characters each, cut where
/// [`slack_sections`] cuts), then one actions block when it has buttons. `None` for a message
/// without buttons that fits one section, which goes out as plain text. A long message (a digest)
/// is one post of several sections; [`crate::domain::markup::split_for`] has made sure it needs
/// at most 50 blocks.
pub fn message(text: &str, actions: &[MessageAction]) -> Option<Vec<SlackBlock>> {
    if actions.is_empty() && text.chars().count() <= SECTION_LIMIT {
        return None;
    }
    let mut blocks = sections(text);
    if actions.is_empty() {
        return Some(blocks);
    }
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

/// `text` as mrkdwn section blocks of at most [`SECTION_LIMIT`] characters each, cut by the one
/// splitter's rules ([`slack_sections`]); never empty, since Slack refuses a section without text.
fn sections(text: &str) -> Vec<SlackBlock> {
    let mut chunks: Vec<String> = slack_sections(text).into_iter().filter(|c| !c.trim().is_empty()).collect();
    if chunks.is_empty() {
        chunks.push(" ".to_owned());
    }
    chunks
        .into_iter()
        .map(|chunk| SlackSectionBlock::new().with_text(SlackBlockMarkDownText::new(chunk).into()).into())
        .collect()
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

    fn section_texts(blocks: &[SlackBlock]) -> Vec<String> {
        blocks
            .iter()
            .map(|block| match block {
                SlackBlock::Section(section) => match &section.text {
                    Some(SlackBlockText::MarkDown(text)) => text.text.clone(),
                    other => panic!("{other:?}"),
                },
                other => panic!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn a_long_message_is_one_message_of_sections_within_slacks_limits() {
        let line = "• _Done?_ shipped the importer and wrote the tests for it\n".repeat(200);
        let blocks = message(&line, &[]).expect("over one section: blocks");
        let texts = section_texts(&blocks);
        assert!(texts.len() > 1 && texts.len() <= 50, "{}", texts.len());
        assert!(texts.iter().all(|t| t.chars().count() <= SECTION_LIMIT));
        assert!(texts.iter().all(|t| t.lines().all(|l| l.starts_with("• _Done?_ shipped"))), "cut between lines");
        assert!(message("short", &[]).is_none(), "a short message is plain text");
        assert_eq!(section_texts(&sections("")), [" "]);
    }

    #[test]
    fn titles_are_cut_to_slacks_limit() {
        assert_eq!(truncate("short", 24), "short");
        assert_eq!(truncate(&"x".repeat(30), 24).chars().count(), 24);
    }
}

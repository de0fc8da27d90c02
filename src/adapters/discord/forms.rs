//! Purpose: standup answering on Discord (SPEC §3) — the "Answer" button on a DM prompt or
//! reminder carries its standup and opens that standup's modal, one text input per question
//! (Discord allows 5, the most a standup has), built from the same [`Form`] as Slack's
//! ([`crate::features::standup::answer_form`]): same questions, same optional blocker. The
//! submitted modal becomes a [`StandupSubmission`]. The click needs the questions within 3 s, so
//! the adapter reads the standup from the store (read-only; the engine still decides everything).
//!
//! [`StandupSubmission`]: crate::domain::events::StandupSubmission

use std::sync::Arc;

use serenity::all::{
    ActionRowComponent, ButtonStyle, CreateActionRow, CreateButton, CreateInputText, CreateModal, InputTextStyle,
    ModalInteractionData,
};

use crate::domain::events::{Form, MessageAction, OutgoingMessage};
use crate::domain::platform::Platform;
use crate::features::standup::answer_form;
use crate::ports::{Clock, Store};

/// Custom id of the Answer button; the standup's name follows it (`unhurried:standup-answer:daily`).
/// Alone (buttons sent before the name was added) it opens the member's most recent open run.
pub const ANSWER_BUTTON: &str = "unhurried:standup-answer";
/// Custom id prefix of the answer modal; the standup name follows.
const MODAL_PREFIX: &str = "unhurried:answers:";
/// Discord's limits: modal title and input label characters, placeholder characters, inputs.
const TITLE_MAX: usize = 45;
const LABEL_MAX: usize = 45;
const PLACEHOLDER_MAX: usize = 100;
const INPUTS_MAX: usize = 5;

/// The action row with the Answer button of the standup a prompt or reminder is for (from its
/// [`MessageAction::AnswerStandup`]).
pub fn answer_button(message: &OutgoingMessage) -> CreateActionRow {
    let standup = message.actions.iter().find_map(|action| match action {
        MessageAction::AnswerStandup { standup } => Some(standup.as_str()),
        MessageAction::SkipStandup { .. } => None,
    });
    let id = match standup {
        Some(standup) => format!("{ANSWER_BUTTON}:{standup}"),
        None => ANSWER_BUTTON.to_owned(),
    };
    CreateActionRow::Buttons(vec![CreateButton::new(id).label("Answer").style(ButtonStyle::Primary)])
}

/// Whether a component's custom id is an Answer button (with or without its standup).
pub fn is_answer_button(custom_id: &str) -> bool {
    custom_id == ANSWER_BUTTON || custom_id.strip_prefix(ANSWER_BUTTON).is_some_and(|rest| rest.starts_with(':'))
}

/// What the answer button reads: the engine's store and clock.
#[derive(Clone)]
pub struct FormSource {
    /// The engine's store.
    pub store: Arc<dyn Store>,
    /// The engine's clock.
    pub clock: Arc<dyn Clock>,
}

/// The form behind the Answer button `custom_id` that `user` in `workspace` clicked: the
/// button's standup, if they take part in it; for a button without a standup, the standup of
/// their most recent open run.
pub async fn open_form(
    source: &FormSource,
    workspace: &str,
    user: &str,
    custom_id: &str,
) -> anyhow::Result<Option<Form>> {
    let store = &source.store;
    let workspace_id = store.ensure_workspace(Platform::Discord, workspace, source.clock.now()).await?;
    let Some(member) = store.find_member(workspace_id, user).await? else { return Ok(None) };
    let standup = match custom_id.strip_prefix(ANSWER_BUTTON).and_then(|rest| rest.strip_prefix(':')) {
        Some(name) => store.standup_named(workspace_id, name).await?,
        None => match store.open_run_of(member.id).await? {
            Some(run) => store.standup(run.key.standup_id).await?,
            None => None,
        },
    };
    Ok(standup.filter(|s| s.members.contains(&member.id)).map(|s| answer_form(&s)))
}

fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut clipped: String = text.chars().take(max - 1).collect();
    clipped.push('…');
    clipped
}

/// The modal for a form: one paragraph input per field, required unless the field is optional
/// (the blocker question), the full question as placeholder when the label had to be shortened.
pub fn modal(form: &Form) -> CreateModal {
    let rows = form.fields.iter().take(INPUTS_MAX).enumerate().map(|(i, field)| {
        let input = CreateInputText::new(InputTextStyle::Paragraph, clip(&field.label, LABEL_MAX), format!("q{i}"))
            .placeholder(clip(&field.label, PLACEHOLDER_MAX))
            .required(!field.optional);
        let input = match field.value.as_deref().filter(|v| !v.is_empty()) {
            Some(value) => input.value(value),
            None => input,
        };
        CreateActionRow::InputText(input)
    });
    CreateModal::new(format!("{MODAL_PREFIX}{}", form.standup), clip(&form.title, TITLE_MAX)).components(rows.collect())
}
/// The standup and the answers in question order from a submitted answer modal, or `None` for
/// any other modal.
pub fn submitted_answers(data: &ModalInteractionData) -> Option<(String, Vec<String>)> {
    let standup = data.custom_id.strip_prefix(MODAL_PREFIX)?.to_owned();
    let mut answers: Vec<(usize, String)> = data
        .components
        .iter()
        .flat_map(|row| &row.components)
        .filter_map(|component| match component {
            ActionRowComponent::InputText(input) => {
                let index = input.custom_id.strip_prefix('q')?.parse().ok()?;
                Some((index, input.value.clone().unwrap_or_default()))
            }
            _ => None,
        })
        .collect();
    answers.sort_by_key(|(index, _)| *index);
    Some((standup, answers.into_iter().map(|(_, answer)| answer).collect()))
}

//! Purpose: standup answering on Discord (SPEC §3) — the "Answer" button on a DM prompt opens a
//! modal with one text input per question (Discord allows 5, the most a standup has), and the
//! submitted modal becomes a [`StandupSubmission`]. The button has to know the questions, so it
//! reads the member's open run from the store (read-only; the engine still decides everything).

use std::sync::Arc;

use serenity::all::{
    ActionRowComponent, ButtonStyle, CreateActionRow, CreateButton, CreateInputText, CreateModal, InputTextStyle,
    ModalInteractionData,
};

use crate::domain::platform::Platform;
use crate::ports::{Clock, Store};

/// Custom id of the button on a standup prompt that opens the answer form.
pub const ANSWER_BUTTON: &str = "unhurried:standup-answer";
/// Custom id prefix of the answer modal; the standup name follows.
const MODAL_PREFIX: &str = "unhurried:answers:";
/// Discord's limits: modal title and input label characters, placeholder characters, inputs.
const TITLE_MAX: usize = 45;
const LABEL_MAX: usize = 45;
const PLACEHOLDER_MAX: usize = 100;
const INPUTS_MAX: usize = 5;

/// The form of a member's open standup run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandupForm {
    /// Standup name.
    pub standup: String,
    /// Its questions, in order.
    pub questions: Vec<String>,
}

/// The action row with the answer button, for standup prompts and reminders.
pub fn answer_button() -> CreateActionRow {
    CreateActionRow::Buttons(vec![CreateButton::new(ANSWER_BUTTON).label("Answer").style(ButtonStyle::Primary)])
}

/// What the answer button reads: the engine's store and clock.
#[derive(Clone)]
pub struct FormSource {
    /// The engine's store.
    pub store: Arc<dyn Store>,
    /// The engine's clock.
    pub clock: Arc<dyn Clock>,
}

/// The form `user` in `workspace` would answer now: their most recent open run's standup.
pub async fn open_form(source: &FormSource, workspace: &str, user: &str) -> anyhow::Result<Option<StandupForm>> {
    let store = &source.store;
    let workspace_id = store.ensure_workspace(Platform::Discord, workspace, source.clock.now()).await?;
    let Some(member) = store.find_member(workspace_id, user).await? else { return Ok(None) };
    let Some(run) = store.open_run_of(member.id).await? else { return Ok(None) };
    let standup = store.standup(run.key.standup_id).await?;
    Ok(standup.map(|s| StandupForm { standup: s.name, questions: s.questions }))
}

fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut clipped: String = text.chars().take(max - 1).collect();
    clipped.push('…');
    clipped
}

/// The modal for a form: one paragraph input per question, the full question as placeholder
/// when the label had to be shortened.
pub fn modal(form: &StandupForm) -> CreateModal {
    let rows = form.questions.iter().take(INPUTS_MAX).enumerate().map(|(i, question)| {
        let input = CreateInputText::new(InputTextStyle::Paragraph, clip(question, LABEL_MAX), format!("q{i}"))
            .placeholder(clip(question, PLACEHOLDER_MAX))
            .required(true);
        CreateActionRow::InputText(input)
    });
    let title = clip(&format!("Standup: {}", form.standup), TITLE_MAX);
    CreateModal::new(format!("{MODAL_PREFIX}{}", form.standup), title).components(rows.collect())
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

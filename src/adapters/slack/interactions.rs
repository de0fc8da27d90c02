//! Purpose: Slack's interactive payloads (button clicks, modal submissions) into the bot's
//! events. Only the ids that [`crate::adapters::slack::blocks`] put on our own buttons and modal
//! are recognised; anything else is acknowledged and ignored. A submission with a required
//! answer left blank is refused here, with Slack's inline errors, before the bot sees it.

use std::collections::HashMap;

use slack_morphism::prelude::*;

use crate::adapters::slack::blocks::{ANSWER_ACTION, ANSWER_INPUT, FORM_CALLBACK, SKIP_ACTION};
use crate::domain::events::{CommandInvocation, FormRequest, InboundEvent, StandupSubmission};

/// Shown under a required question that was left blank.
const REQUIRED_ANSWER: &str = "Please answer this one — a short line is enough.";

/// What one interaction means to the bot.
#[derive(Debug, Clone, PartialEq)]
pub enum Interaction {
    /// An event for the bot; Slack gets an empty ack (the modal closes).
    Event(InboundEvent),
    /// A submission refused with inline errors, block id → message; nothing reaches the bot.
    Invalid(HashMap<String, String>),
    /// Not ours, or nothing to do.
    Ignored,
}

/// Converts one interaction payload.
pub fn convert(event: &SlackInteractionEvent) -> Interaction {
    match event {
        SlackInteractionEvent::BlockActions(actions) => block_actions(actions),
        SlackInteractionEvent::ViewSubmission(submission) => view_submission(submission),
        _ => Interaction::Ignored,
    }
}

fn block_actions(event: &SlackInteractionBlockActionsEvent) -> Interaction {
    let Some(user) = event.user.as_ref().map(|u| u.id.to_string()) else {
        return Interaction::Ignored;
    };
    let workspace = event.team.id.to_string();
    let trigger = event.trigger_id.to_string();
    // Slack sends one action per click; the first of ours is the one.
    let Some(action) = event.actions.iter().flatten().find(|a| {
        let id = a.action_id.to_string();
        id == ANSWER_ACTION || id == SKIP_ACTION
    }) else {
        return Interaction::Ignored;
    };
    let standup = action.value.clone().unwrap_or_default();
    if action.action_id.to_string() == ANSWER_ACTION {
        // The trigger id is unique per click, so it also de-duplicates a redelivered click.
        return Interaction::Event(InboundEvent::FormRequest(FormRequest {
            workspace,
            id: trigger.clone(),
            user,
            standup,
            trigger,
        }));
    }
    let channel = match &event.container {
        SlackInteractionActionContainer::Message(message) => message.channel_id.as_ref().map(ToString::to_string),
        _ => None,
    }
    .or_else(|| event.channel.as_ref().map(|c| c.id.to_string()));
    let Some(channel) = channel else {
        return Interaction::Ignored;
    };
    Interaction::Event(InboundEvent::Command(CommandInvocation {
        workspace,
        id: trigger,
        channel,
        user,
        // Only the standup the button was under; the name came from our own button value, but
        // is checked like any typed name by the grammar.
        text: if standup.is_empty() { "standup skip".to_owned() } else { format!("standup skip {standup}") },
        platform_admin: false,
        // The Skip button sits on a prompt in the member's DM with the bot.
        is_dm: true,
    }))
}

fn view_submission(event: &SlackInteractionViewSubmissionEvent) -> Interaction {
    let SlackView::Modal(modal) = &event.view.view else {
        return Interaction::Ignored;
    };
    if modal.callback_id.as_ref().map(ToString::to_string).as_deref() != Some(FORM_CALLBACK) {
        return Interaction::Ignored;
    }
    let Some(standup) = modal.private_metadata.clone().filter(|s| !s.is_empty()) else {
        return Interaction::Ignored;
    };
    let values = event.view.state_params.state.as_ref().map(|s| &s.values);
    let mut answers = Vec::new();
    let mut errors = HashMap::new();
    // The submitted view carries our blocks in question order, each with its `optional` flag.
    for block in &modal.blocks {
        let SlackBlock::Input(input) = block else { continue };
        let Some(block_id) = input.block_id.as_ref() else { continue };
        let answer = values
            .and_then(|v| v.get(block_id))
            .and_then(|actions| actions.get(&SlackActionId::new(ANSWER_INPUT.to_owned())))
            .and_then(|value| value.value.clone())
            .unwrap_or_default()
            .trim()
            .to_owned();
        if answer.is_empty() && !input.optional.unwrap_or(false) {
            errors.insert(block_id.to_string(), REQUIRED_ANSWER.to_owned());
        }
        answers.push(answer);
    }
    if !errors.is_empty() {
        return Interaction::Invalid(errors);
    }
    Interaction::Event(InboundEvent::StandupSubmission(StandupSubmission {
        workspace: event.team.id.to_string(),
        // One view id per opened modal: a replayed submission of it has one effect in the engine.
        id: event.view.state_params.id.to_string(),
        user: event.user.id.to_string(),
        standup,
        answers,
    }))
}

/// What Slack gets back for an interaction: inline errors for a refused submission, else nothing.
pub fn response(interaction: &Interaction) -> SlackInteractionResponse {
    match interaction {
        Interaction::Invalid(errors) => SlackInteractionResponse::ViewSubmission(SlackViewSubmissionResponse::Errors(
            SlackViewSubmissionErrorsResponse::new(errors.clone()),
        )),
        _ => SlackInteractionResponse::Empty,
    }
}

//! Purpose: what the adapter does with one interaction, however it arrived — as a gateway
//! dispatch (`handler.rs`) or POSTed to the HTTP interactions endpoint
//! (`interactions_endpoint.rs`). [`Intake::answer`] picks the response Discord must get within
//! 3 s (a deferred ephemeral response for `/async`, the answer modal for the Answer button, an
//! acknowledgement for a submitted modal, zone suggestions for autocomplete); once that response
//! is out, [`Intake::acknowledged`] tells the engine. Both paths share one de-duplication by
//! interaction id, so an interaction is handled once whichever way it comes.

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex};

use serenity::all::{
    CommandInteraction, ComponentInteraction, CreateAllowedMentions, CreateAutocompleteResponse,
    CreateInteractionResponse, CreateInteractionResponseMessage, GuildId, Interaction, InteractionId, ModalInteraction,
    Permissions, UserId,
};

use super::commands::{self, COMMAND_NAME};
use super::convert::Directory;
use super::forms::{self, FormSource};
use super::platform::Interactions;
use crate::domain::events::{CommandInvocation, InboundEvent, StandupSubmission};
use crate::domain::platform::Platform;
use crate::inbox::InboxWriter;

/// How many recent interaction ids are remembered to drop replays (a RESUME can replay the
/// dispatches of the last few seconds; the engine's delivery log catches anything older).
const RECENT_INTERACTIONS: usize = 1024;

/// What to do with one interaction.
pub enum Outcome {
    /// Give Discord this answer; once it is out, pass its `then` to [`Intake::acknowledged`].
    Answer(Box<Answer>),
    /// Seen before (a dispatch replayed after RESUME, a repeated POST): nothing to do.
    Replayed,
    /// Not one the bot handles (another application's command, an unknown component or modal).
    NotHandled,
}

/// The response to an interaction and what follows it.
pub struct Answer {
    /// What Discord gets within its 3 s.
    pub response: CreateInteractionResponse,
    /// What the engine hears once Discord has the response; `None` when nothing follows.
    pub then: Option<AfterAck>,
}

/// What the engine is told about an acknowledged interaction (see [`Intake::acknowledged`]).
pub struct AfterAck(After);

enum After {
    /// `/async`: the token is kept so the engine's ephemeral reply fills in the deferred response.
    Command { invocation: CommandInvocation, token: String },
    /// A submitted answer modal.
    Submission(StandupSubmission),
}

/// Turns interactions into answers and engine events; shared by the gateway handler and the HTTP
/// endpoint.
pub struct Intake {
    inbox: InboxWriter,
    directory: Arc<Directory>,
    interactions: Arc<Interactions>,
    forms: FormSource,
    recent: Mutex<(HashSet<InteractionId>, VecDeque<InteractionId>)>,
    metrics: Arc<crate::adapters::metrics::Metrics>,
}

impl Intake {
    /// An intake recording into `inbox`; `directory` and `interactions` are shared with the platform.
    pub fn new(
        inbox: InboxWriter,
        directory: Arc<Directory>,
        interactions: Arc<Interactions>,
        forms: FormSource,
        metrics: Arc<crate::adapters::metrics::Metrics>,
    ) -> Self {
        Intake { inbox, directory, interactions, forms, recent: Mutex::default(), metrics }
    }

    /// The answer to `interaction`, or why there is none. Marks the id as seen.
    pub async fn answer(&self, interaction: Interaction) -> Outcome {
        if !self.first_sight(interaction.id()) {
            return Outcome::Replayed;
        }
        match interaction {
            Interaction::Command(command) if command.data.name == COMMAND_NAME => {
                Outcome::Answer(Box::new(self.command(command)))
            }
            Interaction::Autocomplete(auto) => {
                Outcome::Answer(Box::new(Answer { response: zone_choices(&auto), then: None }))
            }
            Interaction::Component(click) if forms::is_answer_button(&click.data.custom_id) => {
                Outcome::Answer(Box::new(self.answer_button(click).await))
            }
            Interaction::Modal(modal) => {
                self.modal(modal).map_or(Outcome::NotHandled, |answer| Outcome::Answer(Box::new(answer)))
            }
            _ => Outcome::NotHandled,
        }
    }

    /// Tells the engine about an interaction whose response Discord now has: a command's token
    /// is kept for the engine's reply, then its event is queued.
    pub async fn acknowledged(&self, then: AfterAck) {
        let event = match then.0 {
            After::Command { invocation, token } => {
                self.interactions.remember(&invocation.channel, &invocation.user, &token);
                InboundEvent::Command(invocation)
            }
            After::Submission(submission) => InboundEvent::StandupSubmission(submission),
        };
        self.forward(event).await;
    }

    /// Records an event in the inbox for the engine (durable once this returns). A gateway
    /// dispatch has no ack to hold back, so a failed write is logged: the event is lost.
    pub async fn forward(&self, event: InboundEvent) {
        let key = event.delivery_id();
        self.metrics.platform_event(Platform::Discord, key.split(':').next().unwrap_or("event"));
        if let Err(error) = self.inbox.record(Platform::Discord, event).await {
            tracing::error!(error = format!("{error:#}"), "a Discord event could not be recorded and is lost");
        }
    }

    /// True the first time an interaction id is seen.
    fn first_sight(&self, id: InteractionId) -> bool {
        let mut recent = self.recent.lock().expect("recent lock");
        if !recent.0.insert(id) {
            return false;
        }
        recent.1.push_back(id);
        if recent.1.len() > RECENT_INTERACTIONS
            && let Some(old) = recent.1.pop_front()
        {
            recent.0.remove(&old);
        }
        true
    }

    fn workspace_of(&self, guild: Option<GuildId>, user: UserId) -> String {
        match guild {
            Some(guild) => {
                self.directory.saw_member(user.get(), guild.get());
                guild.to_string()
            }
            None => self.directory.dm_workspace(user.get()),
        }
    }

    /// `/async`: deferred at once (the engine may be busy; Discord fails the interaction after
    /// 3 s), ephemeral, and rendered back into the command text the engine parses.
    fn command(&self, command: CommandInteraction) -> Answer {
        let channel = command.channel_id.to_string();
        let user = command.user.id.to_string();
        let text = commands::command_text(&command.data.options).unwrap_or_else(|| "help".to_owned());
        let workspace = self.workspace_of(command.guild_id, command.user.id);
        let admin = Permissions::MANAGE_GUILD | Permissions::ADMINISTRATOR;
        let platform_admin = command.member.as_ref().and_then(|m| m.permissions).is_some_and(|p| p.intersects(admin));
        let id = command.id.to_string();
        let is_dm = command.guild_id.is_none();
        let invocation = CommandInvocation { workspace, id, channel, user, text, platform_admin, is_dm };
        Answer {
            response: CreateInteractionResponse::Defer(CreateInteractionResponseMessage::new().ephemeral(true)),
            then: Some(AfterAck(After::Command { invocation, token: command.token })),
        }
    }

    /// The answer button: the modal of the member's open run, or a note that there is none.
    async fn answer_button(&self, click: ComponentInteraction) -> Answer {
        let workspace = self.workspace_of(click.guild_id, click.user.id);
        let user = click.user.id.to_string();
        let response = match forms::open_form(&self.forms, &workspace, &user, &click.data.custom_id).await {
            Ok(Some(form)) => CreateInteractionResponse::Modal(forms::modal(&form)),
            Ok(None) => ephemeral("There is no standup to answer right now."),
            Err(error) => {
                tracing::error!(error = format!("{error:#}"), "could not read the open standup run");
                ephemeral("Something went wrong; reply to the prompt here instead.")
            }
        };
        Answer { response, then: None }
    }

    /// A submitted answer modal: acknowledged at once, then handed to the engine, which
    /// confirms by DM. `None` for modals that are not the bot's.
    fn modal(&self, modal: ModalInteraction) -> Option<Answer> {
        let (standup, answers) = forms::submitted_answers(&modal.data)?;
        let workspace = self.workspace_of(modal.guild_id, modal.user.id);
        let user = modal.user.id.to_string();
        let id = modal.id.to_string();
        let submission = StandupSubmission { workspace, id, user, standup, answers };
        Some(Answer {
            response: CreateInteractionResponse::Acknowledge,
            then: Some(AfterAck(After::Submission(submission))),
        })
    }
}

/// Time zones matching what the member has typed so far.
fn zone_choices(auto: &CommandInteraction) -> CreateInteractionResponse {
    let typed = auto.data.autocomplete().map(|o| o.value.to_owned()).unwrap_or_default();
    let mut choices = CreateAutocompleteResponse::new();
    for zone in commands::zone_suggestions(&typed) {
        choices = choices.add_string_choice(zone, zone);
    }
    CreateInteractionResponse::Autocomplete(choices)
}

/// A private note that pings nobody.
fn ephemeral(text: &str) -> CreateInteractionResponse {
    let message = CreateInteractionResponseMessage::new()
        .content(text)
        .ephemeral(true)
        .allowed_mentions(CreateAllowedMentions::new());
    CreateInteractionResponse::Message(message)
}

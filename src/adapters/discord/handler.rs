//! Purpose: the gateway side — serenity's event handler, which turns dispatches into
//! [`InboundEvent`]s on the engine's channel, acks interactions within Discord's 3 s (an
//! ephemeral deferred response), registers `/async`, and learns threads and guilds.

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex};

use serenity::all::{
    Command, CommandInteraction, ComponentInteraction, Context, CreateAutocompleteResponse, CreateInteractionResponse,
    CreateInteractionResponseMessage, EventHandler, Guild, GuildChannel, GuildId, Interaction, InteractionId, Message,
    ModalInteraction, Permissions, Ready, UserId,
};
use tokio::sync::mpsc;

use super::commands::{self, COMMAND_NAME};
use super::convert::{Directory, chat_message, error_text};
use super::forms::{self, FormSource};
use super::platform::Interactions;
use crate::config::Settings;
use crate::domain::events::{CommandInvocation, InboundEvent, StandupSubmission};

/// How many recent interaction ids are remembered to drop replays (a RESUME can replay the
/// dispatches of the last few seconds; the engine's delivery log catches anything older).
const RECENT_INTERACTIONS: usize = 1024;

/// The serenity event handler.
pub struct Handler {
    events: mpsc::Sender<InboundEvent>,
    directory: Arc<Directory>,
    interactions: Arc<Interactions>,
    forms: FormSource,
    global_commands: bool,
    recent: Mutex<(HashSet<InteractionId>, VecDeque<InteractionId>)>,
}

impl Handler {
    /// A handler feeding `events`.
    pub fn new(
        events: mpsc::Sender<InboundEvent>,
        directory: Arc<Directory>,
        interactions: Arc<Interactions>,
        forms: FormSource,
        settings: &Settings,
    ) -> Self {
        let global_commands = settings.discord.global_commands;
        Handler { events, directory, interactions, forms, global_commands, recent: Mutex::default() }
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

    async fn forward(&self, event: InboundEvent) {
        if self.events.send(event).await.is_err() {
            tracing::warn!("the bot loop has stopped; a Discord event was dropped");
        }
    }

    async fn on_command(&self, ctx: &Context, command: CommandInteraction) {
        // Ack first: Discord fails the interaction after 3 s, and the engine may be busy.
        let defer = CreateInteractionResponse::Defer(CreateInteractionResponseMessage::new().ephemeral(true));
        if let Err(error) = command.create_response(&ctx.http, defer).await {
            tracing::warn!(error = %error_text(&error), "could not acknowledge a Discord command");
            return;
        }
        let channel = command.channel_id.to_string();
        let user = command.user.id.to_string();
        self.interactions.remember(&channel, &user, &command.token);
        let text = commands::command_text(&command.data.options).unwrap_or_else(|| "help".to_owned());
        let workspace = self.workspace_of(command.guild_id, command.user.id);
        let admin = Permissions::MANAGE_GUILD | Permissions::ADMINISTRATOR;
        let platform_admin = command.member.as_ref().and_then(|m| m.permissions).is_some_and(|p| p.intersects(admin));
        let id = command.id.to_string();
        self.forward(InboundEvent::Command(CommandInvocation { workspace, id, channel, user, text, platform_admin }))
            .await;
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

    /// The answer button: opens the modal of the member's open run, or says there is none.
    async fn on_answer_button(&self, ctx: &Context, click: ComponentInteraction) {
        let workspace = self.workspace_of(click.guild_id, click.user.id);
        let response = match forms::open_form(&self.forms, &workspace, &click.user.id.to_string()).await {
            Ok(Some(form)) => CreateInteractionResponse::Modal(forms::modal(&form)),
            Ok(None) => ephemeral("There is no standup to answer right now."),
            Err(error) => {
                tracing::error!(error = format!("{error:#}"), "could not read the open standup run");
                ephemeral("Something went wrong; reply to the prompt here instead.")
            }
        };
        if let Err(error) = click.create_response(&ctx.http, response).await {
            tracing::warn!(error = %error_text(&error), "could not open the standup form");
        }
    }

    /// A submitted answer modal: acknowledged at once, then handed to the engine, which
    /// confirms by DM.
    async fn on_modal(&self, ctx: &Context, modal: ModalInteraction) {
        let Some((standup, answers)) = forms::submitted_answers(&modal.data) else {
            tracing::debug!("modal the bot does not handle");
            return;
        };
        if let Err(error) = modal.create_response(&ctx.http, CreateInteractionResponse::Acknowledge).await {
            tracing::warn!(error = %error_text(&error), "could not acknowledge a standup form");
            return;
        }
        let workspace = self.workspace_of(modal.guild_id, modal.user.id);
        let user = modal.user.id.to_string();
        let id = modal.id.to_string();
        self.forward(InboundEvent::StandupSubmission(StandupSubmission { workspace, id, user, standup, answers }))
            .await;
    }

    async fn register_commands(&self, ctx: &Context, guilds: &[serenity::all::GuildId]) {
        if self.global_commands {
            if let Err(error) = Command::set_global_commands(&ctx.http, vec![commands::definition()]).await {
                tracing::warn!(error = %error_text(&error), "could not register /async globally");
            }
            return;
        }
        for guild in guilds {
            if let Err(error) = guild.set_commands(&ctx.http, vec![commands::definition()]).await {
                tracing::warn!(error = %error_text(&error), guild = %guild, "could not register /async in a guild");
            }
        }
    }
}

fn ephemeral(text: &str) -> CreateInteractionResponse {
    CreateInteractionResponse::Message(CreateInteractionResponseMessage::new().content(text).ephemeral(true))
}

#[serenity::async_trait]
impl EventHandler for Handler {
    async fn ready(&self, ctx: Context, ready: Ready) {
        tracing::info!(user = %ready.user.name, guilds = ready.guilds.len(), "connected to the Discord gateway");
        for guild in &ready.guilds {
            self.directory.add_guild(guild.id.get());
        }
        let guilds: Vec<_> = ready.guilds.iter().map(|g| g.id).collect();
        self.register_commands(&ctx, &guilds).await;
    }

    async fn guild_create(&self, ctx: Context, guild: Guild, is_new: Option<bool>) {
        self.directory.add_guild(guild.id.get());
        for thread in &guild.threads {
            if let Some(parent) = thread.parent_id {
                self.directory.add_thread(thread.id.get(), parent.get());
            }
        }
        if is_new == Some(true) {
            self.register_commands(&ctx, &[guild.id]).await;
        }
    }

    async fn thread_create(&self, _ctx: Context, thread: GuildChannel) {
        if let Some(parent) = thread.parent_id {
            self.directory.add_thread(thread.id.get(), parent.get());
        }
    }

    async fn message(&self, _ctx: Context, message: Message) {
        if let Some(message) = chat_message(&message, &self.directory) {
            self.forward(InboundEvent::Message(message)).await;
        }
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        if !self.first_sight(interaction.id()) {
            tracing::debug!("replayed interaction ignored");
            return;
        }
        match interaction {
            Interaction::Command(command) if command.data.name == COMMAND_NAME => self.on_command(&ctx, command).await,
            Interaction::Autocomplete(auto) => {
                let typed = auto.data.autocomplete().map(|o| o.value.to_owned()).unwrap_or_default();
                let mut choices = CreateAutocompleteResponse::new();
                for zone in commands::zone_suggestions(&typed) {
                    choices = choices.add_string_choice(zone, zone);
                }
                if let Err(error) =
                    auto.create_response(&ctx.http, CreateInteractionResponse::Autocomplete(choices)).await
                {
                    tracing::debug!(error = %error_text(&error), "autocomplete answer failed");
                }
            }
            Interaction::Component(click) if click.data.custom_id == forms::ANSWER_BUTTON => {
                self.on_answer_button(&ctx, click).await
            }
            Interaction::Modal(modal) => self.on_modal(&ctx, modal).await,
            _ => tracing::debug!("interaction the bot does not handle"),
        }
    }
}

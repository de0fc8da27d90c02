//! Purpose: the gateway side — serenity's event handler, which turns dispatches into
//! [`InboundEvent`]s on the engine's channel, answers interactions within Discord's 3 s through
//! [`Intake`] (the same answers the HTTP interactions endpoint gives), registers `/async`, and
//! learns threads and guilds.

use std::sync::Arc;

use serenity::all::{
    Command, Context, CreateInteractionResponse, EventHandler, Guild, GuildChannel, GuildId, Interaction, Message,
    Ready,
};
use serenity::builder::Builder as _;

use super::commands;
use super::convert::{Directory, chat_message, error_text};
use super::intake::{Answer, Intake, Outcome};
use crate::config::Settings;
use crate::domain::events::InboundEvent;

/// The serenity event handler.
pub struct Handler {
    intake: Arc<Intake>,
    directory: Arc<Directory>,
    global_commands: bool,
}

impl Handler {
    /// A handler feeding `intake`; `directory` is the one the intake and the platform share.
    pub fn new(intake: Arc<Intake>, directory: Arc<Directory>, settings: &Settings) -> Self {
        Handler { intake, directory, global_commands: settings.discord.global_commands }
    }

    async fn register_commands(&self, ctx: &Context, guilds: &[GuildId]) {
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
            self.intake.forward(InboundEvent::Message(message)).await;
        }
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        let (id, token) = (interaction.id(), interaction.token().to_owned());
        match self.intake.answer(interaction).await {
            Outcome::Answer(answer) => {
                let Answer { response, then } = *answer;
                // Autocomplete answers often lose the race with the member's next keystroke.
                let quiet = matches!(response, CreateInteractionResponse::Autocomplete(_));
                if let Err(error) = response.execute(&ctx.http, (id, &token)).await {
                    if quiet {
                        tracing::debug!(error = %error_text(&error), "autocomplete answer failed");
                    } else {
                        tracing::warn!(error = %error_text(&error), "could not answer a Discord interaction");
                    }
                    return;
                }
                if let Some(then) = then {
                    self.intake.acknowledged(then).await;
                }
            }
            Outcome::Replayed => tracing::debug!("replayed interaction ignored"),
            Outcome::NotHandled => tracing::debug!("interaction the bot does not handle"),
        }
    }
}

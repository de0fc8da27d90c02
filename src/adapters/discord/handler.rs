//! Purpose: the gateway side — serenity's event handler, which turns dispatches into
//! [`InboundEvent`]s on the engine's channel, answers interactions within Discord's 3 s through
//! [`Intake`] (the same answers the HTTP interactions endpoint gives), registers `/async`, and
//! learns threads and guilds.

use std::sync::Arc;

use serenity::all::{
    Command, Context, CreateInteractionResponse, EventHandler, Guild, GuildChannel, GuildId, GuildMemberUpdateEvent,
    Interaction, Member, Message, Ready, Role, RoleId,
};
use serenity::builder::Builder as _;

use super::commands;
use super::convert::{Directory, chat_message, error_text, member_update};
use super::intake::{Answer, Intake, Outcome};
use crate::config::Settings;
use crate::domain::events::InboundEvent;

/// The serenity event handler.
pub struct Handler {
    intake: Arc<Intake>,
    directory: Arc<Directory>,
    global_commands: bool,
    /// The gateway session (READY's `session_id`) and how many member and role updates it
    /// brought: the key of such an update, which has no id of its own. A RESUME keeps the
    /// session, so a replayed update is applied again (it says the same); a new session never
    /// reuses a key.
    updates: std::sync::Mutex<(String, u64)>,
}

impl Handler {
    /// A handler feeding `intake`; `directory` is the one the intake and the platform share.
    pub fn new(intake: Arc<Intake>, directory: Arc<Directory>, settings: &Settings) -> Self {
        Handler {
            intake,
            directory,
            global_commands: settings.discord.global_commands,
            updates: std::sync::Mutex::default(),
        }
    }

    /// The key of the next member or role update of this gateway session.
    fn update_key(&self) -> String {
        let mut updates = self.updates.lock().expect("updates lock");
        updates.1 += 1;
        format!("{}:{}", updates.0, updates.1)
    }

    /// A role's grants changed in `guild`: the engine reads its known members' profiles again.
    async fn roles_changed(&self, guild: GuildId) {
        let event = InboundEvent::RolesChanged { workspace: guild.to_string(), id: self.update_key() };
        self.intake.forward(event).await;
    }

    async fn register_commands(&self, ctx: &Context, guilds: &[GuildId]) {
        if self.global_commands {
            // One registration is enough: shard 0's session makes it (every shard count has one).
            if ctx.shard_id.0 != 0 {
                return;
            }
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
        *self.updates.lock().expect("updates lock") = (ready.session_id.clone(), 0);
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

    /// A member's roles or nickname changed (sent with the GUILD_MEMBERS intent): their admin
    /// flag and name follow at once. The guild's roles come from the gateway cache, else from
    /// REST (as `DiscordPlatform::profile` reads them); if neither answers, the engine's daily
    /// profile read catches up.
    async fn guild_member_update(
        &self,
        ctx: Context,
        _old: Option<Member>,
        _new: Option<Member>,
        update: GuildMemberUpdateEvent,
    ) {
        let cached = ctx.cache.guild(update.guild_id).map(|guild| {
            let roles: Vec<_> = guild.roles.values().map(|r| (r.id, r.permissions)).collect();
            (roles, guild.owner_id == update.user.id)
        });
        let (roles, owner) = match cached {
            Some(known) => known,
            None => match ctx.http.get_guild_roles(update.guild_id).await {
                Ok(roles) => (roles.into_iter().map(|r| (r.id, r.permissions)).collect(), false),
                Err(error) => {
                    tracing::warn!(error = %error_text(&error), guild = %update.guild_id,
                        "could not read the guild's roles for a member update; the daily profile read catches up");
                    return;
                }
            },
        };
        if let Some(event) = member_update(&update, &roles, owner, self.update_key()) {
            self.intake.forward(event).await;
        }
    }

    /// A role was edited (sent with GUILDS). Only a change of what it grants matters: a renamed
    /// or recoloured role (the cache knows the old one) changes nobody's rights.
    async fn guild_role_update(&self, _ctx: Context, old: Option<Role>, new: Role) {
        if old.is_some_and(|old| old.permissions == new.permissions) {
            return;
        }
        self.roles_changed(new.guild_id).await;
    }

    /// A role was deleted: whoever had rights through it has lost them.
    async fn guild_role_delete(&self, _ctx: Context, guild: GuildId, _role: RoleId, _old: Option<Role>) {
        self.roles_changed(guild).await;
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

//! Purpose: `/async …` — parse, check admin rights, route to the feature, reply privately.
//! Malformed or unauthorised commands get one private line and change nothing.

use crate::context::Context;
use crate::domain::command::{self, Command};
use crate::domain::events::{CommandInvocation, Destination, OutgoingMessage, Purpose};
use crate::domain::markup::split_for;
use crate::domain::member::Member;
use crate::features::{decisions, digest, holidays, nudge, preferences, standup, stats};

/// Who ran a command, where.
pub struct CommandContext<'a> {
    /// Store id of the workspace.
    pub workspace_id: i64,
    /// The invocation as received.
    pub invocation: &'a CommandInvocation,
    /// The member who ran it.
    pub member: Member,
}

/// A private reply to a command, and its purpose.
pub struct Reply {
    /// The rendered text.
    pub text: String,
    /// `command_reply` unless the feature says otherwise (a logged decision is `decision_ack`).
    pub purpose: Purpose,
}

impl Reply {
    /// A plain command reply.
    pub fn text(text: impl Into<String>) -> Self {
        Reply { text: text.into(), purpose: Purpose::CommandReply }
    }
}

/// Handles one `/async` invocation.
pub async fn handle(bot: &Context, invocation: &CommandInvocation) -> anyhow::Result<()> {
    let workspace_id = bot.workspace_id(&invocation.workspace).await?;
    let member = bot.member(workspace_id, &invocation.workspace, &invocation.user).await?;
    let is_admin = member.is_admin || invocation.platform_admin;
    let ctx = CommandContext { workspace_id, invocation, member };
    let reply = match command::parse(&invocation.text) {
        // The error quotes what the member typed: repeated as user text, so it can ping nobody.
        Err(error) => Reply::text(bot.markup.user_text(&error.0)),
        Ok(parsed) if parsed.requires_admin() && !is_admin => {
            Reply::text("Only workspace admins can do that. Ask an admin, or try `/async help`.")
        }
        Ok(parsed) => route(bot, &ctx, parsed).await?,
    };
    let to = Destination::Ephemeral { channel: invocation.channel.clone(), user: invocation.user.clone() };
    // A reply can be long (`who` in a large team, a digest preview): split to the platform's limits.
    let reply = OutgoingMessage::new(to, reply.purpose, reply.text);
    bot.send(workspace_id, split_for(bot.platform(), reply)).await
}

async fn route(bot: &Context, ctx: &CommandContext<'_>, parsed: Command) -> anyhow::Result<Reply> {
    match parsed {
        Command::Help => Ok(Reply::text(command::usage())),
        Command::Me => preferences::me(bot, ctx).await,
        Command::Tz(zone) => preferences::set_zone(bot, ctx, zone).await,
        Command::Hours { hours, days } => preferences::set_hours(bot, ctx, hours, days).await,
        Command::Ooo { from, to } => preferences::set_out_of_office(bot, ctx, Some((from, to))).await,
        Command::OooOff => preferences::set_out_of_office(bot, ctx, None).await,
        Command::Who => preferences::who(bot, ctx).await,
        Command::Brief(on) => preferences::set_brief(bot, ctx, on).await,
        Command::ForgetMe => preferences::forget_me(bot, ctx).await,
        Command::ExportMe => preferences::export_me::export_me(bot, ctx).await,
        Command::Standup(standup_command) => standup::command(bot, ctx, standup_command).await,
        Command::Digest { action, standup } => digest::command(bot, ctx, action, &standup).await,
        Command::Nudge(mode) => nudge::command(bot, ctx, mode).await,
        Command::NudgeMe(on) => preferences::set_nudge_me(bot, ctx, on).await,
        Command::Holidays(holidays_command) => holidays::command(bot, ctx, holidays_command).await,
        Command::Decide(text) => decisions::decide(bot, ctx, &text).await,
        Command::Decisions(words) => decisions::list(bot, ctx, words.as_deref()).await,
        Command::Stats(days) => stats::command(bot, ctx, days).await,
    }
}

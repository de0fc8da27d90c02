//! Purpose: the decision log (SPEC §6) — `/async decide`, `Decision:` messages in watched
//! channels, `/async decisions [words]`, and new decisions for digests and briefs.
//!
//! - [`rules`]: which message is a decision, which decisions a search matches.

pub mod rules;

use chrono::{DateTime, Utc};

use crate::context::Context;
use crate::domain::events::{ChatMessage, Destination, OutgoingMessage, Purpose};
use crate::features::commands::{CommandContext, Reply};
use crate::features::texts::decisions as texts;
use crate::ports::{DecisionRecord, NewDecision};

/// Most decisions one list shows.
pub const LIST_LIMIT: usize = 10;

/// How many recent decisions a search looks through (newest first).
const SEARCH_DEPTH: u32 = 1_000;

/// A channel message starting with `Decision:` is logged.
pub async fn on_channel_message(bot: &Context, message: &ChatMessage) -> anyhow::Result<()> {
    let Some(text) = rules::decision_text(&message.text) else {
        return Ok(());
    };
    let workspace_id = bot.workspace_id(&message.workspace).await?;
    let channel = bot.store.ensure_channel(workspace_id, &message.channel).await?;
    if !bot.store.watches_decisions(channel.id).await? {
        return Ok(());
    }
    let author = bot.member(workspace_id, &message.workspace, &message.user).await?;
    let permalink = bot.chat.permalink(&message.channel, &message.id).await?;
    let decision = NewDecision {
        workspace_id,
        author_id: author.id,
        channel_id: channel.id,
        text: text.to_owned(),
        permalink,
        created_at: bot.now(),
    };
    bot.store.record_decision(&decision).await?;
    let to = Destination::Ephemeral { channel: message.channel.clone(), user: message.user.clone() };
    let ack = OutgoingMessage::new(to, Purpose::DecisionAck, texts::logged(bot.markup, text));
    bot.send(workspace_id, vec![ack]).await
}

/// `/async decide <text>`.
pub async fn decide(bot: &Context, ctx: &CommandContext<'_>, text: &str) -> anyhow::Result<Reply> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Reply::text(texts::nothing_to_log()));
    }
    let channel = bot.store.ensure_channel(ctx.workspace_id, &ctx.invocation.channel).await?;
    let decision = NewDecision {
        workspace_id: ctx.workspace_id,
        author_id: ctx.member.id,
        channel_id: channel.id,
        text: text.to_owned(),
        // A command leaves no message to link to.
        permalink: None,
        created_at: bot.now(),
    };
    bot.store.record_decision(&decision).await?;
    Ok(Reply { text: texts::logged(bot.markup, text), purpose: Purpose::DecisionAck })
}

/// The decisions one reader may be shown (SPEC §4 privacy): those taken in these channels
/// (platform ids; a channel's threads are part of it), and, where `author_id` is set, those that
/// member logged anywhere (they wrote them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visible {
    /// Platform channel ids.
    pub channels: Vec<String>,
    /// Store id of a member whose own decisions are included.
    pub author_id: Option<i64>,
}

/// The report channels of the standups a member belongs to: the channels whose decisions their
/// brief and their private listings show.
pub async fn standup_channels(bot: &Context, member_id: i64) -> anyhow::Result<Vec<String>> {
    let mut channels: Vec<String> = Vec::new();
    for standup in bot.store.standups_of(member_id).await? {
        if !channels.contains(&standup.channel) {
            channels.push(standup.channel);
        }
    }
    Ok(channels)
}

/// What a member sees where only they read (their DM with the bot, the App Home): decisions of
/// their standups' channels (SPEC §6), of the private conversation itself (`here`), and their own.
/// Their own decisions are theirs wherever they logged them; SPEC §6 names only the standup
/// channels, and a member expects to find what they decided themselves.
pub async fn visible_in_private(bot: &Context, member_id: i64, here: Option<&str>) -> anyhow::Result<Visible> {
    let mut channels = standup_channels(bot, member_id).await?;
    channels.extend(here.map(str::to_owned));
    Ok(Visible { channels, author_id: Some(member_id) })
}

/// Whether a command was typed in a direct conversation: a Slack `D…` conversation, or the
/// conversation the member writes to the bot in. Either way its reply is seen by the member only.
async fn typed_in_private(bot: &Context, ctx: &CommandContext<'_>) -> anyhow::Result<bool> {
    let channel = &ctx.invocation.channel;
    if ctx.invocation.is_dm || bot.platform().is_direct_message_id(channel) {
        return Ok(true);
    }
    Ok(bot.store.dm_channel(ctx.member.id).await?.as_deref() == Some(channel.as_str()))
}

/// `/async decisions [words]`: what was decided in the channel it is typed in; in a DM with the
/// bot, what was decided in the member's standup channels (SPEC §6).
pub async fn list(bot: &Context, ctx: &CommandContext<'_>, words: Option<&str>) -> anyhow::Result<Reply> {
    let query = words.map(str::trim).filter(|w| !w.is_empty());
    let channel = ctx.invocation.channel.as_str();
    let private = typed_in_private(bot, ctx).await?;
    let visible = if private {
        visible_in_private(bot, ctx.member.id, Some(channel)).await?
    } else {
        Visible { channels: vec![channel.to_owned()], author_id: None }
    };
    let decisions: Vec<DecisionRecord> = match query {
        None => recent(bot, ctx.workspace_id, &visible, LIST_LIMIT as u32).await?,
        Some(query) => {
            // Searched here rather than in SQL: Unicode-aware lower-casing, and the log is small.
            let words = rules::search_words(query);
            let recent = recent(bot, ctx.workspace_id, &visible, SEARCH_DEPTH).await?;
            recent.into_iter().filter(|d| rules::matches(&d.text, &words)).take(LIST_LIMIT).collect()
        }
    };
    let scope = if private { texts::Scope::Private } else { texts::Scope::Channel };
    Ok(Reply::text(texts::list(bot.markup, &decisions, query, scope)))
}

/// Up to `limit` visible decisions, newest first.
pub async fn recent(
    bot: &Context,
    workspace_id: i64,
    visible: &Visible,
    limit: u32,
) -> anyhow::Result<Vec<DecisionRecord>> {
    bot.store.recent_decisions_in(workspace_id, &visible.channels, visible.author_id, limit).await
}

/// Decisions taken in a member's standup channels at or after `since`, oldest first (for
/// briefs): never one logged in a DM or in a channel none of their standups reports to.
pub async fn decisions_for_brief(
    bot: &Context,
    workspace_id: i64,
    member_id: i64,
    since: DateTime<Utc>,
) -> anyhow::Result<Vec<DecisionRecord>> {
    let channels = standup_channels(bot, member_id).await?;
    bot.store.decisions_in_since(workspace_id, &channels, since).await
}

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

/// `/async decisions [words]`.
pub async fn list(bot: &Context, ctx: &CommandContext<'_>, words: Option<&str>) -> anyhow::Result<Reply> {
    let query = words.map(str::trim).filter(|w| !w.is_empty());
    let decisions: Vec<DecisionRecord> = match query {
        None => bot.store.recent_decisions(ctx.workspace_id, LIST_LIMIT as u32).await?,
        Some(query) => {
            // Searched here rather than in SQL: Unicode-aware lower-casing, and the log is small.
            let words = rules::search_words(query);
            let recent = bot.store.recent_decisions(ctx.workspace_id, SEARCH_DEPTH).await?;
            recent.into_iter().filter(|d| rules::matches(&d.text, &words)).take(LIST_LIMIT).collect()
        }
    };
    Ok(Reply::text(texts::list(bot.markup, &decisions, query)))
}

/// Decisions of a workspace logged at or after `since`, oldest first (for digests and briefs).
pub async fn decisions_since(
    bot: &Context,
    workspace_id: i64,
    since: DateTime<Utc>,
) -> anyhow::Result<Vec<DecisionRecord>> {
    bot.store.decisions_since(workspace_id, since).await
}

//! Purpose: what a substantive (non-ping) channel message may start — an off-hours notice to its
//! sender (once per sender, recipient and sender-local day), the record of mentions that landed
//! off-hours, and open questions for the members it asks something.

use crate::context::Context;
use crate::domain::command::NudgeMode;
use crate::domain::events::{ChatMessage, Destination, OutgoingMessage, Purpose};
use crate::domain::markup::mentioned_users;
use crate::domain::member::Member;
use crate::domain::platform::Platform;
use crate::features::nudge::{away_member, rules};
use crate::features::texts::nudge as texts;
use crate::ports::NewQuestion;

/// Handles the mentions of a substantive message.
pub(super) async fn on_substantive(
    bot: &Context,
    workspace_id: i64,
    nudge_mode: &str,
    sender: &Member,
    message: &ChatMessage,
) -> anyhow::Result<()> {
    let now = bot.now();
    let asks = rules::asks_question(&message.text);
    for user in mentioned_users(&message.text) {
        if user == message.user {
            continue;
        }
        let recipient = bot.member(workspace_id, &message.workspace, &user).await?;
        if asks {
            let question = NewQuestion {
                workspace_id,
                channel: message.channel.clone(),
                message: message.thread.clone().unwrap_or_else(|| message.id.clone()),
                asker_id: sender.id,
                asked_id: recipient.id,
                text: message.text.clone(),
                asked_at: now,
            };
            bot.store.record_question(&question).await?;
        }
        let Some(away) = away_member(bot, &recipient, now) else {
            continue;
        };
        bot.store.record_offhours_mention(workspace_id, recipient.id, now).await?;
        if nudge_mode != NudgeMode::On.as_str() || sender.nudge_opt_out {
            continue;
        }
        // Discord has no message only the sender sees outside an interaction: the notice goes in
        // the thread when there is one, and nowhere otherwise (SPEC §1).
        let to = match (bot.platform(), &message.thread) {
            (Platform::Slack, _) => {
                Destination::Ephemeral { channel: message.channel.clone(), user: message.user.clone() }
            }
            (Platform::Discord, Some(thread)) => {
                Destination::ThreadReply { channel: message.channel.clone(), thread: thread.clone() }
            }
            (Platform::Discord, None) => continue,
        };
        let sender_date = sender.availability.local_now(now).date().to_string();
        if !bot.store.claim_offhours_notice(sender.id, recipient.id, &sender_date, now).await? {
            continue;
        }
        let mut text = texts::offhours_notice(&away);
        let mut notice = OutgoingMessage::new(to.clone(), Purpose::OffhoursNotice, String::new());
        if matches!(to, Destination::ThreadReply { .. }) {
            // Seen by everyone in the thread, so it says whom it is for.
            text = format!("{} {text}", bot.markup.mention(&sender.user));
            notice = notice.pinging([sender.user.clone()]);
        }
        notice.text = text;
        bot.send(workspace_id, vec![notice]).await?;
    }
    Ok(())
}

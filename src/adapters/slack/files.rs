//! Purpose: a message with a file on Slack, the way Slack asks for it since `files.upload` was
//! retired: `files.getUploadURLExternal` (name and length) gives an upload URL and a file id, the
//! bytes are POSTed to that URL, and `files.completeUploadExternal` shares the file in the
//! conversation with the message's text as its `initial_comment`. A DM is shared in the member's
//! DM conversation (`D…`, from `conversations.open`): `channel_id` takes a conversation, not a
//! user.
//!
//! Exactly once: a file message carries no message metadata, so the file's name carries the
//! outbox id instead (`unhurried-export-42.json`, [`Attachment::tagged_name`]) and
//! [`super::reconcile`] looks for a message of the bot whose files include that name. A send whose
//! upload was never completed shared nothing and is found nowhere, so it is sent again; the
//! private, unshared upload it leaves is Slack's to expire.

use slack_morphism::prelude::*;

use super::platform::within_time;
use crate::domain::events::Attachment;
use crate::ports::{OutboxTag, SendError};

/// The session every call goes through.
type Session<'a> = SlackClientSession<'a, SlackClientHyperHttpsConnector>;

/// Uploads `file`, named for `tag`, and shares it in `channel` (a conversation id), in `thread`
/// if given, introduced by `text`. The file's id (Slack answers no message `ts` for a share).
pub async fn share(
    session: &Session<'_>,
    tag: OutboxTag,
    channel: &str,
    thread: Option<&str>,
    text: &str,
    file: &Attachment,
) -> Result<String, SendError> {
    let name = file.tagged_name(tag.id);
    let request = SlackApiFilesGetUploadUrlExternalRequest::new(name.clone(), file.text.len());
    let upload = within_time(session.get_upload_url_external(&request)).await?;
    let bytes = SlackApiFilesUploadViaUrlRequest::new(
        upload.upload_url,
        file.text.as_bytes().to_vec(),
        file.content_type.clone(),
    );
    within_time(session.files_upload_via_url(&bytes)).await?;
    let shared = SlackApiFilesComplete::new(upload.file_id.clone()).with_title(name);
    let complete = SlackApiFilesCompleteUploadExternalRequest::new(vec![shared])
        .with_channel_id(channel.to_owned().into())
        .with_initial_comment(text.to_owned())
        .opt_thread_ts(thread.map(|t| t.to_owned().into()));
    let completed = within_time(session.files_complete_upload_external(&complete)).await?;
    let id = completed.files.first().map_or(upload.file_id, |f| f.id.clone());
    Ok(id.to_string())
}

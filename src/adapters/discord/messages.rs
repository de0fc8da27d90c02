//! Purpose: creating a message on Discord exactly once. Every create carries `nonce` = the outbox
//! id with `enforce_nonce: true`: Discord then answers a second create with the same nonce from the
//! same author, within a few minutes, with the first message and creates nothing, so a message
//! whose fate is unknown (a timeout, a 5xx, a crash mid-send) is simply sent again.
//!
//! The request is made here rather than through serenity's `send_message`, to read the answer
//! itself: a 429 keeps its `Retry-After` (serenity's error drops it), and a created message whose
//! answer cannot be read is told apart from a refused one. Against discord.com the request still
//! goes through serenity's rate limiter, which waits out each route's bucket; through a proxy
//! (the limiter off) it goes out directly, as serenity would send it.

use std::sync::Arc;
use std::time::Duration;

use serenity::all::{ChannelId, CreateAttachment, CreateMessage, Message, Nonce};
use serenity::http::{ErrorResponse, Http, HttpError, LightMethod, Multipart, MultipartUpload, Request, Route};

use super::convert::{self, send_error};
use crate::ports::{OutboxTag, SendError};

/// How long a REST call may take before it is given up (neither serenity's client nor reqwest's
/// has a limit). A create given up this way may have arrived; its nonce makes the resend safe.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// The nonce of an outbox message (Discord takes at most 25 characters; an i64 has at most 20).
pub fn nonce(tag: OutboxTag) -> Nonce {
    Nonce::String(tag.id.to_string())
}

/// Makes message creates.
pub struct Creator {
    http: Arc<Http>,
    /// The client for requests when serenity's limiter is off (a proxy limits them instead).
    direct: reqwest::Client,
}

impl Creator {
    /// Creates through `http`'s limiter, or directly where `http` has none (a proxy).
    pub fn new(http: Arc<Http>) -> Self {
        let direct = reqwest::Client::builder().use_rustls_tls().build().unwrap_or_default();
        Creator { http, direct }
    }

    /// Creates `builder` (which carries the nonce) in `channel`; the message's id. With a file
    /// (`upload`, also added to `builder` with `add_file` so its `attachments` name it), the
    /// request is multipart as serenity sends it: the message as `payload_json`, the file as
    /// `files[0]`.
    pub async fn create(
        &self,
        channel: ChannelId,
        builder: &CreateMessage,
        upload: Option<CreateAttachment>,
    ) -> Result<String, SendError> {
        let unserialisable = |e: serde_json::Error| SendError::Refused(format!("unserialisable message: {e}"));
        let request = Request::new(Route::ChannelMessages { channel_id: channel }, LightMethod::Post);
        let request = match upload {
            None => request.body(Some(serde_json::to_vec(builder).map_err(unserialisable)?)),
            Some(file) => request.multipart(Some(Multipart {
                upload: MultipartUpload::Attachments(vec![file]),
                fields: Vec::new(),
                payload_json: Some(serde_json::to_string(builder).map_err(unserialisable)?),
            })),
        };
        let response = match tokio::time::timeout(CALL_TIMEOUT, self.execute(request)).await {
            Ok(Ok(response)) => response,
            Ok(Err(error)) => return Err(send_error(&error)),
            Err(_) => {
                return Err(SendError::Ambiguous(format!(
                    "Discord did not answer within {} s",
                    CALL_TIMEOUT.as_secs()
                )));
            }
        };
        let status = response.status();
        if status.is_success() {
            let answer = tokio::time::timeout(CALL_TIMEOUT, response.bytes()).await;
            let message = match answer {
                Ok(Ok(bytes)) => serde_json::from_slice::<Message>(&bytes).ok(),
                _ => None,
            };
            // Created, but the answer was lost: the resend with the same nonce returns it.
            return message
                .map(|m| m.id.to_string())
                .ok_or_else(|| SendError::Ambiguous("Discord's answer to a created message could not be read".into()));
        }
        if status.as_u16() == 429 {
            let headers = response.headers().clone();
            let body = response.bytes().await.unwrap_or_default();
            return Err(SendError::RateLimited { retry_after: convert::retry_after(&headers, &body) });
        }
        let refused = ErrorResponse::from_response(response, reqwest::Method::POST).await;
        Err(send_error(&serenity::Error::Http(HttpError::UnsuccessfulRequest(refused))))
    }

    async fn execute(&self, request: Request<'_>) -> serenity::Result<reqwest::Response> {
        if let Some(limiter) = &self.http.ratelimiter {
            return limiter.perform(request).await;
        }
        let built = request.build(&self.direct, self.http.token(), self.http.proxy.as_deref())?.build()?;
        Ok(self.direct.execute(built).await?)
    }
}

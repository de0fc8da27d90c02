//! Purpose: fetching a holiday feed over HTTPS, bounded: a time limit, a size limit, https only
//! (or a loopback address, where tests serve a feed), redirects held to the same rule. Every
//! failure is one line for the admin; nothing here writes.

use std::time::Duration;

use reqwest::Url;

/// Largest feed read, in bytes (1 MiB): a national holiday feed is a few kilobytes.
pub const MAX_FEED_BYTES: usize = 1024 * 1024;
/// How long one fetch may take, from connecting to the last byte.
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(10);
/// Most redirects followed.
const MAX_REDIRECTS: usize = 5;

/// Whether the bot may fetch this URL: https, or http to a loopback address.
pub fn allowed(url: &Url) -> bool {
    match url.scheme() {
        "https" => url.host().is_some(),
        "http" => url.host_str().is_some_and(|host| {
            let host = host.trim_start_matches('[').trim_end_matches(']');
            host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
        }),
        _ => false,
    }
}

/// Fetches the feed's text, or says in one line why it could not.
pub async fn fetch(url: &str, timeout: Duration) -> Result<String, String> {
    let url = Url::parse(url).map_err(|error| format!("the URL does not read ({error})"))?;
    if !allowed(&url) {
        return Err("only https URLs can be fetched".to_owned());
    }
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::custom(|attempt| {
            if attempt.previous().len() >= MAX_REDIRECTS {
                attempt.error("too many redirects")
            } else if allowed(attempt.url()) {
                attempt.follow()
            } else {
                attempt.error("it redirects to a URL that is not https")
            }
        }))
        .user_agent(concat!("unhurried/", env!("CARGO_PKG_VERSION"), " (holiday calendar)"))
        .build()
        .map_err(|error| format!("no HTTP client ({error})"))?;
    let mut response = client.get(url).send().await.map_err(|error| describe(&error, timeout))?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("the server answered HTTP {}", status.as_u16()));
    }
    if response.content_length().is_some_and(|length| length > MAX_FEED_BYTES as u64) {
        return Err(too_large());
    }
    let mut body: Vec<u8> = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|error| describe(&error, timeout))? {
        if body.len() + chunk.len() > MAX_FEED_BYTES {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    String::from_utf8(body).map_err(|_| "the feed is not UTF-8 text".to_owned())
}

fn too_large() -> String {
    format!("the feed is larger than {} KiB", MAX_FEED_BYTES / 1024)
}

/// One line for a transport failure, without the URL (it may carry a token in its query).
fn describe(error: &reqwest::Error, timeout: Duration) -> String {
    if error.is_timeout() {
        format!("no answer within {} seconds", timeout.as_secs_f64())
    } else if error.is_redirect() {
        "it redirects to a URL that is not https, or too many times".to_owned()
    } else if error.is_connect() {
        "could not connect to the server".to_owned()
    } else {
        "the download failed".to_owned()
    }
}

//! Purpose: which chat platform a workspace, message or command belongs to.
//!
//! Features are written once and ask this value (through [`crate::domain::markup::markup_for`])
//! how to render; ids inside a command stay plain strings because the caller knows the platform.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A chat platform unhurried speaks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    /// Slack: mrkdwn, `<@U…>` mentions, `<!date^…>` timestamps.
    Slack,
    /// Discord: markdown, `<@123>` mentions, `<t:…>` timestamps.
    Discord,
}

impl Platform {
    /// Every platform, in a stable order (for config checks and tests).
    pub const ALL: [Platform; 2] = [Platform::Slack, Platform::Discord];

    /// Whether a conversation id is a direct message by its form alone: Slack's direct
    /// conversations have ids starting with `D`; Discord's snowflakes say nothing, so `false`.
    pub fn is_direct_message_id(self, channel: &str) -> bool {
        match self {
            Platform::Slack => channel.starts_with('D'),
            Platform::Discord => false,
        }
    }

    /// The lower-case name used in config, scenarios and the store (`slack`, `discord`).
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Slack => "slack",
            Platform::Discord => "discord",
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error for a platform name that is neither `slack` nor `discord`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a platform: use slack or discord")]
pub struct UnknownPlatform(pub String);

impl FromStr for Platform {
    type Err = UnknownPlatform;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let trimmed = text.trim();
        Platform::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(trimmed))
            .ok_or_else(|| UnknownPlatform(trimmed.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_names_round_trip_through_text_and_serde() {
        for platform in Platform::ALL {
            assert_eq!(platform.to_string().parse::<Platform>().unwrap(), platform);
            let json = serde_json::to_string(&platform).unwrap();
            assert_eq!(json, format!("\"{}\"", platform.as_str()));
            assert_eq!(serde_json::from_str::<Platform>(&json).unwrap(), platform);
        }
    }

    #[test]
    fn platform_names_are_case_insensitive_and_unknown_ones_are_refused() {
        assert_eq!(" Slack ".parse::<Platform>().unwrap(), Platform::Slack);
        assert_eq!("DISCORD".parse::<Platform>().unwrap(), Platform::Discord);
        let err = "teams".parse::<Platform>().unwrap_err();
        assert_eq!(err.to_string(), "'teams' is not a platform: use slack or discord");
    }
}

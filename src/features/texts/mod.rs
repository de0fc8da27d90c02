//! Purpose: the words of every message the bot sends, kept together so they can be reviewed and
//! changed in one place: friendly, short, never shaming. One file per feature; each function takes
//! the platform's [`Markup`](crate::domain::markup::Markup) and already-safe values.

pub mod brief;
pub mod decisions;
pub mod digest;
pub mod errors;
pub mod history;
pub mod holidays;
pub mod nudge;
pub mod preferences;
pub mod standup;
pub mod stats;

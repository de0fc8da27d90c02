//! Purpose: the shared vocabulary of unhurried, pure — no async, no database, no chat SDK.
//!
//! Features and adapters both speak in these types: validated calendar values, the local-time →
//! instant rule every schedule uses, working hours, the sync-ping classifier, the `/async`
//! command grammar and the renderers for each platform's markup.

pub mod availability;
pub mod calendar;
pub mod classifier;
pub mod command;
pub mod events;
pub mod markup;
pub mod member;
pub mod open_questions;
pub mod platform;
pub mod schedule;

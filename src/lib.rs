//! unhurried — a self-hosted Slack and Discord bot that makes a team's chat asynchronous by default.
//!
//! ```text
//! Slack / Discord / simulator ─► adapters ─┐
//! scheduler tick ─► due jobs ──────────────┼─► bot (one serial consumer) ─► features ─► ports
//! ```
//!
//! - [`domain`]: the shared vocabulary, pure: calendar values, schedules (local time → instant),
//!   working hours, the sync-ping classifier, the command grammar, markup rendering.
//! - [`config`]: typed settings layered from `config/default.toml`, `--config FILE` and
//!   `UNHURRIED_<SECTION>__<KEY>` variables; secrets only from the environment.
//! - [`ports`]: the contracts between features and the outside world (store, clock).
//! - [`jobs`]: durable jobs with exactly-once claims and per-kind missed-job policies.
//! - [`adapters`]: implementations of the ports (SQLite store, system and manual clocks).
//! - [`cli`]: the `unhurried` subcommands.
//! - [`health`]: what `/healthz` knows about the store: failed writes, repeatedly failing ticks.

pub mod adapters;
pub mod bot;
pub mod cli;
pub mod config;
pub mod context;
pub mod delivery;
pub mod domain;
pub mod features;
pub mod health;
pub mod inbox;
pub mod jobs;
pub mod ports;
pub mod simulation;
pub mod telemetry;

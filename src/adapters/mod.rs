//! Purpose: implementations of the ports — what the bot talks to.
//!
//! - [`clock`]: the system clock and a manual clock for tests and simulations.
//! - [`sqlite`]: the SQLite store (WAL, `BEGIN IMMEDIATE`, single-instance lock).
//! - [`slack`]: Slack through slack-morphism (Socket Mode or HTTP), as a chat platform.
//! - [`http`]: the HTTP server (`/healthz`, `/metrics`, Slack's HTTP endpoints); [`metrics`] its counters.

pub mod clock;
pub mod discord;
pub mod http;
pub mod metrics;
pub mod simulated;
pub mod slack;
pub mod sqlite;

//! Purpose: implementations of the ports — what the bot talks to.
//!
//! - [`clock`]: the system clock and a manual clock for tests and simulations.
//! - [`sqlite`]: the SQLite store (WAL, `BEGIN IMMEDIATE`, single-instance lock); [`postgres`] the
//!   PostgreSQL store for several processes on one database (claims with `SKIP LOCKED`, leases);
//!   [`stored`] how both keep instants, [`erasure`] what both erase and how, `access` what
//!   both read for `/async export-me`, [`export`] what
//!   `unhurried export` reads from either.
//! - [`slack`]: Slack through slack-morphism (Socket Mode or HTTP), as a chat platform.
//! - [`http`]: the HTTP routes (`/healthz`, `/readyz`, `/metrics`, Slack's HTTP endpoints); [`server`] its
//!   connections (timeouts, limit, shutdown); [`metrics`] its counters; [`readiness`] the connections `/readyz` needs.

mod access;
pub mod clock;
pub mod database;
pub mod discord;
mod erasure;
pub mod export;
pub mod http;
pub mod metrics;
pub mod postgres;
pub mod readiness;
pub mod server;
pub mod simulated;
pub mod slack;
pub mod sqlite;
mod stored;

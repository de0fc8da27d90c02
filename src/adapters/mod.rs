//! Purpose: implementations of the ports — what the bot talks to.
//!
//! - [`clock`]: the system clock and a manual clock for tests and simulations.
//! - [`sqlite`]: the SQLite store (WAL, `BEGIN IMMEDIATE`, single-instance lock).

pub mod clock;
pub mod discord;
pub mod simulated;
pub mod sqlite;

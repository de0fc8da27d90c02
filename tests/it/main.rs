//! The one integration-test binary (one binary links once and keeps target/ small).

mod brief;
mod classifier;
mod cli;
mod config_files;
mod decisions;
mod nudge;
mod preferences;
mod schedule;
mod store;
mod support;

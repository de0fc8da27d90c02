//! The one integration-test binary (one binary links once and keeps target/ small).

mod config_files;
mod digest;
mod preferences;
mod schedule;
mod standup;
mod store;
mod support;

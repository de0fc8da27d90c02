//! The one integration-test binary (one binary links once and keeps target/ small).

mod classifier;
mod cli;
mod config_files;
mod preferences;
mod schedule;
mod store;
mod support;

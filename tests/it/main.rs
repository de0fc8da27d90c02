//! The one integration-test binary (one binary links once and keeps target/ small).

mod bench_fanout;
mod brief;
mod classifier;
mod cli;
mod config_files;
mod crash;
mod decisions;
mod digest;
mod discord_delivery;
mod discord_double;
mod discord_fixtures;
mod discord_gateway;
#[cfg(feature = "discord-interactions-endpoint")]
mod discord_interactions;
mod exactly_once;
mod kill9;
mod nudge;
mod pipeline;
mod preferences;
mod privacy;
mod scenarios;
mod schedule;
mod slack;
mod slack_cli;
mod slack_double;
mod slack_fixtures;
mod slack_private_replies;
mod slack_reconcile;
mod slack_socket;
mod slack_support;
mod slack_ui;
mod standup;
mod standup_commands;
mod stats;
mod store;
mod support;

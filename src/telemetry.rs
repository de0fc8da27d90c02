//! Purpose: logging setup — pretty for terminals, JSON for collectors — to stderr, so that
//! commands whose stdout is data (`classify`, `schedule`, `simulate`) stay clean.

use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

use crate::config::LogFormat;

/// Installs the global subscriber. `RUST_LOG` overrides `level` when set.
pub fn init(format: LogFormat, level: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    // A second init (tests) is harmless: the first subscriber stays.
    let _ = match format {
        LogFormat::Json => builder.json().finish().with(crate::adapters::slack::log_filter()).try_init(),
        LogFormat::Pretty => builder.compact().finish().with(crate::adapters::slack::log_filter()).try_init(),
    };
}

//! Purpose: typed settings, layered from the embedded `config/default.toml`, an optional
//! `--config FILE` and `UNHURRIED_<SECTION>__<KEY>` environment variables; secrets only from the
//! environment.
//!
//! Every key must exist in the default file (which documents it); anything else is rejected with
//! the place it came from, the key and the reason, before the bot does anything.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::Path;

use chrono::Duration;
use secrecy::SecretString;
use toml::{Table, Value};

use crate::domain::calendar::{Timezone, Weekdays, WorkingHours, format_duration, parse_duration};

/// The default configuration, embedded so the binary runs without any file.
pub const DEFAULT_TOML: &str = include_str!("../config/default.toml");

/// Prefix of environment variables that overlay settings (`UNHURRIED_NUDGE__GRACE=5s`).
pub const ENV_PREFIX: &str = "UNHURRIED_";

/// A setting that could not be accepted: where it came from, which key, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("config error in {origin}: {}{reason}", key_prefix(.key))]
pub struct ConfigError {
    /// The file path or environment variable the bad value came from.
    pub origin: String,
    /// The dotted key (`nudge.grace`).
    pub key: String,
    /// What is wrong, in one sentence.
    pub reason: String,
}

/// "`nudge.grace`: " for a setting; nothing for a whole-file problem (key `-`).
fn key_prefix(key: &str) -> String {
    if key == "-" { String::new() } else { format!("`{key}`: ") }
}

/// All settings, validated.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Store location.
    pub database: DatabaseSettings,
    /// HTTP server.
    pub http: HttpSettings,
    /// Stopping on SIGTERM.
    pub shutdown: ShutdownSettings,
    /// Logging.
    pub log: LogSettings,
    /// Due-job scheduler.
    pub scheduler: SchedulerSettings,
    /// Delivery workers: concurrency, retries, pacing.
    pub delivery: DeliverySettings,
    /// Defaults for members.
    pub workspace: WorkspaceSettings,
    /// Sync-ping nudges (SPEC §1).
    pub nudge: NudgeSettings,
    /// Standup defaults.
    pub standup: StandupSettings,
    /// Personal brief defaults.
    pub brief: BriefSettings,
    /// Slack endpoints.
    pub slack: SlackSettings,
    /// Discord endpoints.
    pub discord: DiscordSettings,
    /// How long rows are kept before the daily housekeeping deletes them.
    pub retention: RetentionSettings,
}

/// `[database]`.
#[derive(Debug, Clone)]
pub struct DatabaseSettings {
    /// sqlx URL of the store, `sqlite://unhurried.db` by default; `postgres://…` selects PostgreSQL.
    pub url: String,
    /// PostgreSQL: connections in this process's pool.
    pub max_connections: u32,
    /// How long a claim (a job; on PostgreSQL also an inbox row, a message being sent) lasts
    /// unless the process holding it renews it; a dead process's work moves on after this.
    pub lease: Duration,
    /// How often a live process renews its claims (well under `lease`).
    pub heartbeat: Duration,
}

/// `[http]`.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Listen address of the HTTP server.
    pub addr: SocketAddr,
    /// A second address for `/metrics` (with `/healthz` and `/readyz`); `None`: `/metrics` is on `addr`.
    pub metrics_addr: Option<SocketAddr>,
    /// How long a connection may take to send a request's headers, counted from when it opened or
    /// its previous answer went out: also how long an idle kept-alive connection stays open.
    pub header_read_timeout: std::time::Duration,
    /// How long one request may take, body and answer included.
    pub request_timeout: std::time::Duration,
    /// Most connections open at once; at the limit the longest-idle one is closed to make room.
    pub max_connections: usize,
}

/// `[shutdown]`.
#[derive(Debug, Clone)]
pub struct ShutdownSettings {
    /// After SIGTERM, how long work in hand may take before the process exits anyway.
    pub timeout: std::time::Duration,
}

/// Log output style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable, for terminals.
    Pretty,
    /// One JSON object per line, for collectors.
    Json,
}

/// `[log]`.
#[derive(Debug, Clone)]
pub struct LogSettings {
    /// Output style.
    pub format: LogFormat,
    /// Default level filter (EnvFilter syntax); `RUST_LOG` overrides it.
    pub level: String,
}

/// `[scheduler]`.
#[derive(Debug, Clone)]
pub struct SchedulerSettings {
    /// How often due jobs are looked for.
    pub tick: Duration,
}

/// `[delivery]`.
#[derive(Debug, Clone)]
pub struct DeliverySettings {
    /// How many conversations (lanes) are delivered to at once.
    pub concurrency: usize,
    /// Failed attempts after which a message is given up (rate-limit waits are not attempts).
    pub max_attempts: i64,
    /// Age after which a message that still failed is given up.
    pub max_age: Duration,
    /// First retry delay; it doubles per attempt (with jitter) up to `max_backoff`.
    pub backoff: Duration,
    /// Longest retry delay.
    pub max_backoff: Duration,
    /// Posts per second per Slack workspace (Slack allows "several hundred messages per minute"
    /// per workspace, one per second per channel); a 429's `Retry-After` pauses on top.
    pub slack_posts_per_second: u32,
}

/// `[workspace]`.
#[derive(Debug, Clone)]
pub struct WorkspaceSettings {
    /// Zone of members who have not set one.
    pub timezone: Timezone,
    /// Default working hours.
    pub hours: WorkingHours,
    /// Default working days.
    pub days: Weekdays,
    /// Platform user ids with admin rights besides the platform's own admins.
    pub admins: Vec<String>,
}

/// `[nudge]`.
#[derive(Debug, Clone)]
pub struct NudgeSettings {
    /// Wait after a ping before prompting.
    pub grace: Duration,
    /// At most one prompt per sender per channel within this window.
    pub cooldown: Duration,
    /// Whether pings written as thread replies are nudged.
    pub thread_replies: bool,
    /// The async prompt text; `{sender}` is replaced by a mention of the sender.
    pub text: String,
    /// Extra greeting phrases for this workspace.
    pub extra_greetings: Vec<String>,
    /// Extra availability phrases for this workspace.
    pub extra_availability: Vec<String>,
    /// Extra meeting-request phrases for this workspace.
    pub extra_meeting: Vec<String>,
}

/// `[standup]`.
#[derive(Debug, Clone)]
pub struct StandupSettings {
    /// Default reminder delay; `None` when reminders are off.
    pub reminder: Option<Duration>,
}

/// `[brief]`.
#[derive(Debug, Clone)]
pub struct BriefSettings {
    /// Whether members get the personal brief unless they opt out.
    pub default_on: bool,
}

/// `[slack]`.
#[derive(Debug, Clone)]
pub struct SlackSettings {
    /// Slack Web API base URL.
    pub api_url: String,
}

/// `[discord]`.
#[derive(Debug, Clone)]
pub struct DiscordSettings {
    /// Discord REST base URL.
    pub api_url: String,
    /// Register `/async` globally instead of per guild.
    pub global_commands: bool,
    /// Gateway shards in all (`"auto"`: `None`, Discord's recommendation from `GET /gateway/bot`).
    pub shards: Option<u32>,
}

/// Credentials, read from the environment only. `Debug` never shows their values.
#[derive(Debug, Clone, Default)]
pub struct Secrets {
    /// `SLACK_BOT_TOKEN`: the bot's Web API token.
    pub slack_bot_token: Option<SecretString>,
    /// `SLACK_APP_TOKEN`: the Socket Mode app-level token.
    pub slack_app_token: Option<SecretString>,
    /// `SLACK_SIGNING_SECRET`: verifies Slack HTTP requests.
    pub slack_signing_secret: Option<SecretString>,
    /// `DISCORD_TOKEN`: the bot token.
    pub discord_token: Option<SecretString>,
    /// `DISCORD_PUBLIC_KEY`: verifies Discord HTTP interactions.
    pub discord_public_key: Option<SecretString>,
}

/// The secrets' environment variables, each also readable from a file named by `<NAME>_FILE`.
pub const SECRET_NAMES: &[&str] =
    &["SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "DISCORD_TOKEN", "DISCORD_PUBLIC_KEY"];

/// Where a secret came from, for `unhurried config` (never its value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// Not set.
    Unset,
    /// The variable itself.
    Environment,
    /// The file `<NAME>_FILE` names.
    File(String),
}

impl Secrets {
    /// Reads the platform secrets from `env`; empty values count as unset. A secret set both
    /// directly and as `<NAME>_FILE` is the direct value (use [`Secrets::load`] to be told).
    pub fn from_env(env: &BTreeMap<String, String>) -> Self {
        Self::load(env).unwrap_or_else(|_| {
            let get = |name: &str| {
                env.get(name).filter(|v| !v.trim().is_empty()).map(|v| SecretString::from(v.trim().to_owned()))
            };
            Secrets {
                slack_bot_token: get("SLACK_BOT_TOKEN"),
                slack_app_token: get("SLACK_APP_TOKEN"),
                slack_signing_secret: get("SLACK_SIGNING_SECRET"),
                discord_token: get("DISCORD_TOKEN"),
                discord_public_key: get("DISCORD_PUBLIC_KEY"),
            }
        })
    }

    /// Reads the platform secrets from `env`, each from `NAME` or from the file `NAME_FILE` names
    /// (Docker and Kubernetes secrets); empty values count as unset. Both set, or a file that
    /// cannot be read, is an error naming the variable.
    pub fn load(env: &BTreeMap<String, String>) -> Result<Self, ConfigError> {
        let get = |name: &str| -> Result<Option<SecretString>, ConfigError> {
            Ok(secret_value(env, name)?.map(|(value, _)| value))
        };
        Ok(Secrets {
            slack_bot_token: get("SLACK_BOT_TOKEN")?,
            slack_app_token: get("SLACK_APP_TOKEN")?,
            slack_signing_secret: get("SLACK_SIGNING_SECRET")?,
            discord_token: get("DISCORD_TOKEN")?,
            discord_public_key: get("DISCORD_PUBLIC_KEY")?,
        })
    }

    /// Where each of [`SECRET_NAMES`] comes from, for `unhurried config`.
    pub fn sources(env: &BTreeMap<String, String>) -> Result<Vec<(&'static str, SecretSource)>, ConfigError> {
        SECRET_NAMES
            .iter()
            .map(|name| Ok((*name, secret_value(env, name)?.map_or(SecretSource::Unset, |(_, source)| source))))
            .collect()
    }
}

/// The secret `name` from `env` or from the file `<name>_FILE` names, with where it came from.
fn secret_value(
    env: &BTreeMap<String, String>,
    name: &str,
) -> Result<Option<(SecretString, SecretSource)>, ConfigError> {
    let set = |key: &str| env.get(key).map(|v| v.trim()).filter(|v| !v.is_empty());
    let file_var = format!("{name}_FILE");
    let error =
        |reason: String| ConfigError { origin: format!("environment variable {file_var}"), key: "-".into(), reason };
    match (set(name), set(&file_var)) {
        (Some(_), Some(_)) => Err(error(format!("both {name} and {file_var} are set: keep one"))),
        (Some(value), None) => Ok(Some((SecretString::from(value.to_owned()), SecretSource::Environment))),
        (None, Some(path)) => {
            let text = std::fs::read_to_string(path).map_err(|e| error(format!("cannot read {path}: {e}")))?;
            let value = text.trim();
            if value.is_empty() {
                return Err(error(format!("{path} is empty")));
            }
            Ok(Some((SecretString::from(value.to_owned()), SecretSource::File(path.to_owned()))))
        }
        (None, None) => Ok(None),
    }
}

/// Environment variables with the settings prefix that are not settings.
const NOT_SETTINGS: &[&str] = &["UNHURRIED_CONFIG"];

/// One setting as `unhurried config` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectiveSetting {
    /// `section.key`.
    pub key: String,
    /// The value, as TOML.
    pub value: String,
    /// `default`, the file's path, or `environment NAME`.
    pub source: String,
}

/// The process environment as a map, for [`Settings::load`] and [`Secrets::from_env`].
pub fn process_env() -> BTreeMap<String, String> {
    std::env::vars().collect()
}

impl Settings {
    /// The embedded defaults alone.
    pub fn defaults() -> Self {
        Self::load(None, &BTreeMap::new()).expect("the embedded default config is valid")
    }

    /// Loads the embedded defaults, overlays `file` if given, then `UNHURRIED_*` variables of `env`.
    pub fn load(file: Option<&Path>, env: &BTreeMap<String, String>) -> Result<Self, ConfigError> {
        Self::layered(file, env)?.build()
    }

    /// Every setting after layering, with where its value came from (checked like [`Settings::load`]).
    pub fn effective(
        file: Option<&Path>,
        env: &BTreeMap<String, String>,
    ) -> Result<Vec<EffectiveSetting>, ConfigError> {
        let layered = Self::layered(file, env)?;
        let mut settings = Vec::new();
        for (section, body) in &layered.table {
            for (key, value) in body.as_table().expect("sections are tables") {
                let key = format!("{section}.{key}");
                let source = layered.origins.get(&key).cloned().unwrap_or_else(|| "default".to_owned());
                settings.push(EffectiveSetting { value: value.to_string(), source, key });
            }
        }
        layered.build()?;
        Ok(settings)
    }

    fn layered(file: Option<&Path>, env: &BTreeMap<String, String>) -> Result<Layered, ConfigError> {
        let mut layered = Layered::from_defaults();
        if let Some(path) = file {
            let origin = path.display().to_string();
            let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
                origin: origin.clone(),
                key: "-".into(),
                reason: format!("cannot read the file: {e}"),
            })?;
            let table: Table = text.parse().map_err(|e: toml::de::Error| {
                let line = e.span().map_or(1, |span| text[..span.start.min(text.len())].matches('\n').count() + 1);
                ConfigError {
                    origin: origin.clone(),
                    key: "-".into(),
                    reason: format!("not valid TOML at line {line}: {}", e.message()),
                }
            })?;
            layered.overlay_file(&table, &origin)?;
        }
        for (name, value) in env {
            if let Some(rest) = name.strip_prefix(ENV_PREFIX)
                && !NOT_SETTINGS.contains(&name.as_str())
            {
                layered.overlay_env(name, rest, value)?;
            }
        }
        Ok(layered)
    }
}

/// `discord.shards`: `auto` (Discord's recommendation) or a count from 1 to 65,536.
fn parse_shards(text: &str) -> Result<Option<u32>, String> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("auto") {
        return Ok(None);
    }
    match text.parse::<u32>() {
        Ok(count) if (1..=65_536).contains(&count) => Ok(Some(count)),
        _ => Err(format!("must be auto or a shard count from 1 to 65536, found '{text}'")),
    }
}

fn parse_addr(text: &str) -> Result<SocketAddr, String> {
    text.parse::<SocketAddr>().map_err(|_| format!("'{text}' is not an address like 127.0.0.1:8080"))
}

/// The merged table plus where each leaf value came from.
struct Layered {
    table: Table,
    origins: BTreeMap<String, String>,
}

impl Layered {
    fn from_defaults() -> Self {
        let table: Table = DEFAULT_TOML.parse().expect("config/default.toml is valid TOML");
        Layered { table, origins: BTreeMap::new() }
    }

    fn default_leaf(&self, section: &str, key: &str) -> Option<&Value> {
        self.table.get(section)?.as_table()?.get(key)
    }

    fn set(&mut self, section: &str, key: &str, value: Value, origin: &str) -> Result<(), ConfigError> {
        let dotted = format!("{section}.{key}");
        let error = |reason: String| ConfigError { origin: origin.to_owned(), key: dotted.clone(), reason };
        let Some(default) = self.default_leaf(section, key) else {
            return Err(error("unknown key (every key is listed in config/default.toml)".into()));
        };
        if default.type_str() != value.type_str() {
            return Err(error(format!("expected a {}, found a {}", default.type_str(), value.type_str())));
        }
        if let Value::Array(items) = &value
            && items.iter().any(|item| !item.is_str())
        {
            return Err(error("expected a list of strings".into()));
        }
        self.table[section].as_table_mut().expect("sections are tables").insert(key.to_owned(), value);
        self.origins.insert(dotted, origin.to_owned());
        Ok(())
    }

    fn overlay_file(&mut self, table: &Table, origin: &str) -> Result<(), ConfigError> {
        for (section, body) in table {
            let Some(body) = body.as_table() else {
                return Err(ConfigError {
                    origin: origin.to_owned(),
                    key: section.clone(),
                    reason: "expected a [section] of keys".into(),
                });
            };
            if !self.table.contains_key(section) {
                return Err(ConfigError {
                    origin: origin.to_owned(),
                    key: section.clone(),
                    reason: "unknown section (every key is listed in config/default.toml)".into(),
                });
            }
            for (key, value) in body {
                self.set(section, key, value.clone(), origin)?;
            }
        }
        Ok(())
    }

    /// Environment values are text; they are read as the type the default has.
    fn overlay_env(&mut self, name: &str, rest: &str, raw: &str) -> Result<(), ConfigError> {
        let origin = format!("environment variable {name}");
        let bad_name = || ConfigError {
            origin: origin.clone(),
            key: rest.to_ascii_lowercase(),
            reason: "unknown setting: name it UNHURRIED_<SECTION>__<KEY>, like UNHURRIED_NUDGE__GRACE".into(),
        };
        let (section, key) = rest.split_once("__").ok_or_else(bad_name)?;
        let (section, key) = (section.to_ascii_lowercase(), key.to_ascii_lowercase());
        let default = self.default_leaf(&section, &key).ok_or_else(bad_name)?;
        let typed_error = |expected: &str| ConfigError {
            origin: origin.clone(),
            key: format!("{section}.{key}"),
            reason: format!("expected {expected}, found '{raw}'"),
        };
        let value = match default {
            Value::Boolean(_) => Value::Boolean(match raw.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "on" => true,
                "false" | "0" | "no" | "off" => false,
                _ => return Err(typed_error("true or false")),
            }),
            Value::Integer(_) => Value::Integer(raw.trim().parse().map_err(|_| typed_error("a whole number"))?),
            Value::Array(_) => Value::Array(
                raw.split(',').map(str::trim).filter(|s| !s.is_empty()).map(|s| Value::String(s.into())).collect(),
            ),
            _ => Value::String(raw.to_owned()),
        };
        self.set(&section, &key, value, &origin)
    }

    fn origin_of(&self, dotted: &str) -> String {
        self.origins.get(dotted).cloned().unwrap_or_else(|| "config/default.toml".to_owned())
    }

    fn leaf(&self, dotted: &str) -> &Value {
        let (section, key) = dotted.split_once('.').expect("keys are section.key");
        self.default_leaf(section, key).unwrap_or_else(|| panic!("{dotted} is missing from config/default.toml"))
    }

    fn string(&self, dotted: &str) -> String {
        self.leaf(dotted).as_str().expect("type checked against the default").to_owned()
    }

    fn boolean(&self, dotted: &str) -> bool {
        self.leaf(dotted).as_bool().expect("type checked against the default")
    }

    fn strings(&self, dotted: &str) -> Vec<String> {
        let items = self.leaf(dotted).as_array().expect("type checked against the default");
        items.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect()
    }

    /// Parses a string leaf, turning a failure into a [`ConfigError`] that names its origin.
    fn parsed<T, E: fmt::Display>(
        &self,
        dotted: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<T, ConfigError> {
        parse(&self.string(dotted)).map_err(|e| ConfigError {
            origin: self.origin_of(dotted),
            key: dotted.to_owned(),
            reason: e.to_string(),
        })
    }

    fn duration(&self, dotted: &str) -> Result<Duration, ConfigError> {
        self.parsed(dotted, parse_duration)
    }

    fn positive_duration(&self, dotted: &str) -> Result<Duration, ConfigError> {
        self.parsed(dotted, |text| match parse_duration(text) {
            Ok(d) if d > Duration::zero() => Ok(d),
            Ok(_) => Err("must be longer than 0s".to_owned()),
            Err(e) => Err(e.to_string()),
        })
    }

    /// A positive duration as the standard library's type (for timers).
    fn std_duration(&self, dotted: &str) -> Result<std::time::Duration, ConfigError> {
        Ok(self.positive_duration(dotted)?.to_std().expect("a positive duration fits"))
    }

    /// An integer leaf between 1 and `max`.
    fn positive_integer(&self, dotted: &str, max: i64) -> Result<i64, ConfigError> {
        let value = self.leaf(dotted).as_integer().expect("type checked against the default");
        if (1..=max).contains(&value) {
            Ok(value)
        } else {
            Err(ConfigError {
                origin: self.origin_of(dotted),
                key: dotted.to_owned(),
                reason: format!("must be between 1 and {max}, found {value}"),
            })
        }
    }

    fn url(&self, dotted: &str) -> Result<String, ConfigError> {
        self.parsed(dotted, |text| {
            if text.starts_with("https://") || text.starts_with("http://") {
                Ok(text.trim_end_matches('/').to_owned())
            } else {
                Err(format!("'{text}' is not an http(s) URL"))
            }
        })
    }

    fn build(self) -> Result<Settings, ConfigError> {
        Ok(Settings {
            database: DatabaseSettings {
                url: self.parsed("database.url", |url| {
                    if url.starts_with("sqlite:") || url.starts_with("postgres://") || url.starts_with("postgresql://")
                    {
                        Ok(url.to_owned())
                    } else {
                        Err(format!("'{url}' is neither a sqlite: nor a postgres:// URL"))
                    }
                })?,
                max_connections: self.positive_integer("database.max_connections", 1_000)? as u32,
                lease: self.positive_duration("database.lease")?,
                heartbeat: {
                    let lease = self.positive_duration("database.lease")?;
                    let heartbeat = self.positive_duration("database.heartbeat")?;
                    if heartbeat * 2 > lease {
                        return Err(ConfigError {
                            origin: self.origin_of("database.heartbeat"),
                            key: "database.heartbeat".to_owned(),
                            reason: format!(
                                "must be at most half of database.lease ({}), or a live process could lose its claims",
                                self.string("database.lease")
                            ),
                        });
                    }
                    heartbeat
                },
            },
            http: HttpSettings {
                addr: self.parsed("http.addr", parse_addr)?,
                metrics_addr: self.parsed("http.metrics_addr", |a| {
                    if a.trim().is_empty() { Ok(None) } else { parse_addr(a).map(Some) }
                })?,
                header_read_timeout: self.std_duration("http.header_read_timeout")?,
                request_timeout: self.std_duration("http.request_timeout")?,
                max_connections: self.positive_integer("http.max_connections", 100_000)? as usize,
            },
            shutdown: ShutdownSettings { timeout: self.std_duration("shutdown.timeout")? },
            log: LogSettings {
                format: self.parsed("log.format", |f| match f {
                    "pretty" => Ok(LogFormat::Pretty),
                    "json" => Ok(LogFormat::Json),
                    other => Err(format!("'{other}' is not a log format: use pretty or json")),
                })?,
                level: self.parsed("log.level", |level| {
                    tracing_subscriber::EnvFilter::try_new(level)
                        .map(|_| level.to_owned())
                        .map_err(|_| format!("'{level}' is not a log filter (like info or unhurried=debug)"))
                })?,
            },
            scheduler: SchedulerSettings {
                tick: self.parsed("scheduler.tick", |text| match parse_duration(text) {
                    Ok(d) if d > Duration::zero() && d <= Duration::minutes(1) => Ok(d),
                    Ok(_) => {
                        Err("must be between 1s and 1m, so prompts are never late by more than a minute".to_owned())
                    }
                    Err(e) => Err(e.to_string()),
                })?,
            },
            delivery: DeliverySettings {
                concurrency: self.positive_integer("delivery.concurrency", 1024)? as usize,
                max_attempts: self.positive_integer("delivery.max_attempts", 1000)?,
                max_age: self.positive_duration("delivery.max_age")?,
                backoff: self.positive_duration("delivery.backoff")?,
                max_backoff: self.positive_duration("delivery.max_backoff")?,
                slack_posts_per_second: self.positive_integer("delivery.slack_posts_per_second", 10_000)? as u32,
            },
            workspace: WorkspaceSettings {
                timezone: self.parsed("workspace.timezone", str::parse::<Timezone>)?,
                hours: self.parsed("workspace.hours", str::parse::<WorkingHours>)?,
                days: self.parsed("workspace.days", str::parse::<Weekdays>)?,
                admins: self.strings("workspace.admins"),
            },
            nudge: NudgeSettings {
                grace: self.duration("nudge.grace")?,
                cooldown: self.duration("nudge.cooldown")?,
                thread_replies: self.boolean("nudge.thread_replies"),
                text: self.parsed("nudge.text", |t| {
                    if t.trim().is_empty() { Err("must not be empty") } else { Ok(t.to_owned()) }
                })?,
                extra_greetings: self.strings("nudge.extra_greetings"),
                extra_availability: self.strings("nudge.extra_availability"),
                extra_meeting: self.strings("nudge.extra_meeting"),
            },
            standup: StandupSettings {
                reminder: self.parsed("standup.reminder", |text| match text.trim() {
                    "off" => Ok(None),
                    other => parse_duration(other).map(Some),
                })?,
            },
            brief: BriefSettings { default_on: self.boolean("brief.default_on") },
            slack: SlackSettings { api_url: self.url("slack.api_url")? },
            discord: DiscordSettings {
                api_url: self.url("discord.api_url")?,
                global_commands: self.boolean("discord.global_commands"),
                shards: self.parsed("discord.shards", parse_shards)?,
            },
            retention: self.retention()?,
        })
    }
}

// ---- [retention] -------------------------------------------------------------------------------

/// `[retention]`: how long each kind of row is kept; `None` keeps it for good. The daily
/// housekeeping job deletes what is older, never what a feature still needs (see
/// [`crate::ports::Expired`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionSettings {
    /// Delivered and failed outbox messages.
    pub outbox: Option<Duration>,
    /// Handled inbox rows and their de-duplication keys.
    pub deliveries: Option<Duration>,
    /// Finished jobs.
    pub jobs: Option<Duration>,
    /// Nudges, and open questions answered or expired.
    pub nudges: Option<Duration>,
    /// How long an unanswered question stays open (listed in briefs and digests) after it was
    /// asked; `None` keeps it open until answered.
    pub open_questions: Option<Duration>,
    /// Off-hours mentions and notices.
    pub offhours: Option<Duration>,
    /// Standup runs, their answers and the digests that showed them.
    pub answers: Option<Duration>,
    /// Logged decisions.
    pub decisions: Option<Duration>,
}

impl Layered {
    /// A retention period: a duration of at least `minimum` (shorter would delete what a feature
    /// still reads, for the reason given), or `forever`.
    fn retention_period(&self, dotted: &str, minimum: Duration, why: &str) -> Result<Option<Duration>, ConfigError> {
        self.parsed(dotted, |text| match text.trim() {
            "forever" => Ok(None),
            other => match parse_duration(other) {
                Ok(period) if period >= minimum => Ok(Some(period)),
                Ok(_) => Err(format!("must be at least {} ({why}), or forever", format_duration(minimum))),
                Err(_) => Err(format!("'{other}' is not a period: write it like 30d or 12h, or forever")),
            },
        })
    }

    fn retention(&self) -> Result<RetentionSettings, ConfigError> {
        let day = Duration::days(1);
        Ok(RetentionSettings {
            outbox: self.retention_period(
                "retention.outbox",
                day,
                "`unhurried outbox` shows the last day's failures",
            )?,
            deliveries: self.retention_period(
                "retention.deliveries",
                day,
                "the platforms retry a delivery for minutes, and it must still be recognised",
            )?,
            jobs: self.retention_period(
                "retention.jobs",
                Duration::days(7),
                "a finished job's key keeps it from being scheduled twice",
            )?,
            nudges: self.retention_period("retention.nudges", day, "the nudge cooldown reads recent nudges")?,
            open_questions: self.retention_period(
                "retention.open_questions",
                Duration::days(3),
                "a question asked before a weekend must still reach the next working day's brief",
            )?,
            offhours: self.retention_period(
                "retention.offhours",
                day,
                "one notice a day per person is told apart by them",
            )?,
            answers: self.retention_period(
                "retention.answers",
                Duration::days(30),
                "digests, edits and blocker streaks read recent answers",
            )?,
            decisions: self.retention_period(
                "retention.decisions",
                day,
                "briefs and digests show the decisions since the day before",
            )?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn the_embedded_defaults_match_the_spec() {
        let s = Settings::defaults();
        assert_eq!(s.database.url, "sqlite://unhurried.db");
        assert_eq!(s.http.addr.to_string(), "127.0.0.1:8080");
        assert_eq!(s.scheduler.tick, Duration::seconds(15));
        assert_eq!(s.workspace.timezone, Timezone::UTC);
        assert_eq!(s.workspace.hours.to_string(), "09:00-17:00");
        assert_eq!(s.workspace.days, Weekdays::MON_FRI);
        assert_eq!(s.nudge.grace, Duration::seconds(60));
        assert_eq!(s.nudge.cooldown, Duration::hours(4));
        assert!(!s.nudge.thread_replies);
        assert_eq!(s.standup.reminder, Some(Duration::hours(2)));
        assert_eq!(s.slack.api_url, "https://slack.com/api");
        assert_eq!(s.discord.api_url, "https://discord.com");
    }

    #[test]
    fn environment_variables_overlay_the_defaults() {
        let s = Settings::load(
            None,
            &env(&[
                ("UNHURRIED_NUDGE__GRACE", "5s"),
                ("UNHURRIED_NUDGE__THREAD_REPLIES", "true"),
                ("UNHURRIED_WORKSPACE__ADMINS", "U1, U2"),
                ("UNHURRIED_STANDUP__REMINDER", "off"),
            ]),
        )
        .unwrap();
        assert_eq!(s.nudge.grace, Duration::seconds(5));
        assert!(s.nudge.thread_replies);
        assert_eq!(s.workspace.admins, vec!["U1", "U2"]);
        assert_eq!(s.standup.reminder, None);
    }

    #[test]
    fn a_bad_environment_value_names_the_variable_and_key() {
        let err = Settings::load(None, &env(&[("UNHURRIED_NUDGE__GRACE", "soon")])).unwrap_err();
        assert_eq!(err.origin, "environment variable UNHURRIED_NUDGE__GRACE");
        assert_eq!(err.key, "nudge.grace");
        assert!(err.reason.contains("not a duration"), "{err}");
    }

    #[test]
    fn an_unknown_environment_setting_is_rejected() {
        let err = Settings::load(None, &env(&[("UNHURRIED_NUDGE__GRACEE", "5s")])).unwrap_err();
        assert!(err.reason.contains("unknown setting"), "{err}");
        let err = Settings::load(None, &env(&[("UNHURRIED_NOSECTION", "x")])).unwrap_err();
        assert!(err.reason.contains("unknown setting"), "{err}");
    }

    #[test]
    fn secrets_never_show_in_debug_output() {
        let secrets = Secrets::from_env(&env(&[
            ("SLACK_BOT_TOKEN", "xoxb-sentinel-1111"),
            ("SLACK_SIGNING_SECRET", "sentinel-signing-2222"),
            ("DISCORD_TOKEN", "sentinel-discord-3333"),
        ]));
        let shown = format!("{secrets:?}");
        for sentinel in ["xoxb-sentinel-1111", "sentinel-signing-2222", "sentinel-discord-3333"] {
            assert!(!shown.contains(sentinel), "{shown}");
        }
        assert_eq!(secrets.slack_bot_token.unwrap().expose_secret(), "xoxb-sentinel-1111");
        assert!(secrets.slack_app_token.is_none());
    }

    #[test]
    fn retention_keeps_answers_and_decisions_for_good_and_delivery_records_a_month() {
        let r = Settings::defaults().retention;
        assert_eq!(r.answers, None);
        assert_eq!(r.decisions, None);
        assert_eq!(r.deliveries, Some(Duration::days(30)));
        assert_eq!(r.outbox, Some(Duration::days(30)));
        assert_eq!(r.jobs, Some(Duration::days(30)));
        assert_eq!(r.nudges, Some(Duration::days(366)));
        assert_eq!(r.offhours, Some(Duration::days(366)));
        assert_eq!(r.open_questions, Some(Duration::days(14)));
        let s = Settings::load(None, &env(&[("UNHURRIED_RETENTION__OUTBOX", "forever")])).unwrap();
        assert_eq!(s.retention.outbox, None);
    }

    #[test]
    fn a_retention_too_short_for_what_features_read_is_refused_in_one_line() {
        let err = Settings::load(None, &env(&[("UNHURRIED_RETENTION__DELIVERIES", "10m")])).unwrap_err();
        assert_eq!(err.key, "retention.deliveries");
        let line = err.to_string();
        assert!(line.contains("must be at least 1d") && !line.contains('\n'), "{line}");
        let err = Settings::load(None, &env(&[("UNHURRIED_RETENTION__JOBS", "never")])).unwrap_err();
        assert!(err.reason.contains("not a period"), "{err}");
    }
}

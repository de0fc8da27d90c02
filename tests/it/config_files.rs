//! Configuration files and the command line: every rejection names its origin, key and reason.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::process::Command;

use unhurried::config::Settings;

fn file(contents: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(contents.as_bytes()).unwrap();
    file
}

fn load(contents: &str) -> Result<Settings, unhurried::config::ConfigError> {
    let f = file(contents);
    Settings::load(Some(f.path()), &BTreeMap::new())
}

#[test]
fn a_file_overlays_only_the_keys_it_names() {
    let settings =
        load("[nudge]\ngrace = \"10s\"\n[workspace]\ntimezone = \"Asia/Kathmandu\"\ndays = \"sun-thu\"\n").unwrap();
    assert_eq!(settings.nudge.grace, chrono::Duration::seconds(10));
    assert_eq!(settings.workspace.timezone.name(), "Asia/Kathmandu");
    assert_eq!(settings.workspace.days.to_string(), "sun-thu");
    assert_eq!(settings.nudge.cooldown, chrono::Duration::hours(4), "untouched keys keep their default");
}

#[test]
fn the_environment_overlays_the_file() {
    let f = file("[nudge]\ngrace = \"10s\"\n");
    let env = BTreeMap::from([("UNHURRIED_NUDGE__GRACE".to_owned(), "20s".to_owned())]);
    let settings = Settings::load(Some(f.path()), &env).unwrap();
    assert_eq!(settings.nudge.grace, chrono::Duration::seconds(20));
}

#[test]
fn every_kind_of_bad_setting_is_rejected_with_origin_key_and_reason() {
    let cases = [
        ("[nudge]\ngracee = \"10s\"\n", "nudge.gracee", "unknown key"),
        ("[nudges]\ngrace = \"10s\"\n", "nudges", "unknown section"),
        ("[nudge]\ngrace = \"soon\"\n", "nudge.grace", "not a duration"),
        ("[nudge]\ngrace = 10\n", "nudge.grace", "expected a string"),
        ("[workspace]\nhours = \"9-5\"\n", "workspace.hours", "not a time"),
        ("[workspace]\ntimezone = \"Mars/Olympus\"\n", "workspace.timezone", "not an IANA timezone"),
        ("[workspace]\ndays = \"weekdayz\"\n", "workspace.days", "not a day spec"),
        ("[scheduler]\ntick = \"5m\"\n", "scheduler.tick", "between 1s and 1m"),
        ("[http]\naddr = \"localhost\"\n", "http.addr", "not an address"),
        ("[log]\nformat = \"xml\"\n", "log.format", "not a log format"),
        ("[database]\nurl = \"mysql://x\"\n", "database.url", "neither a sqlite: nor a postgres:// URL"),
        (
            "[database]\nlease = \"30s\"\nheartbeat = \"20s\"\n",
            "database.heartbeat",
            "at most half of database.lease (30s)",
        ),
        ("[workspace]\nadmins = [1, 2]\n", "workspace.admins", "list of strings"),
        ("[discord]\nshards = \"0\"\n", "discord.shards", "must be auto or a shard count from 1 to 65536"),
        ("[discord]\nshards = \"many\"\n", "discord.shards", "must be auto or a shard count"),
        ("[retention]\nopen_questions = \"1d\"\n", "retention.open_questions", "at least 3d"),
        ("[nudge]\ngrace = \"10s\"\n[log\n", "-", "not valid TOML at line 3"),
    ];
    for (contents, key, reason) in cases {
        let f = file(contents);
        let err = Settings::load(Some(f.path()), &BTreeMap::new()).unwrap_err();
        assert_eq!(err.key, key, "{contents}");
        assert!(err.reason.contains(reason), "{contents}: {err}");
        assert_eq!(err.origin, f.path().display().to_string());
        assert!(!err.to_string().contains('\n'), "one line: {err}");
    }
}

#[test]
fn secrets_are_not_settings() {
    let err = load("[slack]\nbot_token = \"xoxb-1\"\n").unwrap_err();
    assert_eq!(err.key, "slack.bot_token");
    assert!(err.reason.contains("unknown key"));
}

#[test]
fn the_binary_refuses_a_bad_config_with_one_line_and_exit_code_2() {
    let f = file("[nudge]\ngrace = \"soon\"\n");
    let output =
        Command::new(env!("CARGO_BIN_EXE_unhurried")).arg("--config").arg(f.path()).arg("check").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("nudge.grace"), "{stderr}");
}

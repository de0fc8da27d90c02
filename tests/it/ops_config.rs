//! What an operator reads before running the bot, through the real binary: `unhurried config`
//! (every setting with its source, secrets never shown), `UNHURRIED_CONFIG`, secrets from
//! `*_FILE`s, `--help` listing the environment, `--version` naming the commit.

use std::process::Output;

use crate::slack_double::SlackDouble;
use crate::slack_support::BOT_TOKEN;

fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_unhurried"));
    command.env_clear().args(args);
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn config_shows_each_setting_with_its_source_and_secrets_only_as_set() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("unhurried.toml");
    std::fs::write(&file, "[nudge]\ngrace = \"30s\"\n").unwrap();
    let secret = dir.path().join("bot_token");
    std::fs::write(&secret, "xoxb-sentinel-from-file-9999\n").unwrap();
    let output = run(
        &["config"],
        &[
            ("UNHURRIED_CONFIG", file.to_str().unwrap()),
            ("UNHURRIED_HTTP__ADDR", "0.0.0.0:9000"),
            ("SLACK_BOT_TOKEN_FILE", secret.to_str().unwrap()),
            ("SLACK_SIGNING_SECRET", "sentinel-signing-secret-8888"),
        ],
    );
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}{}", text(&output.stderr));
    let line = |key: &str| stdout.lines().find(|l| l.starts_with(&format!("{key} = "))).unwrap_or_default().to_owned();
    assert!(
        line("nudge.grace").contains("\"30s\"") && line("nudge.grace").ends_with(file.to_str().unwrap()),
        "{stdout}"
    );
    assert!(line("http.addr").ends_with("# environment variable UNHURRIED_HTTP__ADDR"), "{stdout}");
    assert!(line("nudge.cooldown").ends_with("# default"), "{stdout}");
    assert!(stdout.contains(&format!("SLACK_BOT_TOKEN: set (file {})", secret.display())), "{stdout}");
    assert!(stdout.contains("SLACK_SIGNING_SECRET: set (environment)"), "{stdout}");
    assert!(stdout.contains("DISCORD_TOKEN: not set"), "{stdout}");
    for value in ["xoxb-sentinel-from-file-9999", "sentinel-signing-secret-8888"] {
        assert!(!stdout.contains(value), "{value} was printed");
    }
}

#[test]
fn a_secret_set_twice_or_from_a_missing_file_is_a_one_line_error() {
    let both = run(&["config"], &[("DISCORD_TOKEN", "x"), ("DISCORD_TOKEN_FILE", "/nonexistent")]);
    assert_eq!(both.status.code(), Some(2));
    assert_eq!(text(&both.stderr).lines().count(), 1, "{}", text(&both.stderr));
    assert!(text(&both.stderr).contains("both DISCORD_TOKEN and DISCORD_TOKEN_FILE are set"));
    let missing = run(&["serve"], &[("DISCORD_TOKEN_FILE", "/nonexistent/discord")]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("cannot read /nonexistent/discord"), "{}", text(&missing.stderr));
}

#[tokio::test]
async fn check_reads_the_bot_token_from_its_file() {
    let double = SlackDouble::start().await;
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("bot_token");
    std::fs::write(&secret, format!("{BOT_TOKEN}\n")).unwrap();
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_unhurried"))
        .env_clear()
        .env("SLACK_BOT_TOKEN_FILE", &secret)
        .env("SLACK_SIGNING_SECRET", "s")
        .env("UNHURRIED_SLACK__API_URL", &double.api_url)
        .env("UNHURRIED_DATABASE__URL", format!("sqlite://{}", dir.path().join("db").display()))
        .arg("check")
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}{}", text(&output.stdout), text(&output.stderr));
    assert!(text(&output.stdout).contains("bot user unhurried (UBOT)"));
}

#[test]
fn help_lists_the_environment_and_version_names_the_commit() {
    let help = text(&run(&["--help"], &[]).stdout);
    for name in ["UNHURRIED_CONFIG", "UNHURRIED_<SECTION>__<KEY>", "SLACK_BOT_TOKEN_FILE", "DISCORD_TOKEN", "Examples:"]
    {
        assert!(help.contains(name), "{name} missing from --help:\n{help}");
    }
    assert!(!help.contains("SPEC"), "{help}");
    let version = text(&run(&["--version"], &[]).stdout);
    assert!(version.starts_with(&format!("unhurried {} (commit ", env!("CARGO_PKG_VERSION"))), "{version}");
    assert!(!version.contains("commit )"), "{version}");
}

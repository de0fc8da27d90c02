//! The `unhurried` binary's data commands, run as a user would: stdin/stdout and exit codes.

use std::io::Write as _;
use std::process::{Command, Stdio};

fn unhurried(args: &[&str], stdin: &str) -> (Option<i32>, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_unhurried"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    (output.status.code(), String::from_utf8(output.stdout).unwrap(), String::from_utf8(output.stderr).unwrap())
}

#[test]
fn classify_answers_each_line_in_order_and_survives_bad_lines() {
    let input = "{\"text\": \"got a sec?\"}\nnot json\n{\"text\": \"the build is red since 10:12\"}\n{\"txt\": 1}\n";
    let (code, stdout, _) = unhurried(&["classify"], input);
    assert_eq!(code, Some(0));
    let lines: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["sync_ping"], true);
    assert_eq!(lines[0]["kind"], "availability");
    assert!(lines[1]["error"].is_string());
    assert_eq!(lines[2]["sync_ping"], false);
    assert_eq!(lines[2]["kind"], serde_json::Value::Null);
    assert!(lines[3]["error"].is_string());
    assert!(stdout.starts_with("{\"sync_ping\":true,\"kind\":\"availability\""), "{stdout}");
}

#[test]
fn classify_answers_a_line_that_is_not_utf8_with_an_error_and_goes_on() {
    use std::io::{BufRead as _, BufReader};
    let mut child = Command::new(env!("CARGO_BIN_EXE_unhurried"))
        .arg("classify")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    // One line at a time, as a caller holding the pipe open would: each answer comes at once.
    let mut ask = |bytes: &[u8]| {
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        serde_json::from_str::<serde_json::Value>(&line).unwrap()
    };
    assert_eq!(ask(b"{\"text\": \"hi\"}\n")["kind"], "greeting");
    assert!(ask(b"{\"text\": \"caf\xe9\"}\n")["error"].as_str().unwrap().contains("UTF-8"));
    assert_eq!(ask(b"{\"text\": \"can we hop on a call?\"}\n")["kind"], "meeting_request");
    drop(stdin);
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

#[test]
fn schedule_prints_utc_instants_and_rejects_bad_input_with_exit_code_2() {
    let (code, stdout, _) = unhurried(
        &[
            "schedule",
            "--tz",
            "Europe/Berlin",
            "--at",
            "02:30",
            "--days",
            "daily",
            "--from",
            "2026-03-28T00:00:00Z",
            "--count",
            "2",
        ],
        "",
    );
    assert_eq!(code, Some(0));
    assert_eq!(stdout, "2026-03-28T01:30:00Z\n2026-03-29T01:30:00Z\n");
    for bad in [["--tz", "Europe/Berln"], ["--at", "9am"], ["--days", "weekdayz"]] {
        let mut args =
            vec!["schedule", "--tz", "UTC", "--at", "09:00", "--days", "mon-fri", "--from", "2026-03-28T00:00:00Z"];
        let position = args.iter().position(|a| *a == bad[0]).unwrap();
        args[position + 1] = bad[1];
        let (code, stdout, stderr) = unhurried(&args, "");
        assert_eq!(code, Some(2), "{bad:?}");
        assert!(stdout.is_empty());
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    }
}

#[test]
fn simulate_rejects_a_malformed_scenario_with_file_line_and_reason() {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(b"platform = \"slack\"\nstart = \"2026-03-27T00:00:00Z\"\nend = \"2026-03-28T00:00:00Z\"\n\n[[member]]\nid = \"U1\"\ntz = \"Nowhere/Land\"\n").unwrap();
    let path = file.path().display().to_string();
    let (code, stdout, stderr) = unhurried(&["simulate", &path], "");
    assert_eq!(code, Some(2));
    assert!(stdout.is_empty(), "nothing runs: {stdout}");
    assert!(stderr.contains(&format!("{path}:5:")), "{stderr}");
    assert!(stderr.contains("Nowhere/Land"), "{stderr}");
}

#[test]
fn simulate_rejects_a_scenario_that_cannot_be_set_up_with_file_line_and_exit_code_2() {
    // Two standups with one name (names match case-insensitively): the second cannot be set up.
    let standup = |name: &str| {
        format!(
            "[[standup]]\nname = \"{name}\"\nchannel = \"C1\"\nmembers = [\"U1\"]\nat = \"09:30\"\nquestions = [\"Done?\"]\n\n"
        )
    };
    let text = format!(
        "platform = \"slack\"\nstart = \"2026-03-27T00:00:00Z\"\nend = \"2026-03-28T00:00:00Z\"\n\n[[member]]\nid = \"U1\"\n\n{}{}",
        standup("daily"),
        standup("Daily")
    );
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(text.as_bytes()).unwrap();
    let path = file.path().display().to_string();
    let (code, stdout, stderr) = unhurried(&["simulate", &path], "");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stdout.is_empty(), "nothing runs: {stdout}");
    assert!(stderr.contains(&format!("{path}:15:")), "the second [[standup]] table: {stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
}

#[test]
fn simulate_rejects_a_scenario_key_with_a_typo() {
    let text = "platform = \"slack\"\nstart = \"2026-03-27T00:00:00Z\"\nend = \"2026-03-28T00:00:00Z\"\n\n[[member]]\nid = \"U1\"\nhourz = \"10:00-18:00\"\n";
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(text.as_bytes()).unwrap();
    let path = file.path().display().to_string();
    let (code, stdout, stderr) = unhurried(&["simulate", &path], "");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stdout.is_empty(), "nothing runs: {stdout}");
    assert!(stderr.contains(&format!("{path}:")) && stderr.contains("hourz"), "{stderr}");
}

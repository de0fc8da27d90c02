//! The playground: `serve` without chat credentials runs the real bot behind a chat page, on a
//! store of its own. Through the library (the engine's whole-bot path on the simulated platform)
//! and through the real binary's HTTP endpoints on 127.0.0.1; the configured database is never
//! touched.

use std::net::SocketAddr;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use unhurried::adapters::sqlite::SqliteStore;
use unhurried::config::Settings;
use unhurried::domain::platform::Platform;
use unhurried::jobs::{Job, NewJob, RunJob};
use unhurried::playground::view::View;
use unhurried::playground::{Playground, PlaygroundDb, PostRequest, Step, load_scenario};
use unhurried::ports::JobStore as _;

fn post(user: &str, conversation: &str, text: &str) -> PostRequest {
    PostRequest { user: user.into(), conversation: conversation.into(), thread: None, text: text.into() }
}

fn with_purpose<'a>(view: &'a View, purpose: &str) -> Vec<&'a unhurried::playground::view::MessageView> {
    view.messages.iter().filter(|m| m.purpose == Some(purpose)).collect()
}

async fn demo_playground(dir: &Path) -> Playground {
    let scenario = load_scenario(None).unwrap();
    let settings = Settings::load(None, &std::collections::BTreeMap::new()).unwrap();
    Playground::start(scenario, settings, PlaygroundDb::File(dir.join("playground.db"))).await.unwrap()
}

#[tokio::test]
async fn a_ping_gets_its_nudge_a_command_its_private_reply_and_a_prompt_its_form() {
    let dir = tempfile::tempdir().unwrap();
    let playground = demo_playground(dir.path()).await;

    playground.post(post("U_ALICE", "C_TEAM", "hi @bob")).await.unwrap();
    let view = playground.view("U_ALICE").await.unwrap();
    let ping = view.messages.iter().find(|m| m.author == "alice").expect("alice's post is shown");
    assert!(ping.html.contains("@bob"), "the typed @bob is a mention: {}", ping.html);
    assert!(with_purpose(&view, "nudge").is_empty(), "no nudge within the grace period");

    playground.advance(Step::Hour).await.unwrap();
    let view = playground.view("U_BOB").await.unwrap();
    let nudge = with_purpose(&view, "nudge");
    assert_eq!(nudge.len(), 1, "{:?}", view.messages);
    assert_eq!(nudge[0].thread.as_deref(), Some(ping.id.as_str()), "the nudge is in the ping's thread");
    assert!(nudge[0].html.contains("@alice"), "{}", nudge[0].html);

    playground.post(post("U_ALICE", "C_TEAM", "/async standup preview daily")).await.unwrap();
    let alice = playground.view("U_ALICE").await.unwrap();
    let reply = with_purpose(&alice, "command_reply");
    assert_eq!(reply.len(), 1);
    assert!(reply[0].private);
    // Times in the reply are in the reader's zone: alice's 09:30 Berlin prompt.
    assert!(reply[0].html.contains("today 09:30</time>"), "{}", reply[0].html);
    let bob = playground.view("U_BOB").await.unwrap();
    assert!(with_purpose(&bob, "command_reply").is_empty(), "a private reply is shown to its member only");
    assert!(!bob.messages.iter().any(|m| m.html.contains("/async")), "nobody else sees the command");

    // Skip to alice's prompt, answer it through the form.
    let mut prompt = None;
    for _ in 0..20 {
        playground.advance(Step::NextEvent).await.unwrap();
        let view = playground.view("U_ALICE").await.unwrap();
        if let Some(found) = with_purpose(&view, "standup_prompt").first() {
            prompt = Some((found.conversation.clone(), found.actions.iter().map(|a| a.action).collect::<Vec<_>>()));
            break;
        }
    }
    let (conversation, actions) = prompt.expect("alice is prompted on Thursday morning");
    assert_eq!(conversation, "D-U_ALICE");
    assert!(actions.contains(&"answer"), "{actions:?}");
    playground.press("U_ALICE", "answer", "daily", "D-U_ALICE").await.unwrap();
    let form = playground.view("U_ALICE").await.unwrap().form.expect("the Answer button opens the form");
    assert_eq!(form.fields.len(), 3);
    assert!(playground.view("U_BOB").await.unwrap().form.is_none(), "the form is alice's");
    let wrong = playground.submit_form("U_ALICE", &form.trigger, vec!["only one".into()]).await;
    assert!(wrong.unwrap_err().0.contains("3 questions"), "a short form is refused");
    let answers = vec!["shipped the importer".into(), "DST tests".into(), "none".into()];
    playground.submit_form("U_ALICE", &form.trigger, answers.clone()).await.unwrap();
    let view = playground.view("U_ALICE").await.unwrap();
    assert!(view.form.is_none(), "an answered form closes");
    assert_eq!(with_purpose(&view, "standup_ack").len(), 1, "{:?}", view.messages);
    assert!(playground.submit_form("U_ALICE", &form.trigger, answers).await.is_err(), "a form is answered once");

    // A day later the digest is in #team, with alice's answers.
    playground.advance(Step::Day).await.unwrap();
    let view = playground.view("U_CHEN").await.unwrap();
    let digest = with_purpose(&view, "digest");
    assert!(!digest.is_empty(), "{:?}", view.messages);
    assert!(digest.iter().any(|d| d.conversation == "C_TEAM" && d.html.contains("shipped the importer")));
}

#[tokio::test]
async fn bad_input_is_one_clear_error_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let playground = demo_playground(dir.path()).await;
    let before = playground.view("U_ALICE").await.unwrap().messages.len();
    let cases = [
        (post("U_NOBODY", "C_TEAM", "hi"), "no member 'U_NOBODY'"),
        (post("U_ALICE", "C_NOWHERE", "hi"), "no conversation 'C_NOWHERE'"),
        (post("U_ALICE", "D-U_BOB", "hi"), "no conversation 'D-U_BOB'"),
        (post("U_ALICE", "C_TEAM", "   "), "the message is empty"),
        (PostRequest { thread: Some("nope".into()), ..post("U_ALICE", "C_TEAM", "hi") }, "no message 'nope'"),
    ];
    for (request, expected) in cases {
        let error = playground.post(request).await.unwrap_err();
        assert!(error.0.contains(expected), "{} does not say {expected}", error.0);
    }
    assert!(playground.press("U_ALICE", "explode", "daily", "C_TEAM").await.is_err());
    assert!(playground.submit_form("U_ALICE", "trigger1", vec![]).await.is_err());
    assert_eq!(playground.view("U_ALICE").await.unwrap().messages.len(), before);
}

#[test]
fn typed_html_never_reaches_the_page_as_html() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let playground = demo_playground(dir.path()).await;
        playground.post(post("U_BOB", "C_RANDOM", "<img src=x onerror=alert(1)> & <@U_ALICE>")).await.unwrap();
        let view = playground.view("U_ALICE").await.unwrap();
        let html = &view.messages.last().unwrap().html;
        assert!(html.contains("&lt;img") && !html.contains("<img"), "{html}");
        assert!(html.contains("&amp;"), "{html}");
        // Typed markup is text on Slack: it does not become a mention either.
        assert!(!html.contains("class=\"mention"), "{html}");
    });
}

// ---- the real binary ----

/// `unhurried serve` without credentials on a free loopback port.
pub struct ServedPlayground {
    /// Where it listens.
    pub addr: SocketAddr,
    child: tokio::process::Child,
}

impl ServedPlayground {
    /// Starts the binary with `database_url` configured and only these extra arguments.
    pub async fn start(database_url: &str, args: &[&str]) -> ServedPlayground {
        let addr = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            probe.local_addr().unwrap()
        };
        let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_unhurried"))
            .arg("serve")
            .args(args)
            .env_clear()
            .env("UNHURRIED_DATABASE__URL", database_url)
            .env("UNHURRIED_HTTP__ADDR", addr.to_string())
            .env("UNHURRIED_SCHEDULER__TICK", "1s")
            .env("UNHURRIED_LOG__FORMAT", "json")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let served = ServedPlayground { addr, child };
        for _ in 0..1_000 {
            if let Ok(response) = reqwest::get(served.url("/healthz")).await
                && response.status().is_success()
            {
                return served;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("the playground never answered /healthz");
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Stops it; its log.
    pub async fn stop(mut self) -> String {
        self.child.kill().await.unwrap();
        let output = self.child.wait_with_output().await.unwrap();
        String::from_utf8_lossy(&output.stderr).into_owned()
    }
}

async fn post_json(client: &reqwest::Client, url: String, body: Value) -> (u16, Value) {
    let response =
        client.post(url).header("content-type", "application/json").body(body.to_string()).send().await.unwrap();
    let status = response.status().as_u16();
    (status, serde_json::from_str(&response.text().await.unwrap()).unwrap())
}

async fn get_json(url: String) -> Value {
    serde_json::from_str(&reqwest::get(url).await.unwrap().text().await.unwrap()).unwrap()
}

/// A database as production leaves it: one standup prompt overdue.
async fn production_database(dir: &Path) -> String {
    let url = format!("sqlite://{}", dir.join("production.db").display());
    let store = SqliteStore::open(&url).await.unwrap();
    let due = chrono::Utc::now() - chrono::Duration::minutes(5);
    let run = RunJob { standup_id: 1, member_id: 1, date: "2026-12-03".parse().unwrap() };
    let job = NewJob {
        job: Job::StandupPrompt(run),
        key: "standup_prompt:1:1:2026-12-03".into(),
        due_at: due,
        expires_at: None,
    };
    store.schedule_job(&job, Platform::Slack, due).await.unwrap();
    url
}

async fn production_jobs(url: &str) -> Vec<(String, i64)> {
    let store = SqliteStore::open(url).await.unwrap();
    sqlx::query_as("SELECT state, attempts FROM jobs").fetch_all(store.pool()).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_without_credentials_is_a_playground_that_never_touches_the_configured_database() {
    let dir = tempfile::tempdir().unwrap();
    let url = production_database(dir.path()).await;
    let before = production_jobs(&url).await;
    let served = ServedPlayground::start(&url, &[]).await;
    let client = reqwest::Client::new();

    // The page and its parts are served from the binary.
    let page = reqwest::get(served.url("/")).await.unwrap().text().await.unwrap();
    assert!(page.contains("<title>unhurried playground</title>") && page.contains("page.js"), "{page}");
    for part in ["/page.css", "/page.js"] {
        assert!(reqwest::get(served.url(part)).await.unwrap().status().is_success(), "{part}");
    }

    // Live updates: the event stream says "changed" at once and after every change.
    let mut events = reqwest::get(served.url("/api/events")).await.unwrap();
    let first = String::from_utf8_lossy(&events.chunk().await.unwrap().unwrap()).into_owned();
    assert!(first.contains("event: changed"), "{first}");

    let (status, _) = post_json(
        &client,
        served.url("/api/post"),
        json!({"as": "U_ALICE", "conversation": "C_TEAM", "text": "hi @bob"}),
    )
    .await;
    assert_eq!(status, 200);
    let next = String::from_utf8_lossy(&events.chunk().await.unwrap().unwrap()).into_owned();
    assert!(next.contains("event: changed"), "{next}");
    let (status, now) = post_json(&client, served.url("/api/clock"), json!({"step": "hour"})).await;
    assert_eq!(status, 200);
    assert_eq!(now["now"], "2026-03-26T01:00:00+00:00", "the demo starts at its scenario's start");

    let view = get_json(served.url("/api/view?as=U_BOB")).await;
    let messages = view["messages"].as_array().unwrap();
    let ping = messages.iter().find(|m| m["author"] == "alice").unwrap();
    let nudge = messages.iter().find(|m| m["purpose"] == "nudge").expect("the nudge arrived");
    assert_eq!(nudge["thread"], ping["id"]);
    // Each member's local time is beside their name.
    let bob = view["members"].as_array().unwrap().iter().find(|m| m["id"] == "U_BOB").unwrap();
    assert_eq!(bob["local_time"], "Wed 21:00");
    assert_eq!(bob["zone"], "America/New_York");

    let (status, _) = post_json(
        &client,
        served.url("/api/post"),
        json!({"as": "U_ALICE", "conversation": "C_TEAM", "text": "/async standup preview daily"}),
    )
    .await;
    assert_eq!(status, 200);
    let alice = get_json(served.url("/api/view?as=U_ALICE")).await;
    let reply = alice["messages"].as_array().unwrap().iter().find(|m| m["purpose"] == "command_reply").unwrap();
    assert_eq!(reply["private"], true);

    // Bad input: 400, one line, nothing changes.
    let (status, error) =
        post_json(&client, served.url("/api/post"), json!({"as": "U_ALICE", "conversation": "C_X", "text": "hi"}))
            .await;
    assert_eq!(status, 400);
    assert_eq!(error["error"], "no conversation 'C_X' for U_ALICE");
    let unknown = reqwest::get(served.url("/api/view?as=U_X")).await.unwrap();
    assert_eq!(unknown.status().as_u16(), 400);

    // Jobs in the playground run at ticks of its virtual clock; the configured database's don't.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let logs = served.stop().await;
    assert!(logs.contains("not connected to Slack or Discord"), "{logs}");
    assert!(logs.contains("To connect, set SLACK_BOT_TOKEN"), "{logs}");
    assert_eq!(production_jobs(&url).await, before, "the configured database's jobs are untouched");
    assert_eq!(before, [("pending".to_owned(), 0)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_playground_never_runs_on_the_configured_database_even_when_named() {
    let dir = tempfile::tempdir().unwrap();
    let url = production_database(dir.path()).await;
    let file = dir.path().join("production.db");
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_unhurried"))
        .args(["serve", "--playground-db", file.to_str().unwrap()])
        .env_clear()
        .env("UNHURRIED_DATABASE__URL", &url)
        .env("UNHURRIED_HTTP__ADDR", "127.0.0.1:0")
        .output()
        .await
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("the playground never runs on it"), "{stderr}");
    assert_eq!(production_jobs(&url).await, [("pending".to_owned(), 0)]);

    // A file of its own is used and kept.
    let own = dir.path().join("playground.db");
    let served = ServedPlayground::start(&url, &["--playground-db", own.to_str().unwrap()]).await;
    served.stop().await;
    assert!(own.exists());
}

#[tokio::test]
async fn simulate_html_writes_one_self_contained_chat_page() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("demo.html");
    let scenario = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/demo.toml");
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_unhurried"))
        .args(["simulate", scenario, "--html", file.to_str().unwrap()])
        .output()
        .await
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(!output.stdout.is_empty(), "the transcript is still printed");
    let page = std::fs::read_to_string(&file).unwrap();
    assert!(page.contains("<style>") && page.contains("id=\"static-data\""), "style and data are inlined");
    assert!(!page.contains("href=\"page.css\"") && !page.contains("src=\"page.js\""), "nothing to fetch");
    let start = page.find("id=\"static-data\">").unwrap() + "id=\"static-data\">".len();
    let end = start + page[start..].find("</script>").unwrap();
    let data: Value = serde_json::from_str(&page[start..end]).unwrap();
    let alice = &data["views"]["U_ALICE"]["messages"];
    let nudge = alice.as_array().unwrap().iter().find(|m| m["purpose"] == "nudge").unwrap();
    assert!(nudge["html"].as_str().unwrap().contains("@bob"));
    // bob's DMs are his: alice's view has none of them.
    assert!(!alice.as_array().unwrap().iter().any(|m| m["conversation"] == "D-U_BOB"));
}

//! The playground in a real browser: headless Chromium (Debian's `chromium` and
//! `chromium-driver`, which .ci/run installs) driven over WebDriver by fantoccini, against the
//! real binary. Where Chromium cannot be installed the test says so loudly and skips.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::playground::ServedPlayground;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// chromedriver on a free loopback port, ended when dropped.
struct Driver {
    port: u16,
    _child: tokio::process::Child,
}

impl Driver {
    async fn start() -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = tokio::process::Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("chromedriver starts");
        for _ in 0..500 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                return Driver { port, _child: child };
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("chromedriver never listened on {port}");
    }

    async fn browser(&self, profile: &std::path::Path) -> Client {
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": CHROMIUM,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--window-size=1100,900",
                    format!("--user-data-dir={}", profile.display()),
                ],
            }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        ClientBuilder::new(connector)
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .expect("chromedriver opens a Chromium session")
    }
}

fn chromium_missing() -> bool {
    if std::path::Path::new(CHROMIUM).exists() && std::path::Path::new(CHROMEDRIVER).exists() {
        return false;
    }
    eprintln!(
        "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
         SKIPPED the playground browser test: {CHROMIUM} or {CHROMEDRIVER} is missing.\n\
         Install them with: apt-get update && apt-get install -y chromium chromium-driver\n\
         (.ci/run does this itself)\n\
         !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
    );
    true
}

/// Where this test leaves its screenshot.
fn output_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("playground_browser");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn wait_for(browser: &Client, css: &str) -> fantoccini::elements::Element {
    browser
        .wait()
        .at_most(Duration::from_secs(60))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|error| panic!("nothing matches {css}: {error}"))
}

async fn text_of(browser: &Client, css: &str) -> String {
    browser.find(Locator::Css(css)).await.unwrap().text().await.unwrap()
}

/// Types `text` in the composer and sends it with Enter, as a person would.
async fn send(browser: &Client, text: &str) {
    let composer = browser.find(Locator::Css("#text")).await.unwrap();
    composer.send_keys(text).await.unwrap();
    composer.send_keys("\u{E007}").await.unwrap(); // WebDriver's Enter key
}

/// Clicks a clock button and waits until the page shows the new time.
async fn move_clock(browser: &Client, button: &str) {
    let before = text_of(browser, "#now").await;
    browser.find(Locator::Css(button)).await.unwrap().click().await.unwrap();
    for _ in 0..3_000 {
        if text_of(browser, "#now").await != before {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the clock did not move after {button}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newcomer_gets_a_nudge_a_private_reply_and_answers_a_prompt_in_the_browser() {
    if chromium_missing() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("configured.db").display());
    let served = ServedPlayground::start(&url, &[]).await;
    let driver = Driver::start().await;
    let browser = driver.browser(&dir.path().join("chromium-profile")).await;

    browser.goto(&served.url("/")).await.unwrap();
    wait_for(&browser, "button[data-conversation='C_TEAM'][aria-current='true']").await;
    browser.find(Locator::Css("#as")).await.unwrap().select_by_value("U_ALICE").await.unwrap();

    // alice pings bob with nothing but a greeting; past the grace period the bot asks, in the thread.
    send(&browser, "hi @bob").await;
    let ping = wait_for(&browser, "li.message:not(.bot) .mention").await;
    assert_eq!(ping.text().await.unwrap(), "@bob");
    move_clock(&browser, "#clock-hour").await;
    let nudge = wait_for(&browser, ".thread li.message[data-purpose='nudge']").await;
    assert!(nudge.text().await.unwrap().contains("asynchronously"));

    // A command's reply is private.
    send(&browser, "/async standup preview daily").await;
    let reply = wait_for(&browser, "li.message.private[data-purpose='command_reply']").await;
    let reply_text = reply.text().await.unwrap();
    assert!(reply_text.contains("only visible to you") && reply_text.contains("alice"), "{reply_text}");

    // To alice's DM; skip ahead to her prompt and answer it through the form.
    browser.find(Locator::Css("button[data-conversation='D-U_ALICE']")).await.unwrap().click().await.unwrap();
    let mut answer = None;
    for _ in 0..30 {
        if let Ok(button) =
            browser.find(Locator::Css("li[data-purpose='standup_prompt'] button[data-action='answer']")).await
        {
            answer = Some(button);
            break;
        }
        move_clock(&browser, "#clock-next").await;
    }
    answer.expect("alice is prompted on Thursday morning").click().await.unwrap();
    wait_for(&browser, "dialog#form-dialog[open]").await;
    let fields = browser.find_all(Locator::Css("#form-fields textarea")).await.unwrap();
    assert_eq!(fields.len(), 3);
    for (field, answer) in fields.iter().zip(["shipped the importer", "DST tests", "none"]) {
        field.send_keys(answer).await.unwrap();
    }
    browser.find(Locator::Css("#form-submit")).await.unwrap().click().await.unwrap();
    wait_for(&browser, "li.message[data-purpose='standup_ack']").await;

    let screenshot = browser.screenshot().await.unwrap();
    let file = output_dir().join("playground.png");
    std::fs::write(&file, screenshot).unwrap();
    eprintln!("playground screenshot: {}", file.display());
    browser.close().await.unwrap();
    served.stop().await;
}

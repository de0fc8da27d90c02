//! Slack Events API ingest under load: signed `message.channels` deliveries (`POST /slack/events`)
//! over many keep-alive HTTP/1.1 connections, at a fixed offered rate or as fast as the server
//! answers, for a bounded time; prints one summary line with the server's CPU time read from
//! `/proc/<pid>/stat`. `scripts/bench_ingest.sh` runs it against `unhurried serve` and against
//! Slack's Bolt for Python, each pinned to one core; docs/performance.md has the figures.
//!
//! Two modes, both bounded in time and on 127.0.0.1 only:
//!
//! ```text
//! slack_ingest fake-api --addr 127.0.0.1:PORT [--lifetime SECS] [--users-info-delay-ms MS]
//!     a minimal Slack Web API (auth.test, users.info, anything else ok) for the server under test
//! slack_ingest load --url http://127.0.0.1:PORT/slack/events --secret S --pid PID
//!     [--rate N|max] [--duration SECS] [--warmup SECS] [--connections N] [--label NAME]
//! ```
//!
//! Latency is measured from writing a request to reading its whole answer; whether the server
//! kept up with the offered rate shows as `achieved` below `offered`, and as `unsent`: requests
//! due in the measured window that were never sent because every connection was still waiting
//! for an answer when the window closed.

#[path = "support/corpus.rs"]
mod corpus;

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::io;
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, KeyInit as _, Mac as _};
use sha2::Sha256;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

fn main() {
    // `cargo bench` passes `--bench`; everything else is ours.
    let args: Vec<String> = std::env::args().skip(1).filter(|arg| arg != "--bench").collect();
    let Some((mode, rest)) = args.split_first() else { usage("no mode given") };
    let options = options(rest);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
    match mode.as_str() {
        "fake-api" => runtime.block_on(fake_api(&options)),
        "load" => {
            let plan = Plan::from_options(&options);
            let line = tokio::task::LocalSet::new().block_on(&runtime, load(plan));
            println!("{line}");
        }
        other => usage(&format!("unknown mode {other:?}")),
    }
}

fn usage(problem: &str) -> ! {
    eprintln!(
        "slack_ingest: {problem}\nusage: slack_ingest fake-api --addr ADDR | load --url URL --secret S --pid PID [--rate N|max] [--duration S] [--warmup S] [--connections N] [--label NAME]"
    );
    std::process::exit(2)
}

/// `--key value` pairs.
fn options(args: &[String]) -> HashMap<String, String> {
    let mut options = HashMap::new();
    let mut args = args.iter();
    while let Some(key) = args.next() {
        let Some(key) = key.strip_prefix("--") else { usage(&format!("expected --option, got {key:?}")) };
        let Some(value) = args.next() else { usage(&format!("--{key} needs a value")) };
        options.insert(key.to_owned(), value.clone());
    }
    options
}

fn required<'a>(options: &'a HashMap<String, String>, key: &str) -> &'a str {
    options.get(key).map_or_else(|| usage(&format!("--{key} is required")), String::as_str)
}

fn number<T: std::str::FromStr>(options: &HashMap<String, String>, key: &str, default: T) -> T {
    options.get(key).map_or(default, |value| value.parse().unwrap_or_else(|_| usage(&format!("--{key}: {value:?}"))))
}

// ---------------------------------------------------------------------------------------------
// The fake Web API.

/// Serves just enough of Slack's Web API for a server to start and handle messages: `auth.test`,
/// `users.info` (zones from the corpus), `chat.postMessage` with a ts, `{"ok":true}` for
/// anything else. Stops by itself after `--lifetime` seconds (default 900).
async fn fake_api(options: &HashMap<String, String>) {
    use axum::extract::{Path, RawQuery};
    use axum::routing::any;

    let addr: SocketAddr = required(options, "addr").parse().unwrap_or_else(|_| usage("--addr: not an address"));
    assert!(addr.ip().is_loopback(), "the fake Web API listens on 127.0.0.1 only");
    let lifetime = Duration::from_secs(number(options, "lifetime", 900));
    // How long users.info takes to answer: Slack's own latency, or a slow or throttled Web API.
    let users_info_delay = Duration::from_millis(number(options, "users-info-delay-ms", 0));
    let posted = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let answer = move |Path(method): Path<String>, RawQuery(query): RawQuery, body: axum::body::Bytes| {
        let posted = posted.clone();
        async move {
            if method == "users.info" {
                tokio::time::sleep(users_info_delay).await;
            }
            let mut params: HashMap<String, String> =
                serde_urlencoded::from_str(query.as_deref().unwrap_or("")).unwrap_or_default();
            params.extend(serde_urlencoded::from_bytes::<HashMap<String, String>>(&body).unwrap_or_default());
            if let Ok(serde_json::Value::Object(fields)) = serde_json::from_slice::<serde_json::Value>(&body) {
                for (key, value) in fields {
                    params.insert(key, value.as_str().map_or_else(|| value.to_string(), str::to_owned));
                }
            }
            let param = |name: &str| params.get(name).cloned().unwrap_or_default();
            let body = match method.as_str() {
                "auth.test" => serde_json::json!({"ok": true, "url": "https://bench.slack.com/", "team": "Bench",
                    "user": "unhurried", "team_id": corpus::TEAM, "user_id": "U0BENCHBOT", "bot_id": "B0BENCHBOT"}),
                "users.info" => {
                    let user = param("user");
                    serde_json::json!({"ok": true, "user": {"id": user, "name": user, "real_name": user,
                        "tz": corpus::timezone_of(&user), "is_admin": false, "is_owner": false, "is_bot": false,
                        "profile": {"display_name": user, "real_name": user}}})
                }
                "chat.postMessage" => {
                    let n = posted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let ts = format!("1800000000.{n:06}");
                    serde_json::json!({"ok": true, "channel": param("channel"), "ts": ts,
                        "message": {"type": "message", "ts": ts, "text": param("text"), "user": "U0BENCHBOT"}})
                }
                _ => serde_json::json!({"ok": true}),
            };
            axum::Json(body)
        }
    };
    let app = axum::Router::new().route("/api/{method}", any(answer));
    let listener = tokio::net::TcpListener::bind(addr).await.expect("bind the fake Web API");
    let serve = axum::serve(listener, app);
    // Bounded: the benchmark script stops it, and if it does not, it stops itself.
    let _ = tokio::time::timeout(lifetime, serve).await;
}

// ---------------------------------------------------------------------------------------------
// The load generator.

struct Plan {
    addr: SocketAddr,
    host: String,
    path: String,
    key: Hmac<Sha256>,
    /// Requests per second, or as fast as answers come back.
    rate: Option<f64>,
    connections: usize,
    server_pid: u32,
    label: String,
    start: Instant,
    measure_from: Instant,
    stop_at: Instant,
    /// Makes event ids and message ts unique across runs against one database.
    run: u64,
}

impl Plan {
    fn from_options(options: &HashMap<String, String>) -> Self {
        let url = required(options, "url");
        let rest = url.strip_prefix("http://").unwrap_or_else(|| usage("--url must be http://HOST:PORT/PATH"));
        let (host, path) = rest.split_once('/').map_or((rest, "/".to_owned()), |(h, p)| (h, format!("/{p}")));
        let addr: SocketAddr = host.parse().unwrap_or_else(|_| usage("--url: the host must be IP:PORT"));
        assert!(addr.ip().is_loopback(), "the load generator talks to 127.0.0.1 only");
        let rate = match options.get("rate").map(String::as_str) {
            None | Some("max") => None,
            Some(n) => Some(n.parse::<f64>().unwrap_or_else(|_| usage("--rate: a number or max"))),
        };
        let warmup = Duration::from_secs_f64(number(options, "warmup", 2.0));
        let duration = Duration::from_secs_f64(number(options, "duration", 15.0));
        assert!(duration <= Duration::from_secs(120), "a run is bounded: at most 120 s");
        let start = Instant::now();
        let run = SystemTime::now().duration_since(UNIX_EPOCH).expect("after 1970").as_secs();
        Plan {
            addr,
            host: host.to_owned(),
            path,
            key: Hmac::new_from_slice(required(options, "secret").as_bytes()).expect("any key length"),
            rate,
            connections: number(options, "connections", 256),
            server_pid: required(options, "pid").parse().unwrap_or_else(|_| usage("--pid: a process id")),
            label: options.get("label").cloned().unwrap_or_else(|| "server".to_owned()),
            start,
            measure_from: start + warmup,
            stop_at: start + warmup + duration,
            run,
        }
    }

    /// The signed HTTP request of delivery `index`, written into `out`.
    fn request(&self, index: u64, out: &mut Vec<u8>) {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).expect("after 1970").as_secs();
        let body = event_callback(self.run, index, now);
        let mut mac = self.key.clone();
        mac.update(b"v0:");
        mac.update(now.to_string().as_bytes());
        mac.update(b":");
        mac.update(body.as_bytes());
        let signature = hex::encode(mac.finalize().into_bytes());
        out.clear();
        use std::io::Write as _;
        write!(
            out,
            "POST {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: Slackbot 1.0 (+https://api.slack.com/robots)\r\n\
             Accept: */*\r\nAccept-Encoding: gzip,deflate\r\nContent-Type: application/json\r\n\
             X-Slack-Signature: v0={signature}\r\nX-Slack-Request-Timestamp: {now}\r\n\
             Content-Length: {}\r\n\r\n{body}",
            self.path,
            self.host,
            body.len()
        )
        .expect("writing to a Vec");
    }
}

/// A `message.channels` delivery as Slack sends it (the fields and their order of a real one).
fn event_callback(run: u64, index: u64, now: u64) -> String {
    let message = corpus::message(index, run);
    let ts = corpus::ts(run, index);
    let text = serde_json::to_string(&message.text).expect("a string");
    let mention = message
        .mentions
        .as_ref()
        .map_or(String::new(), |user| format!(r#"{{"type":"user","user_id":"{user}"}},{{"type":"text","text":" "}},"#));
    let plain = serde_json::to_string(message.text.split_once("> ").map_or(message.text.as_str(), |(_, rest)| rest))
        .expect("a string");
    let thread = message.thread_ts.as_ref().map_or(String::new(), |parent| {
        format!(r#","thread_ts":"{parent}","parent_user_id":"{}""#, corpus::user_id(index as usize + 7))
    });
    let team = corpus::TEAM;
    let (user, channel) = (&message.user, &message.channel);
    format!(
        r#"{{"token":"XXYYZZbenchTOKEN0000","team_id":"{team}","context_team_id":"{team}","context_enterprise_id":null,"api_app_id":"A0BENCH001","event":{{"user":"{user}","type":"message","ts":"{ts}","client_msg_id":"{run:08x}-{hi:04x}-4{lo:03x}-8bench-{index:012x}","text":{text},"team":"{team}"{thread},"blocks":[{{"type":"rich_text","block_id":"b{blk:x}","elements":[{{"type":"rich_text_section","elements":[{mention}{{"type":"text","text":{plain}}}]}}]}}],"channel":"{channel}","event_ts":"{ts}","channel_type":"channel"}},"type":"event_callback","event_id":"Ev0B{run:X}{index:08X}","event_time":{now},"authorizations":[{{"enterprise_id":null,"team_id":"{team}","user_id":"U0BENCHBOT","is_bot":true,"is_enterprise_install":false}}],"is_ext_shared_channel":false,"event_context":"4-eyJldCI6Im1lc3NhZ2UiLCJ0aWQiOiJUMEJFTkNIMDAxIiwiYWlkIjoiQTBCRU5DSDAwMSIsImNpZCI6IntjaGFubmVsfSJ9"}}"#,
        hi = index >> 48 & 0xffff,
        lo = index >> 36 & 0xfff,
        blk = index.wrapping_mul(2_654_435_761) & 0xfffff,
    )
}

#[derive(Default)]
struct Tally {
    latencies_us: Vec<u32>,
    ok: u64,
    non_2xx: u64,
    statuses: BTreeMap<u16, u64>,
    errors: u64,
    sent: u64,
    last_done: Option<Instant>,
}

async fn load(plan: Plan) -> String {
    let plan = Rc::new(plan);
    let next = Rc::new(Cell::new(0u64));
    let tally = Rc::new(RefCell::new(Tally::default()));
    let cpu_before = Rc::new(Cell::new(None::<(f64, BTreeMap<String, f64>)>));
    let sampler = tokio::task::spawn_local({
        let (plan, cpu_before) = (plan.clone(), cpu_before.clone());
        async move {
            tokio::time::sleep_until(plan.measure_from.into()).await;
            cpu_before.set(Some((cpu_seconds(plan.server_pid), cpu_by_thread(plan.server_pid))));
        }
    });
    let workers: Vec<_> = (0..plan.connections)
        .map(|_| tokio::task::spawn_local(connection(plan.clone(), next.clone(), tally.clone())))
        .collect();
    for worker in workers {
        worker.await.expect("a connection task");
    }
    let (cpu_after, threads_after) = (cpu_seconds(plan.server_pid), cpu_by_thread(plan.server_pid));
    sampler.await.expect("the CPU sampler");
    let (cpu_before, threads_before) = cpu_before.take().expect("sampled at the start of the measurement");
    let cpu = cpu_after - cpu_before;
    let threads: Vec<String> = threads_after
        .iter()
        .map(|(name, after)| (name, after - threads_before.get(name).copied().unwrap_or(0.0)))
        .filter(|(_, seconds)| *seconds >= 0.01)
        .map(|(name, seconds)| format!("{}:{seconds:.2}", name.replace(' ', "_")))
        .collect();
    let mut tally = tally.take();
    let elapsed = tally.last_done.map_or(0.0, |done| (done - plan.measure_from).as_secs_f64());
    tally.latencies_us.sort_unstable();
    let percentile = |p: f64| {
        let n = tally.latencies_us.len();
        if n == 0 { f64::NAN } else { f64::from(tally.latencies_us[((n as f64 * p) as usize).min(n - 1)]) / 1000.0 }
    };
    let achieved = if elapsed > 0.0 { tally.ok as f64 / elapsed } else { 0.0 };
    let offered = plan.rate.map_or("max".to_owned(), |rate| format!("{rate:.0}/s"));
    let answered = tally.ok + tally.non_2xx + tally.errors;
    let unsent = plan.rate.map_or(0, |rate| {
        let due = (rate * (plan.stop_at - plan.measure_from).as_secs_f64()) as u64;
        due.saturating_sub(answered)
    });
    let statuses: Vec<String> =
        tally.statuses.iter().filter(|(s, _)| !(200..300).contains(*s)).map(|(s, n)| format!("{s}:{n}")).collect();
    format!(
        "slack_ingest server={} offered={offered} achieved={achieved:.0}/s ok={} non2xx={}{} conn_errors={} unsent={unsent} \
         p50={:.2}ms p99={:.2}ms server_cpu={cpu:.2}s events_per_cpu_s={:.0} window={elapsed:.1}s connections={} sent_total={} \
         cpu_by_thread={}",
        plan.label,
        tally.ok,
        tally.non_2xx,
        if statuses.is_empty() { String::new() } else { format!("({})", statuses.join(",")) },
        tally.errors,
        percentile(0.50),
        percentile(0.99),
        if cpu > 0.0 { tally.ok as f64 / cpu } else { f64::NAN },
        plan.connections,
        tally.sent,
        threads.join(","),
    )
}

/// One keep-alive connection sending deliveries until the plan's end; reconnects after an error.
async fn connection(plan: Rc<Plan>, next: Rc<Cell<u64>>, tally: Rc<RefCell<Tally>>) {
    let mut stream: Option<TcpStream> = None;
    let mut request = Vec::with_capacity(4096);
    let mut answer = Vec::with_capacity(1024);
    loop {
        let index = next.get();
        next.set(index + 1);
        let due = match plan.rate {
            Some(rate) => plan.start + Duration::from_secs_f64(index as f64 / rate),
            None => Instant::now(),
        };
        // At the end of the run, whatever was due and not yet sent is left unsent (counted as
        // `unsent`): a server that cannot keep up does not make the run longer.
        if due >= plan.stop_at || Instant::now() >= plan.stop_at {
            return;
        }
        if plan.rate.is_some() {
            tokio::time::sleep_until(due.into()).await;
        }
        plan.request(index, &mut request);
        let sent = Instant::now();
        // Counted by when it was sent: a generator behind schedule still measures the window.
        let counted = sent >= plan.measure_from;
        let result = match &mut stream {
            Some(open) => exchange(open, &request, &mut answer).await,
            None => match TcpStream::connect(plan.addr).await {
                Ok(open) => {
                    let _ = open.set_nodelay(true);
                    exchange(stream.insert(open), &request, &mut answer).await
                }
                Err(error) => Err(error),
            },
        };
        let done = Instant::now();
        let result_failed = result.is_err();
        let failed = {
            let mut tally = tally.borrow_mut();
            tally.sent += 1;
            match result {
                Ok((status, keep_alive)) => {
                    if !keep_alive {
                        stream = None;
                    }
                    if counted {
                        tally.latencies_us.push(u32::try_from((done - sent).as_micros()).unwrap_or(u32::MAX));
                        tally.last_done = Some(done);
                        if (200..300).contains(&status) {
                            tally.ok += 1;
                        } else {
                            tally.non_2xx += 1;
                            *tally.statuses.entry(status).or_default() += 1;
                        }
                    }
                }
                Err(_) => {
                    stream = None;
                    if counted {
                        tally.errors += 1;
                    }
                }
            }
            stream.is_none() && result_failed
        };
        if failed {
            // A refused or reset connection: a short pause, not a busy loop against it.
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

/// Writes one request and reads its answer: (status, whether the connection stays open).
async fn exchange(stream: &mut TcpStream, request: &[u8], answer: &mut Vec<u8>) -> io::Result<(u16, bool)> {
    stream.write_all(request).await?;
    answer.clear();
    let head_end = loop {
        if let Some(at) = find(answer, b"\r\n\r\n") {
            break at + 4;
        }
        read_more(stream, answer).await?;
    };
    let head = std::str::from_utf8(&answer[..head_end]).map_err(|_| io::Error::other("a non-text header"))?;
    let status: u16 =
        head.split(' ').nth(1).and_then(|code| code.parse().ok()).ok_or_else(|| io::Error::other("no status line"))?;
    let header = |name: &str| {
        head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim().eq_ignore_ascii_case(name).then(|| value.trim().to_ascii_lowercase())
        })
    };
    let keep_alive = header("connection").is_none_or(|value| value != "close");
    if header("transfer-encoding").is_some_and(|value| value.contains("chunked")) {
        while find(&answer[head_end..], b"0\r\n\r\n").is_none() {
            read_more(stream, answer).await?;
        }
    } else {
        let length: usize = header("content-length").and_then(|value| value.parse().ok()).unwrap_or(0);
        while answer.len() < head_end + length {
            read_more(stream, answer).await?;
        }
    }
    Ok((status, keep_alive))
}

async fn read_more(stream: &mut TcpStream, answer: &mut Vec<u8>) -> io::Result<()> {
    answer.reserve(1024);
    if stream.read_buf(answer).await? == 0 {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    Ok(())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

/// User plus system CPU time of a whole process (all its threads), in seconds.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .unwrap_or_else(|error| panic!("cannot read /proc/{pid}/stat: {error}"));
    // The command name may hold spaces and parentheses; the fields after the last ')' are fixed:
    // state is field 3, utime 14 and stime 15.
    let fields: Vec<&str> = stat.rsplit_once(')').expect("a stat line").1.split_whitespace().collect();
    let ticks: f64 = fields[11].parse::<f64>().expect("utime") + fields[12].parse::<f64>().expect("stime");
    ticks / clock_ticks_per_second()
}

/// CPU seconds of a process's threads, summed by thread name as the kernel keeps it (15
/// characters: `tokio-rt-worker`, `sqlx-sqlite-wor`; the main thread under the program's name).
/// Threads that ended during the run are missing from the difference.
fn cpu_by_thread(pid: u32) -> BTreeMap<String, f64> {
    let mut by_name = BTreeMap::new();
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else { return by_name };
    let ticks_per_second = clock_ticks_per_second();
    for task in tasks.flatten() {
        let Ok(stat) = std::fs::read_to_string(task.path().join("stat")) else { continue };
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else { continue };
        let name = stat[open + 1..close].to_owned();
        let fields: Vec<&str> = stat[close + 1..].split_whitespace().collect();
        let (Some(user), Some(system)) = (fields.get(11), fields.get(12)) else { continue };
        let ticks = user.parse::<f64>().unwrap_or(0.0) + system.parse::<f64>().unwrap_or(0.0);
        *by_name.entry(name).or_insert(0.0) += ticks / ticks_per_second;
    }
    by_name
}

fn clock_ticks_per_second() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(100.0)
}

//! Faults of the store that the real binary must ride out (issue 12, item 10), each against the
//! real `unhurried serve` on a real database file.
//!
//! A full disk is simulated with an `LD_PRELOAD` shim, built here with the system C compiler:
//! while a flag file exists, `write`, `pwrite`, `pwrite64` and `writev` on the database file and
//! its `-wal` fail with `ENOSPC`, exactly what the kernel answers when a disk is full. A real full disk
//! (a tiny tmpfs or loop device) needs root, which tests do not have; the shim needs nothing and
//! reaches SQLite's own system calls, so the code under test is the shipped binary, unchanged.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::slack_cli::{Served, for_serve, now_unix};
use crate::slack_double::SlackDouble;
use crate::slack_support::{SIGNING_SECRET, message_callback, request, sign};

const SHIM: &str = r#"
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

/* Whether a write to fd must fail: the flag file exists and fd is the database or its -wal (the
   -shm index is memory-mapped and sized when the database opens; it is left alone). */
static int disk_full(int fd) {
    const char *flag = getenv("FAULT_FLAG_FILE");
    const char *prefix = getenv("FAULT_PATH_PREFIX");
    struct stat st;
    char link[64], target[4096];
    ssize_t n;
    if (!flag || !prefix || stat(flag, &st) != 0) return 0;
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    n = readlink(link, target, sizeof target - 1);
    if (n < 0) return 0;
    target[n] = 0;
    if (strstr(target, "-shm")) return 0;
    return strncmp(target, prefix, strlen(prefix)) == 0;
}

ssize_t write(int fd, const void *buf, size_t count) {
    static ssize_t (*real)(int, const void *, size_t);
    if (!real) real = dlsym(RTLD_NEXT, "write");
    if (disk_full(fd)) { errno = ENOSPC; return -1; }
    return real(fd, buf, count);
}

ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset) {
    static ssize_t (*real)(int, const void *, size_t, off_t);
    if (!real) real = dlsym(RTLD_NEXT, "pwrite");
    if (disk_full(fd)) { errno = ENOSPC; return -1; }
    return real(fd, buf, count, offset);
}

ssize_t pwrite64(int fd, const void *buf, size_t count, off64_t offset) {
    static ssize_t (*real)(int, const void *, size_t, off64_t);
    if (!real) real = dlsym(RTLD_NEXT, "pwrite64");
    if (disk_full(fd)) { errno = ENOSPC; return -1; }
    return real(fd, buf, count, offset);
}

ssize_t writev(int fd, const struct iovec *iov, int iovcnt) {
    static ssize_t (*real)(int, const struct iovec *, int);
    if (!real) real = dlsym(RTLD_NEXT, "writev");
    if (disk_full(fd)) { errno = ENOSPC; return -1; }
    return real(fd, iov, iovcnt);
}
"#;

/// Builds the shim into `dir` and returns the shared object's path.
fn build_disk_full_shim(dir: &Path) -> PathBuf {
    let source = dir.join("disk_full.c");
    let object = dir.join("disk_full.so");
    std::fs::write(&source, SHIM).unwrap();
    let output = Command::new("cc")
        .args(["-shared", "-fPIC", "-O1", "-o"])
        .arg(&object)
        .arg(&source)
        .arg("-ldl")
        .output()
        .expect("the fault tests need a C compiler (cc) to build the disk-full shim");
    assert!(output.status.success(), "cc failed: {}", String::from_utf8_lossy(&output.stderr));
    object
}

/// `/async help` by U1 in C1, answered through the double's `response_url` named `secret`.
fn help_command(double: &SlackDouble, secret: &str, trigger: &str) -> String {
    serde_urlencoded::to_string([
        ("team_id", "T1"),
        ("channel_id", "C1"),
        ("user_id", "U1"),
        ("command", "/async"),
        ("text", "help"),
        ("response_url", double.response_url(secret).as_str()),
        ("trigger_id", trigger),
    ])
    .unwrap()
}

async fn healthz(served: &Served) -> (u16, String) {
    request(served.addr, "GET", "/healthz", "", &[]).await
}

#[tokio::test]
async fn a_full_disk_fails_health_and_refuses_events_then_the_store_recovers_by_itself() {
    let double = SlackDouble::start().await;
    double.add_user("U1", "alice", "Europe/Berlin");
    let dir = tempfile::tempdir().unwrap();
    let shim = build_disk_full_shim(dir.path());
    let db = dir.path().join("db");
    let flag = dir.path().join("disk-is-full");
    let mut command = for_serve(&double, &db);
    command
        .env("LD_PRELOAD", &shim)
        .env("FAULT_FLAG_FILE", &flag)
        .env("FAULT_PATH_PREFIX", &db)
        .env("RUST_LOG", "info");
    let served = Served::start(command).await;
    assert_eq!(healthz(&served).await, (200, "ok\n".to_owned()));

    // The disk fills up: deliveries cannot be recorded, so Slack is told to retry them later, and a
    // member typing a command is told to try again.
    std::fs::write(&flag, b"").unwrap();
    for n in 0..5 {
        let event = message_callback(&format!("EvFull{n}"), "U1", "C1", &format!("1774598400.00010{n}"), "hello");
        let status = served.post_signed("/slack/events", &event.to_string(), SIGNING_SECRET, now_unix(), &[]).await;
        assert_eq!(status, 503, "a delivery that cannot be stored is refused: {}", served.logs());
    }
    let (status, answer) = post_command(&served, &help_command(&double, "FULL", "1.1.1")).await;
    assert_eq!((status, answer.as_str()), (200, "unhurried is busy; please try again in a moment."));
    let (status, why) = healthz(&served).await;
    assert_eq!(status, 503, "{why}");
    assert!(why.contains("the database cannot be written"), "{why}");
    assert!(why.contains("full"), "the health check says why: {why}");

    // The disk has room again: the very next delivery is stored and answered, with no restart.
    std::fs::remove_file(&flag).unwrap();
    let (status, answer) = post_command(&served, &help_command(&double, "AFTER", "2.2.2")).await;
    assert_eq!((status, answer.as_str()), (200, ""), "{}", served.logs());
    double.wait_until("the reply after the disk recovered", |d| !d.calls_of("response_url").is_empty()).await;
    assert_eq!(healthz(&served).await, (200, "ok\n".to_owned()), "healthy once a write reaches the disk");
    // Again, to see no connection of the pool was left inside a transaction.
    for n in 0..8 {
        let (status, answer) =
            post_command(&served, &help_command(&double, &format!("AGAIN{n}"), &format!("3.{n}"))).await;
        assert_eq!((status, answer.as_str()), (200, ""), "{}", served.logs());
        let event = message_callback(&format!("EvOk{n}"), "U1", "C1", &format!("1774598500.00010{n}"), "hello");
        let status = served.post_signed("/slack/events", &event.to_string(), SIGNING_SECRET, now_unix(), &[]).await;
        assert_eq!(status, 200, "{}", served.logs());
    }
    double.wait_until("every reply", |d| d.calls_of("response_url").len() == 9).await;

    let logs = served.stop().await;
    assert!(!logs.contains("transaction depth"), "no connection was left in a transaction: {logs}");
}

/// POSTs a signed slash command; returns the status and the body Slack would show the member.
async fn post_command(served: &Served, body: &str) -> (u16, String) {
    let ts = now_unix().to_string();
    let signature = sign(SIGNING_SECRET, &ts, body);
    let headers = [("X-Slack-Request-Timestamp", ts.as_str()), ("X-Slack-Signature", signature.as_str())];
    request(served.addr, "POST", "/slack/commands", body, &headers).await
}

//! Purpose: `unhurried healthcheck` — for container health checks, where no curl is installed:
//! one GET of `/healthz` (or `/readyz`) on the running `serve`, exit 0 on a 200, else 1 with the
//! reason on stderr.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use super::HealthcheckArgs;
use crate::config::Settings;

/// Asks the local `serve` and exits 0 if it answers 200.
pub async fn healthcheck(args: &HealthcheckArgs, settings: &Settings) -> ExitCode {
    // The health routes are on `http.metrics_addr` when set (not necessarily public), else `http.addr`.
    let addr = reachable(settings.http.metrics_addr.unwrap_or(settings.http.addr));
    let path = if args.ready { "/readyz" } else { "/healthz" };
    match tokio::time::timeout(Duration::from_secs(args.timeout.max(1)), get(addr, path)).await {
        Ok(Ok((200, _))) => ExitCode::SUCCESS,
        Ok(Ok((status, body))) => {
            eprintln!("unhurried healthcheck: {path} answered {status}: {}", body.trim().replace('\n', "; "));
            ExitCode::FAILURE
        }
        Ok(Err(error)) => {
            eprintln!("unhurried healthcheck: cannot reach http://{addr}{path}: {error}");
            ExitCode::FAILURE
        }
        Err(_) => {
            eprintln!("unhurried healthcheck: http://{addr}{path} did not answer within {}s", args.timeout.max(1));
            ExitCode::FAILURE
        }
    }
}

/// A listen address made into one to connect to: a wildcard (`0.0.0.0`, `::`) means this host.
fn reachable(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => SocketAddr::new(Ipv4Addr::LOCALHOST.into(), addr.port()),
        IpAddr::V6(ip) if ip.is_unspecified() => SocketAddr::new(Ipv6Addr::LOCALHOST.into(), addr.port()),
        _ => addr,
    }
}

/// One HTTP/1.0 GET: the status and the body.
async fn get(addr: SocketAddr, path: &str) -> std::io::Result<(u16, String)> {
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    stream.write_all(format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").as_bytes()).await?;
    let mut answer = Vec::new();
    stream.take(64 * 1024).read_to_end(&mut answer).await?;
    let answer = String::from_utf8_lossy(&answer);
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| std::io::Error::other("not an HTTP answer"))?;
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, body)| body).to_owned();
    Ok((status, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wildcard_listen_address_is_reached_on_localhost() {
        assert_eq!(reachable("0.0.0.0:8080".parse().unwrap()), "127.0.0.1:8080".parse().unwrap());
        assert_eq!(reachable("[::]:9090".parse().unwrap()), "[::1]:9090".parse().unwrap());
        assert_eq!(reachable("10.0.0.5:8080".parse().unwrap()), "10.0.0.5:8080".parse().unwrap());
    }
}

//! `paraprint health`: the container health check. Asks a running worker's `/healthz` (or
//! `/readyz`) on `metrics.listen`, so images need no curl.

use std::process::ExitCode;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::config::Settings;

/// Exit 0 when the worker answers 200 on `/healthz` (or, with `ready`, `/readyz`), else 1.
pub async fn main(settings: &Settings, ready: bool) -> anyhow::Result<ExitCode> {
    if settings.metrics.listen.is_empty() {
        anyhow::bail!("metrics.listen is empty: the worker serves no health endpoint");
    }
    let path = if ready { "/readyz" } else { "/healthz" };
    match probe(&settings.metrics.listen, path).await {
        Ok((200, _)) => Ok(ExitCode::SUCCESS),
        Ok((status, body)) => {
            eprintln!("paraprint: {path} answered {status}: {}", body.trim());
            Ok(ExitCode::from(1))
        }
        Err(e) => {
            eprintln!("paraprint: {e:#}");
            Ok(ExitCode::from(1))
        }
    }
}

/// A worker that does not answer within this is unhealthy.
const TIMEOUT: Duration = Duration::from_secs(5);

/// The status line and body of `GET path` on the worker listening at `listen`.
pub async fn probe(listen: &str, path: &str) -> anyhow::Result<(u16, String)> {
    // A worker listening on every interface is reached on loopback.
    let address = listen
        .replace("0.0.0.0:", "127.0.0.1:")
        .replace("[::]:", "[::1]:");
    let exchange = async {
        let mut stream = TcpStream::connect(&address).await?;
        let request =
            format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await?;
        let mut response = String::new();
        stream.read_to_string(&mut response).await?;
        anyhow::Ok(response)
    };
    let response = tokio::time::timeout(TIMEOUT, exchange)
        .await
        .map_err(|_| anyhow::anyhow!("no answer from {address} within {TIMEOUT:?}"))?
        .map_err(|e| anyhow::anyhow!("cannot reach the worker at {address}: {e}"))?;
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| anyhow::anyhow!("not an HTTP answer from {address}"))?;
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((status, body))
}

//! Connecting: failover between URLs, heartbeats, TLS, and closing a session's connections.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use lapin::tcp::OwnedTLSConfig;
use lapin::uri::AMQPUri;
use lapin::{Connection, ConnectionProperties};

use crate::config::{AmqpSettings, read_ca_file, redact_url};

/// Opens a connection; the name shows in the management UI.
///
/// `amqps://` URLs use TLS (rustls): the server's certificate must chain to the system's trust
/// store or, when `amqp.tls_ca_file` is set, to a certificate of that PEM file.
///
/// With `amqp.failover_urls`, the URL that answered last is tried first, then the others in
/// order; the first connection made is returned, else the last error.
pub async fn connect(settings: &AmqpSettings, role: &str) -> Result<Connection, lapin::Error> {
    let urls: Vec<&str> = std::iter::once(settings.url.as_str())
        .chain(settings.failover_urls.iter().map(String::as_str))
        .collect();
    let first = LAST_ANSWERED.load(Ordering::Relaxed) % urls.len();
    let timeout = Duration::from_millis(settings.connect_timeout_ms);
    let mut last_error = None;
    for index in (0..urls.len()).map(|i| (first + i) % urls.len()) {
        let url = urls[index];
        let error = match tokio::time::timeout(timeout, connect_to(url, settings, role)).await {
            Ok(Ok(connection)) => {
                if urls.len() > 1 {
                    tracing::info!(url = %redact_url(url), role, "Connected.");
                }
                LAST_ANSWERED.store(index, Ordering::Relaxed);
                return Ok(connection);
            }
            Ok(Err(e)) => e,
            Err(_) => lapin::Error::from(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!("no answer within amqp.connect_timeout_ms ({timeout:?})"),
            )),
        };
        if urls.len() > 1 {
            tracing::warn!(url = %redact_url(url), role, error = %error, "Cannot connect; trying the next broker URL.");
        }
        last_error = Some(error);
    }
    Err(last_error.expect("at least amqp.url"))
}

/// Index (in `url`, then `failover_urls`) of the URL that answered last: reconnects go there
/// first instead of waiting on a node that went away.
static LAST_ANSWERED: AtomicUsize = AtomicUsize::new(0);

async fn connect_to(
    url: &str,
    settings: &AmqpSettings,
    role: &str,
) -> Result<Connection, lapin::Error> {
    let name = format!("{} {role}", settings.connection_name);
    tracing::debug!(url = %redact_url(url), %name, "Connecting.");
    let properties = ConnectionProperties::default().with_connection_name(name.into());
    let mut uri: AMQPUri = url.parse().map_err(|e: String| {
        lapin::Error::from(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("broker URL {}: {e}", redact_url(url)),
        ))
    })?;
    // Both sides close a connection that stayed silent for two heartbeats: a partition that
    // neither closes nor resets the TCP connection is noticed within that time.
    uri.query.heartbeat = Some(settings.heartbeat_s);
    if settings.tls_ca_file.is_empty() {
        return Connection::connect_uri(uri, properties).await;
    }
    // Read at every connect, so a renewed CA bundle is picked up on reconnect. Start-up already
    // checked the file (`config::load`); this error only shows if it went away since.
    let ca = read_ca_file("amqp.tls_ca_file", &settings.tls_ca_file)
        .map_err(|e| lapin::Error::from(std::io::Error::new(std::io::ErrorKind::NotFound, e)))?;
    let tls = OwnedTLSConfig {
        identity: None,
        cert_chain: Some(String::from_utf8_lossy(&ca).into_owned()),
    };
    Connection::connect_uri_with_config(uri, properties, tls, lapin::runtime::default_runtime()?)
        .await
}

/// Closes connections together; closing requeues every delivery not acked. A broker that has
/// not answered within half a heartbeat (at most 5 s) is taken for gone: behind a silent
/// partition it never answers, and lapin stops watching heartbeats once a close began.
pub(super) async fn close_all(conns: &[&Connection], heartbeat_s: u16) {
    let bound = Duration::from_millis((u64::from(heartbeat_s) * 500).min(5_000));
    let closes = conns
        .iter()
        .map(|conn| tokio::time::timeout(bound, conn.close(200, "paraprint closing".into())));
    futures_util::future::join_all(closes).await;
}

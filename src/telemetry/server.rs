//! The worker's HTTP endpoints: `/metrics` (Prometheus), `/healthz` (the process is alive) and
//! `/readyz` (consuming, with the broker and the store reachable).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use metrics_exporter_prometheus::PrometheusHandle;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::clean::Engine;
use crate::store::Store;

/// A probe that waits longer than this for the store counts it as down.
const STORE_PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// What the worker tells the readiness probe: whether a broker session is consuming.
#[derive(Default)]
pub struct Readiness {
    consuming: AtomicBool,
    /// Articles are held while the store or a publish is retried: nothing new is taken.
    holding: AtomicBool,
}

impl Readiness {
    pub fn set_consuming(&self, consuming: bool) {
        self.consuming.store(consuming, Ordering::Relaxed);
    }

    pub fn set_holding(&self, holding: bool) {
        self.holding.store(holding, Ordering::Relaxed);
    }

    pub fn holding(&self) -> bool {
        self.holding.load(Ordering::Relaxed)
    }

    pub fn consuming(&self) -> bool {
        self.consuming.load(Ordering::Relaxed)
    }
}

#[derive(Clone)]
struct Shared {
    metrics: PrometheusHandle,
    readiness: Arc<Readiness>,
    store: Arc<dyn Store>,
    /// For its line cache's figures.
    engine: Engine,
}

/// `metrics.listen` could not be bound (taken, or not an address of this host).
#[derive(Debug, thiserror::Error)]
#[error("cannot listen on metrics.listen = {listen}: {source}")]
pub struct BindError {
    pub listen: String,
    pub source: std::io::Error,
}

/// Binds `metrics.listen`; port 0 picks a free port, which the returned listener knows.
pub async fn bind(listen: &str) -> Result<TcpListener, BindError> {
    TcpListener::bind(listen).await.map_err(|source| BindError {
        listen: listen.to_string(),
        source,
    })
}

/// Serves the endpoints until `shutdown` is cancelled.
pub async fn serve(
    listener: TcpListener,
    metrics: PrometheusHandle,
    readiness: Arc<Readiness>,
    store: Arc<dyn Store>,
    engine: Engine,
    shutdown: CancellationToken,
) -> std::io::Result<()> {
    let address: Option<SocketAddr> = listener.local_addr().ok();
    tracing::info!(address = ?address, "Serving /metrics, /healthz and /readyz.");
    let app = Router::new()
        .route("/metrics", get(render_metrics))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(ready))
        .with_state(Shared {
            metrics,
            readiness,
            store,
            engine,
        });
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown.cancelled_owned())
        .await
}

async fn render_metrics(State(shared): State<Shared>) -> impl IntoResponse {
    // The gauge says what /readyz would answer now.
    let (ready, _) = readiness(&shared).await;
    metrics::gauge!("paraprint_ready").set(if ready { 1.0 } else { 0.0 });
    if let Ok(Ok(sizes)) = tokio::time::timeout(STORE_PROBE_TIMEOUT, shared.store.size()).await {
        for (measure, value) in sizes {
            metrics::gauge!("paraprint_store_size", "measure" => measure).set(value as f64);
        }
    }
    let lines = shared.engine.line_cache();
    metrics::counter!("paraprint_line_cache_hits_total").absolute(lines.hits);
    metrics::counter!("paraprint_line_cache_misses_total").absolute(lines.misses);
    metrics::gauge!("paraprint_line_cache_bytes").set(lines.bytes as f64);
    metrics::gauge!("paraprint_line_cache_entries").set(lines.entries as f64);
    shared.metrics.run_upkeep();
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        shared.metrics.render(),
    )
}

async fn ready(State(shared): State<Shared>) -> (StatusCode, String) {
    let (ready, report) = readiness(&shared).await;
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, report)
}

/// Whether the worker is ready (consuming, and the store answers), and why in words.
async fn readiness(shared: &Shared) -> (bool, String) {
    let broker = if shared.readiness.holding() {
        "holding articles: a store call or a publish is failing and being retried".to_string()
    } else if shared.readiness.consuming() {
        "consuming".to_string()
    } else {
        "not consuming (broker unreachable, reconnecting, or shutting down)".to_string()
    };
    let store = match tokio::time::timeout(STORE_PROBE_TIMEOUT, shared.store.ping()).await {
        Ok(Ok(())) => "reachable".to_string(),
        Ok(Err(e)) => e.to_string(),
        Err(_) => "state store unavailable: no answer within 2 s".to_string(),
    };
    let ready = shared.readiness.consuming() && !shared.readiness.holding() && store == "reachable";
    let verdict = if ready { "ready" } else { "not ready" };
    (
        ready,
        format!("{verdict}\nbroker: {broker}\nstore: {store}\n"),
    )
}

//! `paraprint run`: the worker, with its metrics and health endpoints, until a signal.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use metrics_exporter_prometheus::PrometheusHandle;
use tokio_util::sync::CancellationToken;

use crate::cleaner::Cleaner;
use crate::config::Settings;
use crate::store::{Store, SystemClock};
use crate::telemetry::server::{self, Readiness};

/// Runs until SIGTERM or SIGINT; fails only for what retrying cannot fix (the store cannot be
/// opened, `metrics.listen` cannot be bound, the broker refused the topology).
pub async fn main(settings: Settings) -> anyhow::Result<ExitCode> {
    let shutdown = CancellationToken::new();
    tokio::spawn(on_signals(shutdown.clone()));
    // Installed first: the series handles the cleaner and the worker resolve once are then real.
    let recorder = (!settings.metrics.listen.is_empty()).then(|| {
        let handle = crate::telemetry::metrics::install();
        tokio::spawn(upkeep(handle.clone(), shutdown.clone()));
        handle
    });
    let cleaner = Cleaner::from_settings(&settings, Arc::new(SystemClock))?;
    check_store(&settings, cleaner.store().as_ref()).await?;
    let readiness = Arc::new(Readiness::default());
    let server = if let Some(recorder) = recorder {
        let listener = server::bind(&settings.metrics.listen).await?;
        Some(tokio::spawn(server::serve(
            listener,
            recorder,
            readiness.clone(),
            cleaner.store().clone(),
            cleaner.engine().clone(),
            shutdown.clone(),
        )))
    } else {
        None
    };
    let store = cleaner.store().clone();
    let result = crate::worker::run(Arc::new(settings), cleaner, readiness, shutdown.clone()).await;
    shutdown.cancel();
    // What was learned is then loaded from one snapshot at the next start, not a long log.
    match store.checkpoint().await {
        Ok(()) => tracing::info!("State checkpointed."),
        Err(e) => {
            tracing::warn!(error = %e, "Could not checkpoint the state; the next start replays its log.")
        }
    }
    if let Some(server) = server {
        let _ = server.await;
    }
    result?;
    Ok(ExitCode::SUCCESS)
}

/// The store at start: one that refuses its credentials never will accept them (exit 2,
/// naming the setting); one that is down may come back, so the worker starts not ready
/// (`/readyz` 503, `paraprint_ready` 0), holds every delivery until it answers, and says so.
async fn check_store(settings: &Settings, store: &dyn Store) -> anyhow::Result<()> {
    let timeout = Duration::from_millis(settings.store.redis_timeout_ms.max(1));
    match tokio::time::timeout(timeout, store.ping()).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) if e.refused_credentials() => anyhow::bail!(
            "store.redis_url: the store refused the credentials ({}): {e}",
            crate::config::redact_url(&settings.store.redis_url)
        ),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "The state store does not answer at start: not ready, holding articles until it does.");
            Ok(())
        }
        Err(_) => {
            tracing::error!(
                timeout_ms = timeout.as_millis() as u64,
                "The state store does not answer at start: not ready, holding articles until it does."
            );
            Ok(())
        }
    }
}

/// Folds the histograms' samples into their buckets every few seconds. Each sample is kept until
/// then, and scrapes do it too, but a worker nobody scrapes would otherwise grow by every
/// sample it ever recorded.
async fn upkeep(recorder: PrometheusHandle, shutdown: CancellationToken) {
    let mut every = tokio::time::interval(Duration::from_secs(5));
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = every.tick() => recorder.run_upkeep(),
            _ = shutdown.cancelled() => return,
        }
    }
}

/// First SIGTERM or SIGINT: graceful shutdown. Second: exit at once.
async fn on_signals(shutdown: CancellationToken) {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        tracing::error!("Cannot install signal handlers; SIGTERM will not shut down gracefully.");
        return;
    };
    tokio::select! { _ = term.recv() => {}, _ = int.recv() => {} }
    tracing::info!("Signal received: shutting down (a second signal exits at once).");
    shutdown.cancel();
    tokio::select! { _ = term.recv() => {}, _ = int.recv() => {} }
    tracing::warn!("Second signal: exiting at once; unacked articles go back to the queue.");
    std::process::exit(130);
}

//! Prometheus metrics: the recorder behind the `metrics` facade, the series paraprint
//! records, and bounded per-source labels.
//!
//! Code anywhere in the crate records through `metrics::counter!` and friends; without an
//! installed recorder (tests, offline commands) those calls cost nothing.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use metrics::{
    Counter, Gauge, Histogram, SharedString, Unit, describe_counter, describe_gauge,
    describe_histogram,
};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

/// Latency buckets, in seconds: a store or publish round trip on a LAN is a millisecond or
/// two; anything near the top bucket is an outage being retried.
const LATENCY_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// The label value for sources past the cap.
pub const OTHER_SOURCE: &str = "other";

/// Installs the Prometheus recorder (once per process) and returns the handle that renders it.
pub fn install() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let handle = PrometheusBuilder::new()
                .set_buckets(LATENCY_BUCKETS)
                .expect("non-empty buckets")
                .install_recorder()
                .expect("no other metrics recorder is installed");
            describe();
            zeroes();
            handle
        })
        .clone()
}

/// Every error counter and the readiness gauge exported from the start, at 0, so an alert on
/// a rate or on `paraprint_ready == 0` works before the first event.
fn zeroes() {
    for code in crate::article::ErrorCode::ALL {
        metrics::counter!("paraprint_dead_letters_total", "code" => code.as_str()).absolute(0);
    }
    for kind in ["nacked", "returned"] {
        metrics::counter!("paraprint_publish_failures_total", "kind" => kind).absolute(0);
    }
    for name in [
        "paraprint_store_failures_total",
        "paraprint_reconnects_total",
        "paraprint_crashes_total",
        "paraprint_html_extraction_empty_total",
        "paraprint_store_data_errors_total",
    ] {
        metrics::counter!(name).absolute(0);
    }
    metrics::gauge!("paraprint_ready").set(0.0);
}

fn describe() {
    describe_counter!(
        "paraprint_articles_received_total",
        "Deliveries taken from the input queue, redeliveries included."
    );
    describe_counter!(
        "paraprint_redelivered_total",
        "Deliveries the broker marked as redelivered."
    );
    describe_counter!(
        "paraprint_articles_total",
        "Articles published and acked, by status (clean, duplicate) and source."
    );
    describe_counter!(
        "paraprint_paragraphs_kept_total",
        "Paragraphs kept in published records, by source."
    );
    describe_counter!(
        "paraprint_paragraphs_dropped_total",
        "Paragraphs dropped from published records, by reason, rule and source."
    );
    describe_counter!(
        "paraprint_html_extraction_empty_total",
        "HTML articles whose body shows words but whose extraction found no paragraph (a bug: \
         each is also logged at warn with its id)."
    );
    describe_counter!(
        "paraprint_dead_letters_total",
        "Messages dead-lettered, by error code."
    );
    describe_counter!(
        "paraprint_publish_failures_total",
        "Publishes nacked or returned by the broker (each retried), by kind."
    );
    describe_counter!(
        "paraprint_store_failures_total",
        "State store calls that failed (each retried)."
    );
    describe_counter!(
        "paraprint_store_data_errors_total",
        "Remembered outcomes that could not be read back (the article was decided again)."
    );
    describe_counter!(
        "paraprint_reconnects_total",
        "Broker sessions lost and reconnected."
    );
    describe_counter!(
        "paraprint_crashes_total",
        "Deliveries whose handling panicked (rejected to the delivery limit)."
    );
    describe_gauge!("paraprint_in_flight", "Deliveries being processed now.");
    describe_gauge!(
        "paraprint_ready",
        "1 while consuming with the broker and the store reachable (as /readyz answers 200), \
         else 0; read at each scrape."
    );
    describe_gauge!(
        "paraprint_store_size",
        "Size of the state store, by measure (entries of each kind, or bytes)."
    );
    describe_counter!(
        "paraprint_line_cache_hits_total",
        "Lines whose keys and shape the line cache remembered (limits.line_cache_bytes)."
    );
    describe_counter!(
        "paraprint_line_cache_misses_total",
        "Lines the engine derived because the line cache did not hold them."
    );
    describe_gauge!(
        "paraprint_line_cache_bytes",
        "Bytes the line cache holds, as its budget counts them (lines plus a per-entry overhead)."
    );
    describe_gauge!(
        "paraprint_line_cache_entries",
        "Lines the line cache holds."
    );
    describe_histogram!(
        "paraprint_article_seconds",
        Unit::Seconds,
        "From taking a delivery to acking it."
    );
    describe_histogram!(
        "paraprint_publish_confirm_seconds",
        Unit::Seconds,
        "From publishing a record or dead letter to the broker's confirm."
    );
    describe_histogram!(
        "paraprint_store_seconds",
        Unit::Seconds,
        "One state store call (observe or remember)."
    );
}

/// The worker's own series, resolved once: recording through a handle is an atomic operation,
/// where `counter!` and friends look the series up in the registry (hashing its name and labels,
/// allocating label values) at every call. Resolve them after [`install`]: handles taken
/// without a recorder record nothing.
pub struct WorkerSeries {
    pub received: Counter,
    pub redelivered: Counter,
    pub in_flight: Gauge,
    pub article_seconds: Histogram,
    pub publish_confirm_seconds: Histogram,
    sources: SourceSeries,
}

impl WorkerSeries {
    pub fn new(source_limit: usize) -> WorkerSeries {
        WorkerSeries {
            received: metrics::counter!("paraprint_articles_received_total"),
            redelivered: metrics::counter!("paraprint_redelivered_total"),
            in_flight: metrics::gauge!("paraprint_in_flight"),
            article_seconds: metrics::histogram!("paraprint_article_seconds"),
            publish_confirm_seconds: metrics::histogram!("paraprint_publish_confirm_seconds"),
            sources: SourceSeries {
                limit: source_limit,
                named: Mutex::new(HashMap::new()),
                other: OnceLock::new(),
            },
        }
    }

    /// The series of one source (of [`OTHER_SOURCE`] past `metrics.source_labels` sources).
    pub fn source(&self, source: &str) -> Arc<Source> {
        self.sources.get(source)
    }
}

/// Per-source series with bounded cardinality: the first `limit` sources seen get their own
/// label value, every later one is [`OTHER_SOURCE`].
struct SourceSeries {
    limit: usize,
    named: Mutex<HashMap<String, Arc<Source>>>,
    other: OnceLock<Arc<Source>>,
}

impl SourceSeries {
    fn get(&self, source: &str) -> Arc<Source> {
        let mut named = self.named.lock().expect("source series lock");
        if let Some(series) = named.get(source) {
            return series.clone();
        }
        if named.len() < self.limit {
            let series = Arc::new(Source::new(source));
            named.insert(source.to_string(), series.clone());
            return series;
        }
        drop(named);
        self.other
            .get_or_init(|| Arc::new(Source::new(OTHER_SOURCE)))
            .clone()
    }
}

/// One source's series.
pub struct Source {
    label: SharedString,
    clean: Counter,
    duplicate: Counter,
    kept: Counter,
    /// By (reason, rule): resolved when first met.
    dropped: Mutex<HashMap<(&'static str, &'static str), Counter>>,
}

impl Source {
    fn new(label: &str) -> Source {
        let label = SharedString::from(label.to_string());
        let articles = |status: &'static str| metrics::counter!("paraprint_articles_total", "status" => status, "source" => label.clone());
        Source {
            clean: articles("clean"),
            duplicate: articles("duplicate"),
            kept: metrics::counter!("paraprint_paragraphs_kept_total", "source" => label.clone()),
            dropped: Mutex::new(HashMap::new()),
            label,
        }
    }

    /// The label value: the source's name, or [`OTHER_SOURCE`].
    pub fn label(&self) -> &str {
        &self.label
    }

    /// One published article: its status, the paragraphs it kept, and each dropped one's reason
    /// and rule.
    pub fn count(
        &self,
        duplicate: bool,
        kept: usize,
        dropped: impl Iterator<Item = (&'static str, &'static str)>,
    ) {
        if duplicate {
            &self.duplicate
        } else {
            &self.clean
        }
        .increment(1);
        self.kept.increment(kept as u64);
        let mut series = self.dropped.lock().expect("dropped series lock");
        for (reason, rule) in dropped {
            series
                .entry((reason, rule))
                .or_insert_with(|| {
                    metrics::counter!(
                        "paraprint_paragraphs_dropped_total",
                        "reason" => reason,
                        "rule" => rule,
                        "source" => self.label.clone()
                    )
                })
                .increment(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_past_the_limit_are_other() {
        let series = WorkerSeries::new(2);
        assert_eq!(series.source("a").label(), "a");
        assert_eq!(series.source("b").label(), "b");
        assert_eq!(series.source("c").label(), OTHER_SOURCE);
        assert_eq!(series.source("d").label(), OTHER_SOURCE);
        assert_eq!(series.source("a").label(), "a");
        assert!(Arc::ptr_eq(&series.source("c"), &series.source("d")));
    }
}

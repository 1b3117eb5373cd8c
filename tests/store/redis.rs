//! The shared suite against the real Redis on this machine, each test under its own random
//! key prefix, deleted when the test ends.

use std::sync::Arc;

use paraprint::config::StoreSettings;
use paraprint::store::RedisStore;

use crate::suite::{COUNT_CAP, Subject, WINDOW_MS, clock, settings};
use crate::support::redis::Namespace;

/// A Redis store on `url` (a cluster's nodes when `cluster`) under `prefix`, with `guard` kept
/// alive as long as the store is tested.
pub fn redis_subject(
    url: String,
    cluster: bool,
    prefix: String,
    tweak: impl FnOnce(&mut StoreSettings),
    guard: Box<dyn Send>,
) -> Subject {
    let clock = clock();
    let store = RedisStore::new(
        settings(|s| {
            s.redis_url = url;
            s.redis_cluster = cluster;
            s.redis_prefix = prefix;
            tweak(s)
        }),
        WINDOW_MS,
        COUNT_CAP,
        clock.clone(),
    );
    Subject {
        store: Arc::new(store),
        clock,
        _guard: guard,
    }
}

async fn single(tweak: impl FnOnce(&mut StoreSettings)) -> Subject {
    let namespace = Namespace::new();
    let (url, prefix) = (namespace.url.clone(), namespace.prefix.clone());
    redis_subject(url, false, prefix, tweak, Box::new(namespace))
}

behaviour_suite!(single);

//! The shared suite against the real Redis on this machine, each test under its own random
//! key prefix, deleted when the test ends.

use std::sync::Arc;

use paraprint::config::StoreSettings;
use paraprint::store::RedisStore;

use crate::suite::{COUNT_CAP, Subject, WINDOW_MS, clock, settings};
use crate::support::redis::Namespace;

async fn single(tweak: impl FnOnce(&mut StoreSettings)) -> Subject {
    let namespace = Namespace::new();
    let clock = clock();
    let store = RedisStore::new(
        settings(|s| {
            s.redis_url = namespace.url.clone();
            s.redis_prefix = namespace.prefix.clone();
            tweak(s)
        }),
        WINDOW_MS,
        COUNT_CAP,
        clock.clone(),
    );
    Subject {
        store: Arc::new(store),
        clock,
        _guard: Box::new(namespace),
    }
}

behaviour_suite!(single);

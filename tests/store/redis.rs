//! The shared suite against the real Redis on this machine, each test under its own random
//! key prefix, deleted when the test ends.

use std::sync::Arc;

use paraprint::config::StoreSettings;
use paraprint::store::RedisStore;

use crate::suite::{COUNT_CAP, Subject, WINDOW_MS, clock, settings};

pub fn redis_url() -> String {
    std::env::var("PARAPRINT_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379/0".into())
}

/// Fails the test, saying how to start Redis, if it does not answer.
pub fn require_redis(url: &str) {
    let client = ::redis::Client::open(url).unwrap();
    if let Err(e) = client
        .get_connection()
        .and_then(|mut c| ::redis::cmd("PING").query::<String>(&mut c))
    {
        panic!(
            "Redis is not reachable at {url}: {e}. Start it with `redis-server --daemonize yes \
             --bind 127.0.0.1 -::1 --port 6379 --save \"\" --appendonly no` (or point \
             PARAPRINT_TEST_REDIS_URL at one)."
        );
    }
}

/// Deletes every key under a prefix when dropped.
pub struct Keys {
    pub url: String,
    pub prefix: String,
}

impl Drop for Keys {
    fn drop(&mut self) {
        let Ok(client) = ::redis::Client::open(self.url.as_str()) else {
            return;
        };
        let Ok(mut conn) = client.get_connection() else {
            return;
        };
        let pattern = format!("{{{}:*", self.prefix);
        let keys: Vec<Vec<u8>> = ::redis::cmd("KEYS")
            .arg(&pattern)
            .query(&mut conn)
            .unwrap_or_default();
        for chunk in keys.chunks(500) {
            let _: Result<(), _> = ::redis::cmd("DEL").arg(chunk).query(&mut conn);
        }
    }
}

pub fn random_prefix() -> String {
    format!("pptest{:016x}", rand::random::<u64>())
}

async fn single(tweak: impl FnOnce(&mut StoreSettings)) -> Subject {
    let url = redis_url();
    require_redis(&url);
    let prefix = random_prefix();
    let clock = clock();
    let store = RedisStore::new(
        settings(|s| {
            s.redis_url = url.clone();
            s.redis_prefix = prefix.clone();
            tweak(s)
        }),
        WINDOW_MS,
        COUNT_CAP,
        clock.clone(),
    );
    Subject {
        store: Arc::new(store),
        clock,
        _guard: Box::new(Keys { url, prefix }),
    }
}

behaviour_suite!(single);

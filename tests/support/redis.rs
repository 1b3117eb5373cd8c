//! Redis for tests: the address, a loud failure when it is down, and a random key prefix whose
//! keys are deleted when the test ends.

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

/// A random key prefix on one Redis; its keys are deleted when dropped.
pub struct Namespace {
    pub url: String,
    pub prefix: String,
}

impl Namespace {
    pub fn new() -> Namespace {
        let url = redis_url();
        require_redis(&url);
        Namespace {
            url,
            prefix: random_prefix(),
        }
    }
}

pub fn random_prefix() -> String {
    format!("pptest{:016x}", rand::random::<u64>())
}

impl Drop for Namespace {
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

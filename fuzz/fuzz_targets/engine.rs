//! The whole engine with its store: up to four messages per input (split on the byte 0x1E, the
//! ASCII record separator), cleaned one after another by one cleaner created once, so the
//! embedded store's state carries across messages and across inputs. Each message must end as a
//! record (whose JSON is built) or as an input error; any other error, or a panic, is a finding.
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use paraprint::cleaner::{CleanError, Cleaner};
use paraprint::config;
use paraprint::store::ManualClock;

/// 2026-01-01T00:00:00Z, as in tests/common.
const START_MS: u64 = 1_767_225_600_000;
/// Separates the messages of one input.
const SEPARATOR: u8 = 0x1E;
const MAX_MESSAGES: usize = 4;

struct Harness {
    cleaner: Cleaner,
    runtime: tokio::runtime::Runtime,
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let mut settings = config::load_from(None, Vec::new())
            .expect("defaults load")
            .settings;
        // The embedded store, in memory.
        settings.store.path = String::new();
        let cleaner = Cleaner::from_settings(&settings, Arc::new(ManualClock::new(START_MS)))
            .expect("the embedded store opens");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a current-thread runtime");
        Harness { cleaner, runtime }
    })
}

fuzz_target!(|data: &[u8]| {
    let Harness { cleaner, runtime } = harness();
    for message in data.splitn(MAX_MESSAGES, |&b| b == SEPARATOR) {
        match runtime.block_on(cleaner.clean(message)) {
            Ok(cleaned) => {
                let record = cleaner.record(&cleaned).to_json();
                if let Err(e) = serde_json::from_slice::<serde_json::Value>(&record) {
                    panic!(
                        "a record that is not JSON ({e}): {}",
                        String::from_utf8_lossy(&record)
                    );
                }
            }
            Err(CleanError::Input(_)) => {}
            Err(e) => panic!("not an input error: {e}"),
        }
    }
});

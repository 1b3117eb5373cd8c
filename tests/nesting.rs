//! Pages nested as deep as the message size limit allows, one per nesting construct of the HTML
//! standard (`tests/common/nesting.rs`), through the cleaner on a thread with a small stack:
//! nothing recurses with the input's depth, so each ends as a record or an input error with
//! its code. A stack overflow aborts this test binary. Time is not asserted (that is for
//! benchmarks, RELIABILITY.md "Nesting"); the test's own completion bounds it.

mod common;

use common::nasty::LIMIT;
use common::nesting::{CONSTRUCTS, message};
use paraprint::cleaner::CleanError;

/// Stack for the cleaning thread: far below what any recursion over these pages would need,
/// ample for the engine's own frames in a debug build.
const STACK_BYTES: usize = 1024 * 1024;

#[test]
fn every_nesting_construct_at_the_size_limit_ends_in_bounded_stack() {
    let (cleaner, _) = common::cleaner();
    let cleaner = std::sync::Arc::new(cleaner);
    for &(name, unit) in CONSTRUCTS {
        let bytes = message(name, unit, LIMIT);
        let cleaner = cleaner.clone();
        let start = std::time::Instant::now();
        let end = std::thread::Builder::new()
            .stack_size(STACK_BYTES)
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .build()
                    .unwrap();
                match runtime.block_on(cleaner.clean(&bytes)) {
                    Ok(cleaned) => {
                        let record = cleaner.record(&cleaned).to_json();
                        serde_json::from_slice::<serde_json::Value>(&record).unwrap();
                        "record".to_string()
                    }
                    Err(CleanError::Input(e)) => e.code.as_str().to_string(),
                    Err(e) => panic!("not an input error: {e}"),
                }
            })
            .unwrap()
            .join()
            .unwrap_or_else(|_| panic!("{name}: the cleaner panicked"));
        assert!(
            end == "record" || end == "too_large",
            "{name}: ended as {end}"
        );
        eprintln!("NESTING {name:?} -> {end} in {:?}", start.elapsed());
    }
}

//! One behaviour suite, run against every store backend: embedded in memory, embedded on disk,
//! Redis, and a real three-master Redis Cluster started by the test. Backend-specific tests
//! (durability, global caps) sit beside it.

#[path = "../common/mod.rs"]
mod common;
#[path = "../support/mod.rs"]
mod support;

#[macro_use]
mod suite;
mod cluster;
mod embedded;
mod redis;

//! The worker against the real RabbitMQ on this machine. Each test owns random names and
//! deletes them when it ends. Tests that restart the broker live in `tests/restarts`.

#[path = "../common/mod.rs"]
mod common;
#[path = "../support/mod.rs"]
mod support;

mod audit;
mod hostile;
mod nesting;
mod operating;
mod redrive;
mod scaling;
mod versions;
mod worker;

//! Everything that speaks AMQP. The rest of paraprint sees sessions, messages taken from queues,
//! messages to publish, and errors that say what the broker did; lapin stays in here.
//!
//! - `connect.rs`: connecting (failover, heartbeats, TLS) and closing;
//! - `topology.rs`: exchanges, queues, bindings and their arguments;
//! - `session.rs`: the worker's consuming session and its connection events;
//! - `client.rs`: the commands' connection (`basic.get`, publishers);
//! - `inbound.rs`: a message taken from a queue, and settling it;
//! - `publish.rs`: publishing with confirms;
//! - `message.rs`: articles and records as messages, with their headers;
//! - `dead_letter.rs`: dead letters, their headers and codes, and redriving them.
//!
//! Nothing here decides what happens to a message; it reports what the broker said, as errors
//! the worker branches on.

mod client;
mod connect;
mod dead_letter;
mod inbound;
mod message;
mod publish;
mod session;
mod topology;

pub use client::{Client, ready_count};
pub use connect::connect;
pub use dead_letter::{
    BROKER_REASONS, DEAD_LETTER_HEADERS, ERROR_HEADER, ERROR_MESSAGE_HEADER, UNMARKED, code_of,
};
pub use inbound::{Held, Inbound};
pub use message::{
    CLEAN_ROUTING_KEY, DROPPED_HEADER, DUPLICATE_ROUTING_KEY, FORMAT_HEADER, KEPT_HEADER, Message,
    STATUS_HEADER, persistent, record_routing_key,
};
pub use publish::{PublishError, Publisher};
pub use session::{Consumer, OpenError, Session};
pub use topology::{TopologyError, declare_topology, input_queue_arguments};

/// What the broker client reports: a connection or channel lost, or a refusal.
pub type Error = lapin::Error;

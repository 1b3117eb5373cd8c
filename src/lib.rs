//! paraprint: a streaming ingestion worker that splits raw news articles into paragraphs,
//! fingerprints each normalized paragraph with SHA-256, and drops what a reader should never see
//! twice — a paragraph repeated inside an article, a publisher's syndication boilerplate, a whole
//! article that copies one already published.
//!
//! # Layout
//! - [`article`]: wire types, the raw article in and the clean record out, and input errors.
//! - [`clean`]: the engine — paragraphs, keys, decisions. Pure: no I/O, no async.
//! - [`store`]: the state the decisions need, behind one async trait, and its backends.
//! - [`cleaner`]: the three steps (prepare, store, decide) as the commands run them.
//! - [`config`]: settings in layers (built-in defaults, a file, environment variables).
//! - [`eval`]: cleaning quality scored against labelled truth.
//! - [`page`]: what an article says about itself (date, authors, headline, language).
//! - [`audit`]: the delivery promise checked from what went in and what came out.
//! - [`broker`]: everything that speaks AMQP; no other module talks to the broker client.
//! - [`worker`]: the consuming loop, from delivery to ack, and what each failure leads to.
//! - [`commands`]: the subcommands `main.rs` dispatches to, one file each.
//! - [`telemetry`]: logs, metrics and the HTTP endpoints.

#![forbid(unsafe_code)]

pub mod article;
pub mod audit;
pub mod broker;
pub mod clean;
pub mod cleaner;
pub mod commands;
pub mod config;
pub mod eval;
pub mod page;
pub mod store;
pub mod telemetry;
pub mod worker;

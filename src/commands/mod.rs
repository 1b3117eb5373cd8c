//! The subcommands, one file each, and `input.rs` for what the file-reading ones share. Each
//! has a `main` that the binary calls with the settings and the command line's arguments; the
//! work itself takes its settings and its input and output streams as arguments, so tests run
//! it without a process.

use std::path::Path;

use crate::config::{Settings, StoreBackend};

pub mod audit;
pub mod clean;
pub mod eval;
pub mod health;
pub mod input;
pub mod publish;
pub mod redrive;
pub mod run;
pub mod show_config;
pub mod state;

/// Points the settings at the embedded store in `folder`, or at a fresh in-memory one.
pub fn use_embedded_store(settings: &mut Settings, folder: Option<&Path>) {
    settings.store.backend = StoreBackend::Embedded;
    settings.store.path = folder.map(|p| p.display().to_string()).unwrap_or_default();
}

//! The subcommands. Each takes its settings and its input and output streams as arguments, so
//! tests run them without a process.

pub mod audit;
pub mod clean;
pub mod eval;
pub mod health;
pub mod publish;
pub mod redrive;
pub mod show_config;
pub mod state;

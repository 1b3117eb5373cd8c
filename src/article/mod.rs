//! Wire types: the raw article that comes in, and the clean record that goes out.
//!
//! Fields the engine does not read are carried through as the exact JSON text they arrived
//! as (`RawValue`), so key order and number text (`1.0`, `1e3`, 20-digit ids) survive.
//!
//! The raw article and its parsing are in `raw.rs`, input errors in `error.rs`, the clean
//! record and its JSON in `record.rs`.

mod error;
mod raw;
mod record;

pub use error::{ErrorCode, InputError};
pub use raw::{ContentType, MAX_ID_BYTES, MAX_NESTING, RESERVED_FIELDS, RawArticle};
pub use record::{CleanRecord, Counts, DroppedEntry, RECORD_FORMAT, Status};

#[cfg(test)]
mod tests;

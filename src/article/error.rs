//! Why an input cannot be processed: the stable error codes and the error that carries one.

use std::fmt;

/// Why an input cannot be processed. Each code is stable: it is the `x-paraprint-error` header
/// of the dead letter, and what `clean` prints for a bad line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    MalformedJson,
    InvalidUtf8,
    MissingField,
    InvalidField,
    TooLarge,
    UnsupportedContentType,
    EmptyBody,
    /// The state store holds data for this article that cannot be read (another program
    /// wrote its keys): no retry changes that. Redrive once the store is repaired.
    StoreData,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 8] = [
        ErrorCode::MalformedJson,
        ErrorCode::InvalidUtf8,
        ErrorCode::MissingField,
        ErrorCode::InvalidField,
        ErrorCode::TooLarge,
        ErrorCode::UnsupportedContentType,
        ErrorCode::EmptyBody,
        ErrorCode::StoreData,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::MalformedJson => "malformed_json",
            ErrorCode::InvalidUtf8 => "invalid_utf8",
            ErrorCode::MissingField => "missing_field",
            ErrorCode::InvalidField => "invalid_field",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::UnsupportedContentType => "unsupported_content_type",
            ErrorCode::EmptyBody => "empty_body",
            ErrorCode::StoreData => "store_data",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An input that can never be processed: it becomes a dead letter, never a retry.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct InputError {
    pub code: ErrorCode,
    /// For a person: which field, what was expected, what was found.
    pub message: String,
}

impl InputError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        InputError {
            code,
            message: message.into(),
        }
    }
}

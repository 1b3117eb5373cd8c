//! CA bundles for `amqps://` and `rediss://`, checked when read.

/// A CA bundle a setting names that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum CaFileError {
    #[error("{key}: cannot read CA file {path}: {source}")]
    Unreadable {
        key: String,
        path: String,
        source: std::io::Error,
    },
    #[error("{key}: CA file {path} holds no PEM certificate (no -----BEGIN CERTIFICATE----- line)")]
    NoCertificate { key: String, path: String },
}

/// Reads the PEM CA bundle that configuration key `key` names. The error names the key and the
/// file; a file without any certificate is an error too, rather than a later "certificate not
/// trusted" that hides the cause.
pub fn read_ca_file(key: &str, path: &str) -> Result<Vec<u8>, CaFileError> {
    const MARKER: &[u8] = b"-----BEGIN CERTIFICATE-----";
    let pem = std::fs::read(path).map_err(|source| CaFileError::Unreadable {
        key: key.to_string(),
        path: path.to_string(),
        source,
    })?;
    if !pem.windows(MARKER.len()).any(|w| w == MARKER) {
        return Err(CaFileError::NoCertificate {
            key: key.to_string(),
            path: path.to_string(),
        });
    }
    Ok(pem)
}

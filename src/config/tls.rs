//! CA bundles for `amqps://` and `rediss://`, checked when read.

/// Reads the PEM CA bundle that configuration key `key` names. The error names the key and the
/// file; a file without any certificate is an error too, rather than a later "certificate not
/// trusted" that hides the cause.
pub fn read_ca_file(key: &str, path: &str) -> Result<Vec<u8>, String> {
    const MARKER: &[u8] = b"-----BEGIN CERTIFICATE-----";
    let pem = std::fs::read(path).map_err(|e| format!("{key}: cannot read CA file {path}: {e}"))?;
    if !pem.windows(MARKER.len()).any(|w| w == MARKER) {
        return Err(format!(
            "{key}: CA file {path} holds no PEM certificate (no -----BEGIN CERTIFICATE----- line)"
        ));
    }
    Ok(pem)
}

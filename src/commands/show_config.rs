//! `paraprint config`: the effective configuration, after every layer.

use std::io::Write;

use crate::config::Settings;

pub fn run(settings: &Settings, out: &mut impl Write) -> anyhow::Result<()> {
    // No setting holds a secret yet; URLs with credentials will be redacted here.
    let text = toml::to_string(settings)?;
    out.write_all(text.as_bytes())?;
    Ok(())
}

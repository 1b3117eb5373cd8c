//! `paraprint config`: the effective configuration, after every layer.

use std::io::Write;

use crate::config::Settings;

pub fn run(settings: &Settings, out: &mut impl Write) -> anyhow::Result<()> {
    out.write_all(settings.redacted_toml().as_bytes())?;
    Ok(())
}

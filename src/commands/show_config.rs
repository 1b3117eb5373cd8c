//! `paraprint config`: the effective configuration, after every layer.

use std::io::Write;
use std::process::ExitCode;

use crate::config::Settings;

pub fn main(settings: &Settings) -> anyhow::Result<ExitCode> {
    run(settings, &mut std::io::stdout().lock())?;
    Ok(ExitCode::SUCCESS)
}

pub fn run(settings: &Settings, out: &mut impl Write) -> anyhow::Result<()> {
    out.write_all(settings.redacted_toml().as_bytes())?;
    Ok(())
}

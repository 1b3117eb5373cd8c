//! Settings as they may be shown: every URL's password replaced.

use super::Settings;

impl Settings {
    /// The settings as TOML, with the password of every URL replaced by `***`.
    pub fn redacted_toml(&self) -> String {
        let mut copy = self.clone();
        copy.amqp.url = redact_url(&copy.amqp.url);
        for url in &mut copy.amqp.failover_urls {
            *url = redact_url(url);
        }
        copy.store.redis_url = copy
            .store
            .redis_url
            .split(',')
            .map(redact_url)
            .collect::<Vec<_>>()
            .join(",");
        toml::to_string(&copy).expect("settings serialize")
    }
}

/// `scheme://user:secret@host/…` → `scheme://user:***@host/…`; anything else unchanged.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}{path}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

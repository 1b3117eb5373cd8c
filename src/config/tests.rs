//! Loading, validation and redaction tests.

use super::*;

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn url_passwords_are_redacted() {
    assert_eq!(
        redact_url("amqp://guest:s3cr@t@10.0.0.1:5672/%2f"),
        "amqp://guest:***@10.0.0.1:5672/%2f"
    );
    assert_eq!(
        redact_url("redis://127.0.0.1:6379/0"),
        "redis://127.0.0.1:6379/0"
    );
    let loaded = load_from(None, env(&[])).unwrap();
    assert!(
        loaded
            .settings
            .redacted_toml()
            .contains("guest:***@127.0.0.1")
    );
}

#[test]
fn failover_urls_come_from_a_comma_list_and_are_redacted() {
    let loaded = load_from(
        None,
        env(&[(
            "PARAPRINT_AMQP__FAILOVER_URLS",
            "amqp://u:Secret1@node2:5672/%2f,amqp://u:Secret2@node3:5672/%2f",
        )]),
    )
    .unwrap();
    assert_eq!(loaded.settings.amqp.failover_urls.len(), 2);
    let shown = loaded.settings.redacted_toml();
    assert!(shown.contains("u:***@node3"), "{shown}");
    assert!(!shown.contains("Secret"), "{shown}");
}

#[test]
fn defaults_load() {
    let loaded = load_from(None, env(&[])).unwrap();
    assert_eq!(loaded.settings.boilerplate.min_articles, 3);
    assert_eq!(loaded.settings.store.backend, StoreBackend::Embedded);
}

#[test]
fn environment_overrides_and_unknown_variables_warn() {
    let loaded = load_from(
        None,
        env(&[
            ("PARAPRINT_BOILERPLATE__MIN_ARTICLES", "5"),
            ("PARAPRINT_BOILERPLATE__MARKERS", "footer,see also"),
            ("PARAPRINT_SERVICE_HOST", "10.0.0.1"),
        ]),
    )
    .unwrap();
    assert_eq!(loaded.settings.boilerplate.min_articles, 5);
    assert_eq!(loaded.settings.boilerplate.markers, ["footer", "see also"]);
    assert_eq!(loaded.warnings.len(), 1);
    assert!(loaded.warnings[0].contains("PARAPRINT_SERVICE_HOST"));
}

#[test]
fn unknown_file_key_names_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.toml");
    std::fs::write(&path, "[boilerplate]\nmin_artciles = 4\n").unwrap();
    let err = load_from(Some(&path), env(&[])).err().unwrap();
    assert!(
        err.to_string().contains("`boilerplate.min_artciles`"),
        "{err}"
    );
}

#[test]
fn file_overrides_defaults_and_is_validated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.toml");
    std::fs::write(&path, "[copies]\ncontainment = 0.9\n").unwrap();
    let loaded = load_from(Some(&path), env(&[])).unwrap();
    assert_eq!(loaded.settings.copies.containment, 0.9);
    std::fs::write(&path, "[copies]\ncontainment = 1.5\n").unwrap();
    assert!(load_from(Some(&path), env(&[])).is_err());
}

#[test]
fn a_variable_meant_as_a_key_that_names_none_is_an_error_naming_the_closest() {
    for (name, closest) in [
        ("PARAPRINT_AMQP_URL", "PARAPRINT_AMQP__URL (amqp.url)"),
        (
            "PARAPRINT_STOR__BACKEND",
            "PARAPRINT_STORE__BACKEND (store.backend)",
        ),
        (
            "PARAPRINT_AMQP__PREFECH",
            "PARAPRINT_AMQP__PREFETCH (amqp.prefetch)",
        ),
    ] {
        let err = load_from(None, env(&[(name, "x")])).err().unwrap();
        assert!(
            err.to_string().contains(&format!(
                "{name} names no configuration key; did you mean {closest}?"
            )),
            "{err}"
        );
    }
    // Orchestrators' names for a service called paraprint, paraprint-store …, and other
    // tools' names: warnings.
    let loaded = load_from(
        None,
        env(&[
            ("PARAPRINT_STORE_SERVICE_HOST", "10.0.0.2"),
            ("PARAPRINT_STORE_PORT_6379_TCP_ADDR", "10.0.0.2"),
            ("PARAPRINT_PORT", "tcp://10.0.0.1:9090"),
            ("PARAPRINT_TEST_AMQP_URL", "amqp://x"),
        ]),
    )
    .unwrap();
    assert_eq!(loaded.warnings.len(), 4, "{:?}", loaded.warnings);
}

#[test]
fn settings_that_can_never_work_are_refused_naming_them() {
    for (name, value, says) in [
        ("PARAPRINT_AMQP__URL", "http://127.0.0.1:5672", "amqp.url"),
        ("PARAPRINT_AMQP__URL", "127.0.0.1:5672", "amqp.url"),
        (
            "PARAPRINT_LOG__LEVEL",
            "warning",
            "log.level: `warning` is not a level",
        ),
        ("PARAPRINT_LOG__LEVEL", "paraprint=loud", "log.level"),
        (
            "PARAPRINT_STORE__BACKEND",
            "postgres",
            "`postgres` is not `embedded` or `redis`",
        ),
    ] {
        let err = load_from(None, env(&[(name, value)])).err().unwrap();
        assert!(err.to_string().contains(says), "{name}={value}: {err}");
    }
    for good in [
        "info",
        "warn,paraprint=debug",
        "paraprint::worker=trace",
        "OFF",
        "",
    ] {
        assert_eq!(super::log_filter_error(good), None, "{good}");
    }
    let ok = load_from(None, env(&[("PARAPRINT_AMQP__URL", "AMQPS://h:5671/%2f")]));
    assert!(ok.is_ok());
}

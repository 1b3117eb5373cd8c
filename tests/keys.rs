//! Golden tests of key format 1. A failure here means keys changed: that is a breaking change
//! of the format (bump `KEY_FORMAT`), never a test to update in passing.

use paraprint::clean::key::shingle::shingles;
use paraprint::clean::key::{KEY_FORMAT, keys, normalize};
use proptest::prelude::*;

/// (input, normalized text, content key hex, template key hex)
const GOLDEN: &[(&str, &str, &str, &str)] = &[
    (
        "“Hello,” she said — ‘it’s’ fine…",
        "hello she said it s fine",
        "e71440f5e1c60cf7eb66ffdfff5d77e8a824472d3c572fdf6d3fa70efc56e52e",
        "e71440f5e1c60cf7eb66ffdfff5d77e8a824472d3c572fdf6d3fa70efc56e52e",
    ),
    (
        "\"Hello,\" she said - 'it's' fine...",
        "hello she said it s fine",
        "e71440f5e1c60cf7eb66ffdfff5d77e8a824472d3c572fdf6d3fa70efc56e52e",
        "e71440f5e1c60cf7eb66ffdfff5d77e8a824472d3c572fdf6d3fa70efc56e52e",
    ),
    (
        "a\u{00A0}b",
        "a b",
        "c8687a08aa5d6ed2044328fa6a697ab8e96dc34291e8c2034ae8c38e6fcc6d65",
        "c8687a08aa5d6ed2044328fa6a697ab8e96dc34291e8c2034ae8c38e6fcc6d65",
    ),
    (
        "pa\u{200B}ra\u{200D}gra\u{FEFF}ph",
        "paragraph",
        "c097a031849cabfc7d0a6f6b8b0ce812e648fdea690d40c5792a0925f320b882",
        "c097a031849cabfc7d0a6f6b8b0ce812e648fdea690d40c5792a0925f320b882",
    ),
    (
        "para\u{00AD}graph",
        "paragraph",
        "c097a031849cabfc7d0a6f6b8b0ce812e648fdea690d40c5792a0925f320b882",
        "c097a031849cabfc7d0a6f6b8b0ce812e648fdea690d40c5792a0925f320b882",
    ),
    (
        "Straße",
        "strasse",
        "16d96952087774fee069b7585d3991b24d90c181c09b2129b4908c35baa7f0c0",
        "16d96952087774fee069b7585d3991b24d90c181c09b2129b4908c35baa7f0c0",
    ),
    (
        "STRASSE",
        "strasse",
        "16d96952087774fee069b7585d3991b24d90c181c09b2129b4908c35baa7f0c0",
        "16d96952087774fee069b7585d3991b24d90c181c09b2129b4908c35baa7f0c0",
    ),
    // Full case folding is not Turkic: İ keeps its dot as U+0307, so it differs from ISTANBUL.
    (
        "İstanbul",
        "i\u{307}stanbul",
        "4a4df120f7d1f3c286f58651abfcec2aade892ace635f96f02b946c96e6e1f86",
        "4a4df120f7d1f3c286f58651abfcec2aade892ace635f96f02b946c96e6e1f86",
    ),
    (
        "ISTANBUL",
        "istanbul",
        "751c59fe1fa734e61bec7c142171bfcbca97ff8223171b4bd63d8165a67a4d74",
        "751c59fe1fa734e61bec7c142171bfcbca97ff8223171b4bd63d8165a67a4d74",
    ),
    // Digits stay in the content key and share the template key.
    (
        "Page 3 of 10",
        "page 3 of 10",
        "9c15a1043aa6f471dfe2d756dfcfdb6c09074814da339f448c870a64226ca851",
        "9c3c1bef3d55c7e1f72f94f4e32ec732ebf8e3eaa836976d1b87950910c1795f",
    ),
    (
        "Page 4 of 12",
        "page 4 of 12",
        "3e6401da41a2c8b3eae6ccce34789d0d96427501420e3a2875fafde300c73436",
        "9c3c1bef3d55c7e1f72f94f4e32ec732ebf8e3eaa836976d1b87950910c1795f",
    ),
    (
        "ＡＢＣ１２３",
        "abc123",
        "6ca13d52ca70c883e0f0bb101e425a89e8624de51db2d2392593af6a84118090",
        "56abfbd7d2ea606e667945422de5a368b8b0272b8f29081cb058b594dd7e3249",
    ),
    (
        "Ⅻ ½",
        "xii 1 2",
        "0229310f7d39e0142289e1ed716dddb55b457765e500a76356792ab645c239d2",
        "9ab4abce9bf63c61fd41b319497dc936ee9c4abe38bb05fbbccd4617ee69e348",
    ),
];

#[test]
fn format_version_is_two() {
    assert_eq!(KEY_FORMAT, 2);
}

#[test]
fn golden_keys() {
    for (input, normalized, content, template) in GOLDEN {
        assert_eq!(normalize(input), *normalized, "normalize({input:?})");
        let k = keys(input).unwrap();
        assert_eq!(k.content.hex(), *content, "content key of {input:?}");
        assert_eq!(k.template.hex(), *template, "template key of {input:?}");
    }
}

#[test]
fn nothing_left_means_no_key() {
    for input in ["", "   ", "---", "“”", "\u{200B}\u{00AD}", "★ ☆ • ©"] {
        assert_eq!(keys(input), None, "{input:?}");
    }
}

proptest! {
    #[test]
    fn normalization_is_idempotent(s in any::<String>()) {
        let once = normalize(&s);
        prop_assert_eq!(normalize(&once), once);
    }

    #[test]
    fn keys_never_panic(s in any::<String>()) {
        let _ = keys(&s);
    }

    #[test]
    fn normalization_is_idempotent_on_text_like_input(
        s in r"[a-zA-Z0-9 ,.'’“”\-\u{00A0}\u{00AD}\u{200B}ßİıẞǅ½①\u{0301}\u{0308}]{0,40}"
    ) {
        let once = normalize(&s);
        prop_assert_eq!(normalize(&once), once);
    }
}

/// Word shingles are part of format 2: the same text must give the same values on every
/// worker, machine and restart, for ever (a drift re-learns every copy). Any change here is a
/// format change (bump `KEY_FORMAT`), never a test to update in passing.
#[test]
fn golden_shingles() {
    let cases: [(&str, &[u32]); 5] = [
        ("Gold rose on Monday.", &[683745378, 3672186086]),
        ("Comments", &[3026560524]),
        ("No comment", &[430567708]),
        (
            "A particularly long-winded sentence, with “quotes”.",
            &[2893230400, 1782956210, 1442371504, 1850001562, 3250443311],
        ),
        (
            "日本語の文章",
            &[1287093834, 2560600135, 3215789829, 3508003967],
        ),
    ];
    for (input, expected) in cases {
        let got = shingles(&normalize(input));
        assert_eq!(got, expected, "shingles of {input:?}");
    }
}

//! The engine end to end through the embedded store: the behaviours DESIGN.md promises.

mod common;

use common::*;
use paraprint::article::ErrorCode;
use paraprint::cleaner::CleanError;
use serde_json::{Value, json};

#[tokio::test]
async fn seed_comes_out_as_its_nine_news_paragraphs() {
    let (cleaner, _) = cleaner();
    let rec = record(&cleaner, &seed()).await;
    let text = fixture("seed-menafn.txt");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(kept(&rec), lines[1..=9].to_vec());
    assert_eq!(rec["status"], "clean");

    let drops = drops(&rec);
    assert_eq!(drops[0], (0, "title_echo".into(), None));
    let repeated: Vec<usize> = drops
        .iter()
        .filter(|d| d.1 == "repeated_in_article")
        .map(|d| d.0)
        .collect();
    assert_eq!(repeated, (10..=17).collect::<Vec<_>>(), "the pasted copy");
    let boilerplate: Vec<usize> = drops
        .iter()
        .filter(|d| d.1 == "boilerplate")
        .map(|d| d.0)
        .collect();
    let paragraphs = rec["counts"]["paragraphs"].as_u64().unwrap() as usize;
    assert_eq!(
        boilerplate,
        (18..paragraphs).collect::<Vec<_>>(),
        "everything after the body"
    );
    assert_eq!(rec["counts"]["kept"], 9);
    assert_eq!(rec["id"], "menafn-seed");
    assert!(rec.get("body").is_none(), "the raw body is not carried");
}

#[test]
fn no_site_specific_string_in_code_or_default_configuration() {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut files = vec![format!("{root}/config/default.toml")];
    let mut dirs = vec![format!("{root}/src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path.display().to_string());
            } else {
                files.push(path.display().to_string());
            }
        }
    }
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap().to_lowercase();
        assert!(!text.contains("menafn"), "{file} names the seed's site");
    }
}

fn disclaimer() -> Vec<String> {
    [
        "The Daily Example provides the",
        "information in this article as is, without warranty of any kind, and accepts",
        "no responsibility for the accuracy, completeness or legality of the",
        "content. Readers with complaints or copyright questions",
        "should contact the original provider.",
    ]
    .map(String::from)
    .to_vec()
}

/// Footer of article `k` in the stream: a wrapped disclaimer, a link list of the titles of up
/// to three earlier articles (so it changes from article to article), and "Comments".
fn footer(stories: &[Story], k: usize) -> Vec<String> {
    let mut lines = disclaimer();
    lines.push("Also on our site".into());
    for j in (k.saturating_sub(3)..k).rev() {
        lines.push(format!("- {}", stories[j].title));
    }
    lines.push("Comments".into());
    lines.push("No comment".into());
    lines
}

/// Real Wikinews bodies under one source, each with the same footer around them.
/// From the (N+1)-th article on the whole footer goes; no body paragraph ever does.
#[tokio::test]
async fn recurring_footer_is_learned_and_bodies_survive() {
    let (cleaner, clock) = cleaner();
    let n = settings().boilerplate.min_articles as usize;
    let stories: Vec<Story> = wikinews().into_iter().take(10).collect();
    for (k, story) in stories.iter().enumerate() {
        clock.advance_ms(60_000);
        let raw = article(&story.id, "daily.example", story, &footer(&stories, k));
        let rec = record(&cleaner, &raw).await;
        let kept = kept(&rec);
        for p in &story.paragraphs {
            assert!(
                kept.contains(p),
                "article {k} ({}) lost body paragraph {p:?}",
                story.id
            );
        }
        if k >= n {
            assert_eq!(
                kept.len(),
                story.paragraphs.len(),
                "article {k} kept footer lines: {kept:#?}"
            );
            let body_end = 1 + story.paragraphs.len();
            for (index, reason, _) in drops(&rec).into_iter().filter(|d| d.0 >= body_end) {
                assert_eq!(
                    reason, "boilerplate",
                    "footer paragraph {index} of article {k}"
                );
            }
        }
    }
}

#[tokio::test]
async fn syndicated_copy_is_a_duplicate_and_keeps_its_paragraphs() {
    let (cleaner, _) = cleaner();
    let stories = wikinews();
    let story = &stories[1];
    let original = article(&story.id, "en.wikinews.org", story, &[]);
    let first = record(&cleaner, &original).await;
    assert_eq!(first["status"], "clean");
    assert_eq!(first["duplicate_of"], Value::Null);

    // Its own footer: a line it keeps (still under 20% of its text) and a marked link list.
    let own_footer = [
        "Distributed by Syndicate Example.",
        "Related stories",
        "- Markets rally on rate hopes",
        "All rights reserved.",
    ]
    .map(String::from);
    let copy = article("copy-1", "syndicate.example", story, &own_footer);
    let rec = record(&cleaner, &copy).await;
    assert_eq!(rec["status"], "duplicate");
    assert_eq!(rec["duplicate_of"], story.id.as_str());
    let mut expected = story.paragraphs.clone();
    expected.push(own_footer[0].clone());
    assert_eq!(
        kept(&rec),
        expected,
        "the duplicate still carries its paragraphs"
    );

    // A copy whose kept text is the same as the original's has the same fingerprint.
    let copy = article("copy-2", "other.example", story, &own_footer[1..]);
    let rec = record(&cleaner, &copy).await;
    assert_eq!(rec["duplicate_of"], story.id.as_str());
    assert_eq!(
        rec["fingerprint"], first["fingerprint"],
        "same content, same fingerprint"
    );
}

#[tokio::test]
async fn a_different_story_is_not_a_copy() {
    let (cleaner, _) = cleaner();
    let stories = wikinews();
    for (i, story) in stories.iter().take(8).enumerate() {
        let rec = record(&cleaner, &article(&story.id, "en.wikinews.org", story, &[])).await;
        assert_eq!(rec["status"], "clean", "story {i}");
    }
}

/// An article, then five others that make its footer boilerplate, then the first again:
/// the second record is byte-identical, although a new article would now lose that footer.
#[tokio::test]
async fn redelivery_is_byte_identical_after_the_store_learned_more() {
    let (cleaner, clock) = cleaner();
    let stories = wikinews();
    let with_footer = |k: usize| {
        let mut footer = disclaimer();
        footer.push("Subscribe to our newsletter for more.".into());
        article(&stories[k].id, "daily.example", &stories[k], &footer)
    };
    let first = record_bytes(&cleaner, &with_footer(0)).await;
    for k in 1..=5 {
        clock.advance_ms(1000);
        record_bytes(&cleaner, &with_footer(k)).await;
    }
    clock.advance_ms(1000);
    let again = record_bytes(&cleaner, &with_footer(0)).await;
    assert_eq!(
        String::from_utf8(again).unwrap(),
        String::from_utf8(first.clone()).unwrap()
    );

    let fresh = record(&cleaner, &with_footer(6)).await;
    assert_eq!(
        kept(&fresh),
        stories[6].paragraphs,
        "the footer is boilerplate by now"
    );
    let first: Value = serde_json::from_slice(&first).unwrap();
    assert!(
        kept(&first).len() > stories[0].paragraphs.len(),
        "the first kept its footer"
    );
}

/// The same article delivered many times counts once toward boilerplate.
#[tokio::test]
async fn redeliveries_never_inflate_counts() {
    let (cleaner, _) = cleaner();
    let stories = wikinews();
    let mut footer = disclaimer();
    footer.push("Subscribe to our newsletter for more.".into());
    let raw = article(&stories[0].id, "daily.example", &stories[0], &footer);
    for _ in 0..5 {
        record(&cleaner, &raw).await;
    }
    let next = record(
        &cleaner,
        &article(&stories[1].id, "daily.example", &stories[1], &footer),
    )
    .await;
    assert_eq!(
        kept(&next).len(),
        stories[1].paragraphs.len() + footer.len()
    );
}

#[tokio::test]
async fn evidence_expires_with_the_window() {
    let (cleaner, clock) = cleaner();
    let window_days = settings().boilerplate.window_days as u64;
    let stories = wikinews();
    let footer = vec!["Subscribe to our newsletter for more.".to_string()];
    for story in &stories[..3] {
        record(
            &cleaner,
            &article(&story.id, "daily.example", story, &footer),
        )
        .await;
    }
    let learned = record(
        &cleaner,
        &article(&stories[3].id, "daily.example", &stories[3], &footer),
    )
    .await;
    assert_eq!(kept(&learned), stories[3].paragraphs);

    clock.advance_ms((window_days + 1) * DAY_MS);
    let later = record(
        &cleaner,
        &article(&stories[4].id, "daily.example", &stories[4], &footer),
    )
    .await;
    assert_eq!(
        kept(&later).len(),
        stories[4].paragraphs.len() + 1,
        "old evidence no longer counts"
    );
}

/// Boilerplate is learned per source: another source's footer teaches nothing.
#[tokio::test]
async fn boilerplate_is_per_source() {
    let (cleaner, _) = cleaner();
    let stories = wikinews();
    let footer = vec!["Subscribe to our newsletter for more.".to_string()];
    for (k, story) in stories[..4].iter().enumerate() {
        let source = format!("site{k}.example");
        let rec = record(&cleaner, &article(&story.id, &source, story, &footer)).await;
        assert_eq!(kept(&rec).len(), story.paragraphs.len() + 1);
    }
}

/// A long quote that recurs in the middle of several stories of one source is real news:
/// it needs `interior_min_articles`, while a short line at the end needs only N.
#[tokio::test]
async fn interior_prose_needs_more_evidence() {
    let (cleaner, _) = cleaner();
    let stories = wikinews();
    let quote = "“We will not stop until every family in the region has clean water and a safe place to live,” the minister said on Tuesday.";
    let mut last = Value::Null;
    for original in &stories[..5] {
        let mut story_paragraphs = original.paragraphs.clone();
        let middle = story_paragraphs.len() / 2;
        story_paragraphs.insert(middle, quote.to_string());
        let story = Story {
            id: original.id.clone(),
            title: original.title.clone(),
            paragraphs: story_paragraphs,
        };
        last = record(
            &cleaner,
            &article(
                &story.id,
                "daily.example",
                &story,
                &["Share this story".into()],
            ),
        )
        .await;
    }
    assert!(
        kept(&last).contains(&quote.to_string()),
        "the shared quote survives"
    );
    assert!(
        !kept(&last).contains(&"Share this story".to_string()),
        "the short end line goes"
    );
}

#[tokio::test]
async fn carried_fields_keep_order_and_number_text_and_record_fields_win() {
    let (cleaner, _) = cleaner();
    let raw = r#"{"zeta":1.50,"id":"a1","status":"draft","source":"s.example","body":"One line of news here.","big":123456789012345678901234567890,"nested":{"b":[1, 2],"a":null},"title":null}"#;
    let cleaned = cleaner.clean(raw.as_bytes()).await.unwrap();
    let json = String::from_utf8(cleaner.record(&cleaned).to_json()).unwrap();
    assert!(
        json.starts_with(r#"{"zeta":1.50,"id":"a1","source":"s.example","big":123456789012345678901234567890,"nested":{"b":[1, 2],"a":null},"title":null,"paragraphs":["One line of news here."],"status":"clean""#),
        "{json}"
    );
}

#[tokio::test]
async fn all_dropped_is_still_a_record() {
    let (cleaner, _) = cleaner();
    let raw = json!({"id": "x", "source": "s", "title": "Only a title", "body": "Only a title\n---\n***"});
    let rec = record(&cleaner, &raw).await;
    assert_eq!(rec["counts"]["kept"], 0);
    assert_eq!(
        drops(&rec),
        [
            (0, "title_echo".into(), None),
            (1, "empty".into(), None),
            (2, "empty".into(), None)
        ]
    );
    assert_eq!(rec["dropped"][1]["key"], Value::Null);
}

async fn rejected(cleaner: &paraprint::cleaner::Cleaner, bytes: &[u8]) -> (ErrorCode, String) {
    match cleaner.clean(bytes).await {
        Err(CleanError::Input(e)) => (e.code, e.message),
        other => panic!("expected an input error, got {other:?}"),
    }
}

#[tokio::test]
async fn every_error_code_on_real_bad_input() {
    let mut s = settings();
    s.limits.max_message_bytes = 64 * 1024;
    let (cleaner, _) = cleaner_with(&s);
    let cases: Vec<(Vec<u8>, ErrorCode, &str)> = vec![
        (
            br#"{"id": "a", "source": "s", "body": "x"#.to_vec(),
            ErrorCode::MalformedJson,
            "EOF",
        ),
        (
            b"[1, 2, 3]".to_vec(),
            ErrorCode::MalformedJson,
            "JSON object",
        ),
        (b"".to_vec(), ErrorCode::MalformedJson, "EOF"),
        (
            b"{\"id\": \"a\", \"source\": \"s\", \"body\": \"caf\xe9\"}".to_vec(),
            ErrorCode::InvalidUtf8,
            "byte 39",
        ),
        (
            br#"{"id": "a", "source": "s"}"#.to_vec(),
            ErrorCode::MissingField,
            "body",
        ),
        (
            br#"{"id": null, "source": "s", "body": "x"}"#.to_vec(),
            ErrorCode::MissingField,
            "id",
        ),
        (
            br#"{"id": 7, "source": "s", "body": "x"}"#.to_vec(),
            ErrorCode::InvalidField,
            "id: expected a string of 1 to 255 bytes, found a number",
        ),
        (
            format!(
                r#"{{"id": "{}", "source": "s", "body": "x"}}"#,
                "é".repeat(128)
            )
            .into_bytes(),
            ErrorCode::InvalidField,
            "found 256 bytes",
        ),
        (
            br#"{"id": "a", "source": "  ", "body": "x"}"#.to_vec(),
            ErrorCode::InvalidField,
            "source",
        ),
        (
            br#"{"id": "a", "source": "s", "body": "x", "title": ["t"]}"#.to_vec(),
            ErrorCode::InvalidField,
            "title: expected a string or null, found an array",
        ),
        (
            br#"{"id": "a", "source": "s", "body": "\ud800 lone"}"#.to_vec(),
            ErrorCode::InvalidField,
            "body",
        ),
        (
            format!(
                r#"{{"id": "a", "source": "s", "body": "{}"}}"#,
                "x".repeat(70_000)
            )
            .into_bytes(),
            ErrorCode::TooLarge,
            "limits.max_message_bytes",
        ),
        (
            br#"{"id": "a", "source": "s", "body": "<p>x</p>", "content_type": "application/xhtml+xml"}"#
                .to_vec(),
            ErrorCode::UnsupportedContentType,
            "application/xhtml+xml",
        ),
        (
            br#"{"id": "a", "source": "s", "body": "x", "content_type": "application/pdf"}"#
                .to_vec(),
            ErrorCode::UnsupportedContentType,
            "application/pdf",
        ),
        (
            br#"{"id": "a", "source": "s", "body": " \n\t\r\n "}"#.to_vec(),
            ErrorCode::EmptyBody,
            "body",
        ),
    ];
    let mut seen = std::collections::HashSet::new();
    for (bytes, code, needle) in cases {
        let (got, message) = rejected(&cleaner, &bytes).await;
        assert_eq!(got, code, "{}", String::from_utf8_lossy(&bytes));
        assert!(
            message.contains(needle),
            "{code}: {message:?} lacks {needle:?}"
        );
        seen.insert(code);
    }
    // Every code but `store_data`, which comes from the store, not the input
    // (`worker::delivery`'s own test).
    assert_eq!(
        seen.len(),
        ErrorCode::ALL.len() - 1,
        "every code has a case"
    );
}

#[tokio::test]
async fn an_html_page_showing_words_but_giving_no_paragraph_is_flagged() {
    let (cleaner, _) = cleaner();
    let clean = |id: &str, body: &str| {
        let raw = json!({"id": id, "source": "s", "content_type": "text/html", "body": body});
        let bytes = serde_json::to_vec(&raw).unwrap();
        let cleaner = cleaner.clone();
        async move { cleaner.clean(&bytes).await.expect("cleanable") }
    };
    let shown = clean("a", "<head><title>T</title><table><tr><td>Shown text").await;
    assert!(!shown.prepared.extraction_missed_text);
    assert_eq!(shown.prepared.paras.len(), 1);
    // All of its text hidden: no paragraph, and the page's words are there to see.
    let hidden = clean("b", "<body><div hidden>All of it hidden</div></body>").await;
    assert!(hidden.prepared.paras.is_empty());
    assert!(hidden.prepared.extraction_missed_text);
    let empty = clean("c", "<title>Only a title</title><script>x()</script>").await;
    assert!(!empty.prepared.extraction_missed_text);
}

/// A blog's chrome: its name, a long author blurb written as a sentence, a menu.
fn blog_chrome() -> Vec<String> {
    [
        "Example Notes",
        "About me: I have written about design, typography and the small tools that make \
         daily work easier for twenty years, and I still answer every letter.",
        "Archive",
        "Contact",
        "Subscribe to Example Notes",
    ]
    .map(String::from)
    .to_vec()
}

/// A blog post whose own text is a short list: the chrome outweighs it.
fn list_post(id: &str, title: &str, items: &[&str]) -> Value {
    let mut lines = blog_chrome();
    lines.push(title.to_string());
    lines.push("Monday, October 15, 2012".to_string());
    lines.extend(items.iter().map(|i| format!("• {i}")));
    lines.push("posted by Jane @ 6:01 PM".to_string());
    json!({"id": id, "source": "notes.example", "title": title, "body": lines.join("\n")})
}

/// Two pages of one site share its chrome, not a story: the second is not a copy of the first,
/// while the same post published again (same headline, same text) is.
#[tokio::test]
async fn pages_of_one_site_sharing_chrome_are_not_copies() {
    let (cleaner, clock) = cleaner();
    let first = list_post(
        "p1",
        "Five posters worth a look",
        &[
            "The best zoo ads of the last five years.",
            "A museum billboard that made me laugh.",
        ],
    );
    let rec = record(&cleaner, &first).await;
    assert_eq!(rec["status"], "clean");

    clock.advance_ms(60_000);
    let sibling = list_post(
        "p2",
        "Five more posters worth a look",
        &[
            "A rejection letter from a very old club.",
            "The most useless exercise machines.",
        ],
    );
    let rec = record(&cleaner, &sibling).await;
    assert_eq!(rec["status"], "clean", "a sibling page is an original");

    clock.advance_ms(60_000);
    let mut again = first.clone();
    again["id"] = json!("p1-again");
    let rec = record(&cleaner, &again).await;
    assert_eq!(rec["status"], "duplicate", "the same post published again");
    assert_eq!(rec["duplicate_of"], "p1");
}

/// Bylines, datelines (one set as a column of short lines), a credited caption, the kicker that
/// leads into the first paragraph and a heading that introduces a list inside the prose recur on
/// every page of a site; they stay the article's, while the site's recurring footer goes from
/// the (N+1)-th article on.
#[tokio::test]
async fn bylines_datelines_and_captions_next_to_the_prose_stay() {
    let (cleaner, clock) = cleaner();
    let n = settings().boilerplate.min_articles as usize;
    let stories: Vec<Story> = wikinews().into_iter().take(n + 2).collect();
    let months = ["June", "July", "August", "September", "October", "November"];
    for (k, story) in stories.iter().enumerate() {
        clock.advance_ms(60_000);
        let own = [
            format!("{}", k + 10),
            months[k % months.len()].to_string(),
            "2012".to_string(),
            story.title.clone(),
            format!(
                "Posted by Jane Doe on {} {}, 2012 at 9:{:02} AM",
                months[k % 6],
                k + 3,
                k
            ),
            format!("A view of the harbour at dawn, day {k}. (Jane Doe/Example Agency)"),
        ];
        // The kicker leads into the story's first long sentence, the list heading follows it.
        let lede = story
            .paragraphs
            .iter()
            .position(|p| p.split_whitespace().count() >= 20 && p.ends_with('.'))
            .expect("a long first sentence");
        let mut lines = vec!["Home".to_string(), "World".to_string()];
        lines.extend(own.iter().cloned());
        lines.extend(story.paragraphs[..lede].iter().cloned());
        lines.push("The story so far".to_string());
        lines.push(story.paragraphs[lede].clone());
        lines.push("What they said:".to_string());
        lines.extend(story.paragraphs[lede + 1..].iter().cloned());
        lines.push("Copyright Example Media, all rights reserved".to_string());
        let raw = json!({"id": story.id, "source": "daily.example", "title": story.title,
            "body": lines.join("\n")});
        let rec = record(&cleaner, &raw).await;
        let kept = kept(&rec);
        for line in own.iter().filter(|l| **l != story.title).chain(&[
            "The story so far".to_string(),
            "What they said:".to_string(),
        ]) {
            assert!(kept.contains(line), "article {k} lost {line:?}: {kept:#?}");
        }
        if k >= n {
            assert!(
                !kept.iter().any(|l| l.starts_with("Copyright")),
                "article {k} kept the footer"
            );
        }
    }
}

/// A list whose items read as sentences is the article's, however far from its prose; a menu
/// standing in the same place still goes.
#[tokio::test]
async fn a_list_of_sentences_is_not_a_menu() {
    let (cleaner, _) = cleaner();
    let story = &wikinews()[0];
    let steps: Vec<String> = (1..=8)
        .map(|i| format!("- Step {i}: stir the pot for another minute."))
        .collect();
    let menu: Vec<String> = [
        "News", "Sport", "Weather", "Travel", "Culture", "Video", "Audio",
    ]
    .map(String::from)
    .to_vec();
    let mut lines = vec!["Home".to_string(), story.title.clone()];
    lines.extend(story.paragraphs.iter().cloned());
    lines.push("Spacer one".to_string());
    lines.push("Spacer two".to_string());
    lines.extend(steps.iter().cloned());
    lines.push("Home".to_string());
    lines.extend(menu.iter().cloned());
    lines.push("Home".to_string());
    let raw = json!({"id": "recipe", "source": "kitchen.example", "title": story.title,
        "body": lines.join("\n")});
    let kept = kept(&record(&cleaner, &raw).await);
    for step in &steps {
        assert!(kept.contains(step), "lost {step:?}");
    }
    for item in &menu {
        assert!(!kept.contains(item), "kept the menu's {item:?}");
    }
}

/// The line cache changes no record: the development set and the real HTML pages, each cleaned
/// twice in a row (the second time every line is remembered), give the same bytes as a cleaner
/// without the cache.
#[tokio::test]
async fn the_line_cache_changes_no_record() {
    let mut without = common::settings();
    without.limits.line_cache_bytes = 0;
    let (plain, _) = common::cleaner_with(&without);
    let (cached, _) = common::cleaner();
    let devset = common::fixture("eval/devset.jsonl");
    let mut messages: Vec<Value> = devset
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    for mut page in common::html_pages() {
        let object = page.as_object_mut().unwrap();
        object.remove("truth");
        object.insert("content_type".into(), "text/html".into());
        messages.push(page);
    }
    for round in 0..2 {
        for message in &messages {
            assert_eq!(
                common::record_bytes(&cached, message).await,
                common::record_bytes(&plain, message).await,
                "round {round}, {}",
                message["id"]
            );
        }
    }
    let stats = cached.engine().line_cache();
    assert!(
        stats.hits > stats.misses,
        "the second round is remembered: {stats:?}"
    );
    assert_eq!(plain.engine().line_cache().entries, 0);
}

/// The one-pass read of a message (the body read into its text as the object is read) gives
/// what reading every value verbatim first gives: the same article, or the same failure with
/// the same words, on every hostile message, each cut short, and generated objects.
#[test]
fn one_pass_read_agrees_with_the_verbatim_read() {
    use paraprint::article::RawArticle;
    let agree = |bytes: &[u8]| {
        for limit in [usize::MAX, bytes.len() / 2] {
            assert_eq!(
                format!("{:?}", RawArticle::parse(bytes, limit)),
                format!("{:?}", RawArticle::parse_verbatim(bytes, limit)),
                "{}",
                String::from_utf8_lossy(&bytes[..bytes.len().min(200)])
            );
        }
    };
    for nasty in common::nasty::nasty_inputs() {
        agree(&nasty.bytes);
        agree(&nasty.bytes[..nasty.bytes.len() / 2]);
    }
    let values = [
        r#""text""#,
        r#""a \"quoted\"\n\u00e9 line""#,
        r#""\ud800 lone""#,
        r#""""#,
        r#""   ""#,
        "null",
        "3",
        "true",
        r#"["p"]"#,
        r#"{"p": 1}"#,
        r#""<p>x</p>""#,
    ];
    for body in values {
        for title in values {
            for layout in [
                format!(r#"{{"id": "a", "source": "s", "body": {body}, "title": {title}}}"#),
                format!(r#"{{"body": {body}, "id": "a", "source": "s", "body": {title}}}"#),
                format!(r#"{{"body": {body}, "source": "s", "id": {title}}}"#),
                format!(
                    r#"{{"id": "a", "source": "s", "content_type": "text/html", "body": {body}, "x": [{title}]}}"#
                ),
                format!(r#"{{"id": "a", "source": "s", "body": {body}}} {title}"#),
            ] {
                agree(layout.as_bytes());
            }
        }
    }
}

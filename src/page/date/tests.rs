use super::*;

fn iso(s: Option<Stated>) -> Option<String> {
    s.map(|s| s.to_iso())
}

#[track_caller]
fn check(parse: fn(&str) -> Option<Stated>, cases: &[(&str, &str)]) {
    for (input, want) in cases {
        assert_eq!(
            iso(parse(input)).as_deref(),
            Some(*want),
            "input: {input:?}"
        );
    }
}

#[track_caller]
fn check_none(parse: fn(&str) -> Option<Stated>, inputs: &[&str]) {
    for input in inputs {
        assert_eq!(iso(parse(input)), None, "input: {input:?}");
    }
}

fn day(y: i32, m: u8, d: u8) -> Date {
    Date::from_calendar_date(y, Month::try_from(m).unwrap(), d).unwrap()
}

// --- Stated -----------------------------------------------------------------------------------

#[test]
fn to_iso_and_day() {
    let d = Stated::Day(day(2012, 7, 16));
    assert_eq!(d.to_iso(), "2012-07-16");
    assert_eq!(d.day(), day(2012, 7, 16));

    let late = PrimitiveDateTime::new(day(2012, 7, 16), make_time(23, 30, 0).unwrap());
    let west = Stated::Instant(late.assume_offset(UtcOffset::from_hms(-5, 0, 0).unwrap()));
    assert_eq!(west.to_iso(), "2012-07-16T23:30:00-05:00");
    // The day in the page's own offset, not in UTC (which would be the 17th).
    assert_eq!(west.day(), day(2012, 7, 16));

    let utc = Stated::Instant(late.assume_offset(UtcOffset::UTC));
    assert_eq!(utc.to_iso(), "2012-07-16T23:30:00+00:00");
    let half = Stated::Instant(late.assume_offset(UtcOffset::from_hms(-3, -30, 0).unwrap()));
    assert_eq!(half.to_iso(), "2012-07-16T23:30:00-03:30");
}

// --- parse_machine ----------------------------------------------------------------------------

#[test]
fn machine_iso() {
    check(
        parse_machine,
        &[
            ("2012-07-16", "2012-07-16"),
            ("  2012-07-16\n", "2012-07-16"),
            ("20120716", "2012-07-16"),
            ("2012-07-16T09:14", "2012-07-16"),
            ("2012-07-16T09:14:05", "2012-07-16"),
            ("2012-07-16T09:14:05Z", "2012-07-16T09:14:05+00:00"),
            ("2012-07-16t09:14:05z", "2012-07-16T09:14:05+00:00"),
            ("2012-07-16T09:14:05.123+02:00", "2012-07-16T09:14:05+02:00"),
            ("2012-07-16T09:14:05,5-03:30", "2012-07-16T09:14:05-03:30"),
            ("2012-07-16 09:14:05 +0200", "2012-07-16T09:14:05+02:00"),
            ("2012-07-16T09:14:05+0200", "2012-07-16T09:14:05+02:00"),
            ("2012-07-16T09:14:05+02", "2012-07-16T09:14:05+02:00"),
            ("2012-07-16T09:14+02:00", "2012-07-16T09:14:00+02:00"),
            ("2012-07-16 09:14:05 UTC", "2012-07-16T09:14:05+00:00"),
            ("2012-07-16 09:14:05 CEST", "2012-07-16T09:14:05+02:00"),
            ("20120716T091405Z", "2012-07-16T09:14:05+00:00"),
            // An unknown or ambiguous zone label: the day only.
            ("2012-07-16T09:14:05 ET", "2012-07-16"),
            ("2012-07-16T00:00:00-00:00", "2012-07-16T00:00:00+00:00"),
        ],
    );
}

#[test]
fn machine_iso_invalid_is_final() {
    check_none(
        parse_machine,
        &[
            "2012-02-30",
            "2012-13-01",
            "1850-07-16",
            "2100-01-01",
            "2012-07-16T25:00",
            "2012-07-16T09:14:05+25:00",
            "2012-07-16T09:14:05 EET-ish",
            "2012-07-16T09:14:05.",
            "2012-07-165",
            "2012-07",
            "2012",
            "1342453445",
            "",
            "   ",
        ],
    );
}

#[test]
fn machine_rfc2822() {
    check(
        parse_machine,
        &[
            ("Mon, 16 Jul 2012 09:14:05 GMT", "2012-07-16T09:14:05+00:00"),
            (
                "Mon, 16 Jul 2012 09:14:05 -0500",
                "2012-07-16T09:14:05-05:00",
            ),
            ("16 Jul 2012 09:14 +0530", "2012-07-16T09:14:00+05:30"),
            (
                "Mon, 16 Jul 2012 09:14:05 -0500 (CDT)",
                "2012-07-16T09:14:05-05:00",
            ),
            ("Mon, 16 Jul 2012 09:14:05 edt", "2012-07-16T09:14:05-04:00"),
            ("Mon, 16 Jul 2012 09:14:05", "2012-07-16"),
            ("Mon, 16 Jul 2012", "2012-07-16"),
        ],
    );
    check_none(
        parse_machine,
        &[
            "Mon, 31 Jun 2012 09:14:05 GMT",
            "Mon, 16 Jul 1850 09:14:05 GMT",
        ],
    );
}

#[test]
fn machine_falls_back_to_text() {
    check(
        parse_machine,
        &[
            ("July 16, 2012", "2012-07-16"),
            ("16.07.2012", "2012-07-16"),
            ("2012年7月16日", "2012-07-16"),
        ],
    );
}

// --- parse_text: English ----------------------------------------------------------------------

#[test]
fn text_english() {
    check(
        parse_text,
        &[
            ("July 16, 2012", "2012-07-16"),
            ("Jul 16, 2012", "2012-07-16"),
            ("JUL. 16 2012", "2012-07-16"),
            ("16 July 2012", "2012-07-16"),
            ("16 July, 2012", "2012-07-16"),
            ("16-Jul-2012", "2012-07-16"),
            ("2012-Jul-16", "2012-07-16"),
            ("Monday, July 16, 2012", "2012-07-16"),
            ("July 16th, 2012", "2012-07-16"),
            ("July 1st 2012", "2012-07-01"),
            ("16th of July 2012", "2012-07-16"),
            ("Sept. 3, 2015", "2015-09-03"),
            ("By Jane Doe | May 3, 2012", "2012-05-03"),
            ("Posted on March 3, 2014 by admin", "2014-03-03"),
        ],
    );
}

#[test]
fn text_time_and_zone() {
    check(
        parse_text,
        &[
            (
                "Published July 16, 2012 at 9:14 AM EST",
                "2012-07-16T09:14:00-05:00",
            ),
            ("July 16, 2012 9:14 pm PDT", "2012-07-16T21:14:00-07:00"),
            (
                "July 16, 2012, 12:05 a.m. CEST",
                "2012-07-16T00:05:00+02:00",
            ),
            (
                "July 16, 2012 - 12:05 p.m. (GMT)",
                "2012-07-16T12:05:00+00:00",
            ),
            ("16.07.2012, 09:14 Uhr MESZ", "2012-07-16T09:14:00+02:00"),
            ("16.07.2012 um 9.14 Uhr", "2012-07-16"),
            ("16 juillet 2012 à 21h14 UTC+2", "2012-07-16T21:14:00+02:00"),
            ("16 July 2012 09:14 GMT+05:30", "2012-07-16T09:14:00+05:30"),
            ("16 July 2012 09:14 UTC-3", "2012-07-16T09:14:00-03:00"),
            ("16 July 2012 09:14:05 +0200", "2012-07-16T09:14:05+02:00"),
            ("2012-07-16 09:14:05+02:00", "2012-07-16T09:14:05+02:00"),
            ("2012-07-16T09:14:05.123Z", "2012-07-16T09:14:05+00:00"),
            ("16 июля 2012 г., 09:14 MSK", "2012-07-16T09:14:00+03:00"),
            ("2012年07月16日 09:14 JST", "2012-07-16T09:14:00+09:00"),
            ("16 Juli 2012 09:14 WIB", "2012-07-16T09:14:00+07:00"),
            // A time before the date counts too.
            (
                "Updated: 7:05 p.m. EST, Jul 16, 2012",
                "2012-07-16T19:05:00-05:00",
            ),
            (
                "9:14 AM KST Monday, July 16, 2012",
                "2012-07-16T09:14:00+09:00",
            ),
            // Time without a zone, or with an ambiguous one: the day only.
            ("Updated: 7:05 p.m. ET, Jul 16, 2012", "2012-07-16"),
            ("July 16, 2012 at 9:14 AM ET", "2012-07-16"),
            ("July 16, 2012 at 9:14 AM PT", "2012-07-16"),
            ("July 16, 2012 at 9:14 IST", "2012-07-16"),
            ("July 16, 2012 at 9:14", "2012-07-16"),
            ("2012年07月16日 09:14", "2012-07-16"),
            // A zone word with no time is not enough; lowercase "est" is a word.
            ("July 16, 2012 EST", "2012-07-16"),
            ("16 de julio de 2012 9:14 est", "2012-07-16"),
            // Z only right after a time.
            ("2012-07-16 09:14 Z", "2012-07-16"),
            // Invalid time: the day still stands.
            ("July 16, 2012 at 25:14 GMT", "2012-07-16"),
            ("July 16, 2012 at 13:14 PM GMT", "2012-07-16"),
        ],
    );
}

#[test]
fn text_real_world_lines() {
    check(
        parse_text,
        &[
            ("Mon, 16 Jul 2012 09:14:05 GMT", "2012-07-16T09:14:05+00:00"),
            ("2012-07-16T09:14:05-05:00", "2012-07-16T09:14:05-05:00"),
            ("16/07/2012 09:14 CEST", "2012-07-16T09:14:00+02:00"),
            (
                "Posted: 07/16/2012 @ 9:14 pm EDT",
                "2012-07-16T21:14:00-04:00",
            ),
            ("Jul 16 2012 9:14AM EST", "2012-07-16T09:14:00-05:00"),
            ("12 Jul 2012 – 09:14 GMT+0100", "2012-07-12T09:14:00+01:00"),
            (
                "16 July 2012 09:14 CEST (UTC+2)",
                "2012-07-16T09:14:00+02:00",
            ),
            ("16 July 2012 09:14 -0500", "2012-07-16T09:14:00-05:00"),
            (
                "Actualizado el 16/07/2012 a las 09:14 CEST",
                "2012-07-16T09:14:00+02:00",
            ),
            ("16/07/2012 às 09h14", "2012-07-16"),
            ("Monday 16th July 2012", "2012-07-16"),
            ("le 16/07/2012 à 09h14", "2012-07-16"),
            ("Stand: 16.07.2012, 09:14 Uhr", "2012-07-16"),
            ("10:30, 16 July 2012", "2012-07-16"),
            ("Top 10 May 2012 releases", "2012-05-10"),
            // A time range is not a time with an offset.
            ("July 16, 2012, 12:00-13:00 Uhr", "2012-07-16"),
            ("July 16, 2012, 12:00 - 13:00", "2012-07-16"),
            // A far-away time does not attach to the date.
            ("09:14 GMT blah blah blah 16 July 2012", "2012-07-16"),
        ],
    );
    check_none(
        parse_text,
        &[
            "16-18 July 2012",
            "July 16-18, 2012",
            "3 hours ago",
            "3.16 July 2012",
        ],
    );
}

// --- parse_text: other languages --------------------------------------------------------------

#[test]
fn text_german() {
    check(
        parse_text,
        &[
            ("16. Juli 2012", "2012-07-16"),
            ("16. Jul. 2012", "2012-07-16"),
            ("Veröffentlicht am 3. März 2012", "2012-03-03"),
            ("3. Maerz 2012", "2012-03-03"),
            ("3. MÄRZ 2012", "2012-03-03"),
            ("1. Mai 2012", "2012-05-01"),
            ("5. Jänner 2012", "2012-01-05"),
            ("Montag, 16. Juli 2012, 09:14 Uhr", "2012-07-16"),
        ],
    );
}

#[test]
fn text_french_spanish_italian_portuguese() {
    check(
        parse_text,
        &[
            ("16 juillet 2012", "2012-07-16"),
            ("Publié le 1er août 2012", "2012-08-01"),
            ("3 févr. 2012", "2012-02-03"),
            ("3 fevrier 2012", "2012-02-03"),
            ("3 fe\u{301}vrier 2012", "2012-02-03"), // decomposed accent
            ("16 de julio de 2012", "2012-07-16"),
            ("16 de julio del 2012", "2012-07-16"),
            ("lunes, 16 de jul. de 2012", "2012-07-16"),
            ("16 luglio 2012", "2012-07-16"),
            ("3 mag 2012", "2012-05-03"),
            ("16 de julho de 2012", "2012-07-16"),
            ("1º de março de 2012", "2012-03-01"),
        ],
    );
}

#[test]
fn text_dutch_scandinavian() {
    check(
        parse_text,
        &[
            ("16 juli 2012", "2012-07-16"),
            ("3 mrt 2012", "2012-03-03"),
            ("3 mei 2012", "2012-05-03"),
            ("16. mai 2012", "2012-05-16"),
            ("16 maj 2012", "2012-05-16"),
            ("den 3 okt 2012", "2012-10-03"),
            ("3. desember 2012", "2012-12-03"),
        ],
    );
}

#[test]
fn text_slavic() {
    check(
        parse_text,
        &[
            ("16 lipca 2012", "2012-07-16"),
            ("1 stycznia 2012", "2012-01-01"),
            ("1 lutego 2012", "2012-02-01"),
            ("1 marca 2012", "2012-03-01"),
            ("1 kwietnia 2012", "2012-04-01"),
            ("1 maja 2012", "2012-05-01"),
            ("1 czerwca 2012", "2012-06-01"),
            ("1 sierpnia 2012", "2012-08-01"),
            ("1 września 2012", "2012-09-01"),
            ("1 października 2012", "2012-10-01"),
            ("1 listopada 2012", "2012-11-01"),
            ("1 grudnia 2012", "2012-12-01"),
            ("16. července 2012", "2012-07-16"),
            ("16. června 2012", "2012-06-16"),
            ("16 июля 2012", "2012-07-16"),
            ("16 Июля 2012 года", "2012-07-16"),
            ("16 липня 2012 р.", "2012-07-16"),
            ("16 липня 2012р., 09:14", "2012-07-16"),
            ("1 лютого 2012", "2012-02-01"),
            ("16. jula 2012.", "2012-07-16"),
            ("16. srpnja 2012.", "2012-07-16"),
            ("3. ožujka 2012.", "2012-03-03"),
            ("3. marta 2012.", "2012-03-03"),
        ],
    );
}

#[test]
fn text_turkish() {
    check(
        parse_text,
        &[
            ("16 Temmuz 2012", "2012-07-16"),
            ("16 Ocak 2012", "2012-01-16"),
            ("16 Şubat 2012", "2012-02-16"),
            ("16 ŞUBAT 2012", "2012-02-16"),
            ("16 Mart 2012", "2012-03-16"),
            ("16 NİSAN 2012", "2012-04-16"),
            ("16 Mayıs 2012", "2012-05-16"),
            ("16 MAYIS 2012", "2012-05-16"),
            ("16 Haziran 2012", "2012-06-16"),
            ("16 Ağustos 2012", "2012-08-16"),
            ("16 Eylül 2012", "2012-09-16"),
            ("16 Ekim 2012", "2012-10-16"),
            ("16 Kasım 2012", "2012-11-16"),
            ("16 Aralık 2012", "2012-12-16"),
        ],
    );
}

#[test]
fn text_indonesian_malay_tagalog_hungarian() {
    check(
        parse_text,
        &[
            ("16 Juli 2012", "2012-07-16"),
            ("17 Agustus 2012", "2012-08-17"),
            ("25 Desember 2012", "2012-12-25"),
            ("25 Disember 2012", "2012-12-25"),
            ("3 Mac 2012", "2012-03-03"),
            ("Hulyo 16, 2012", "2012-07-16"),
            ("Setyembre 3, 2012", "2012-09-03"),
            ("2012. július 16.", "2012-07-16"),
            ("2012. márc. 3.", "2012-03-03"),
        ],
    );
}

#[test]
fn text_cjk_and_year_first() {
    check(
        parse_text,
        &[
            ("2012年7月16日", "2012-07-16"),
            ("发布时间：2012年07月16日 09:14", "2012-07-16"),
            ("２０１２年７月１６日", "2012-07-16"),
            ("2012年7月16号", "2012-07-16"),
            ("2012년 7월 16일", "2012-07-16"),
            ("입력 2012.07.16 09:14", "2012-07-16"),
            ("2012. 7. 16.", "2012-07-16"),
            ("2012/07/16", "2012-07-16"),
            ("2012-07-16", "2012-07-16"),
            ("posted 2012-7-16 by x", "2012-07-16"),
        ],
    );
}

#[test]
fn text_numeric() {
    check(
        parse_text,
        &[
            ("16.07.2012", "2012-07-16"),
            ("16.7.2012", "2012-07-16"),
            ("Stand: 16. 7. 2012", "2012-07-16"),
            ("version 1.2.2012", "2012-02-01"),
            ("Published 2012-07-16 by x", "2012-07-16"),
            ("07/16/2012", "2012-07-16"),
            ("16/07/2012", "2012-07-16"),
            ("16-07-2012", "2012-07-16"),
            ("07/07/2012", "2012-07-07"),
        ],
    );
}

// --- parse_text: rejections -------------------------------------------------------------------

#[test]
fn text_rejects() {
    check_none(
        parse_text,
        &[
            "",
            "no date here",
            "2012",
            "In 2012, things happened",
            "July 2012",
            "July 16",
            "12/13",
            "Call 555-123-4567 today",
            "+49 30 1234 5678",
            "ISBN 978-3-16-148410-0",
            "version 1.2.2012.5",
            "1.16.07.2012",
            "07/08/2012",
            "07-08-2012",
            "12/13/14",
            "16.07.12",
            "February 30, 2012",
            "30.02.2012",
            "2012-02-30",
            "31 June 2012",
            "16 July 1850",
            "July 16, 1850",
            "16.07.2100",
            "13/13/2012",
            "45.67.2012",
            "2012年13月16日",
        ],
    );
}

#[test]
fn text_first_date_decides() {
    // The first date-shaped thing decides, even if it is invalid or ambiguous.
    check_none(
        parse_text,
        &[
            "07/08/2012, updated July 10, 2012",
            "Feb 30, 2012 or July 1, 2012",
        ],
    );
    check(
        parse_text,
        &[("July 16, 2012, updated July 18, 2012", "2012-07-16")],
    );
}

#[test]
fn text_ambiguous_month_words() {
    check(
        parse_text,
        &[
            ("May 3, 2012", "2012-05-03"),
            ("3 mar 2012", "2012-03-03"),
            ("3 Mai 2012", "2012-05-03"),
        ],
    );
    check_none(
        parse_text,
        &[
            "You may 3 times 2012 items",
            "16 of may 2012",
            "16 de mar de 2012",
            "mar",
            "may 2012",
        ],
    );
}

#[test]
fn text_reads_only_first_400_chars() {
    let pad = "é".repeat(395);
    assert_eq!(
        iso(parse_text(&format!("{pad} 16.07.2012"))).as_deref(),
        None
    );
    assert_eq!(
        iso(parse_text(&format!("{} 16.07.2012", "é".repeat(388)))).as_deref(),
        Some("2012-07-16")
    );
}

// --- from_url ---------------------------------------------------------------------------------

#[test]
fn url_dates() {
    let cases = [
        ("https://example.com/2012/07/16/some-title", (2012, 7, 16)),
        (
            "https://example.com/news/2012/7/16/some-title.html",
            (2012, 7, 16),
        ),
        (
            "https://www.theguardian.com/world/2012/jul/16/story",
            (2012, 7, 16),
        ),
        ("http://example.com/2012-07-16/title", (2012, 7, 16)),
        (
            "http://example.com/news/title-2012-07-16-more",
            (2012, 7, 16),
        ),
        ("http://example.com/news/2012_07_16_title", (2012, 7, 16)),
        ("http://example.com/20120716/title", (2012, 7, 16)),
        ("http://example.com/20120716-title", (2012, 7, 16)),
        ("//example.com/2012/07/16/x", (2012, 7, 16)),
        ("/2012/07/16/", (2012, 7, 16)),
        ("https://example.com/2012/07/16", (2012, 7, 16)),
        // The host is not part of the path.
        ("https://2011-01-01.example.com/2012/07/16/x", (2012, 7, 16)),
        (
            "https://example.com/2012/07/16-x?d=2011-01-01",
            (2012, 7, 16),
        ),
    ];
    for (url, (y, m, d)) in cases {
        assert_eq!(from_url(url), Some(day(y, m, d)), "url: {url}");
    }
}

#[test]
fn url_rejects() {
    for url in [
        "https://example.com/2012/07/",
        "https://example.com/2012/07/title",
        "https://example.com/2012/07/123456/title",
        "https://example.com/article/201207161/title",
        "https://example.com/article/x20120716/title",
        "https://example.com/2012/02/30/title",
        "https://example.com/1850/07/16/title",
        "https://example.com/x?date=2012-07-16",
        "https://example.com/x#2012/07/16",
        "https://20120716.example.com/",
        "https://example.com/2012-07-160/",
        "",
        "://",
        "/",
    ] {
        assert_eq!(from_url(url), None, "url: {url}");
    }
}

// --- tables and robustness --------------------------------------------------------------------

#[test]
fn month_tables_are_consistent() {
    // A spelling must name the same month in every language that uses it.
    for table in LANGUAGES {
        for (i, names) in table.iter().enumerate() {
            for name in names.iter() {
                assert_eq!(month_number(name), u32::try_from(i + 1).ok(), "{name}");
                let mut folded = String::new();
                name.chars().for_each(|c| push_folded(&mut folded, c));
                assert_eq!(&folded, name, "table entries must be folded");
            }
        }
    }
    for name in AMBIGUOUS_MONTHS {
        assert!(month_number(name).is_some(), "{name}");
    }
}

/// xorshift64*: deterministic, no dependencies.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn fuzz_no_panic_and_round_trip() {
    const PIECES: &[&str] = &[
        "0",
        "1",
        "7",
        "9",
        "12",
        "16",
        "30",
        "31",
        "07",
        "2012",
        "1999",
        "2099",
        "20120716",
        "99999999999",
        "July",
        "jul",
        "Mai",
        "may",
        "mar",
        "de",
        "of",
        "th",
        "er",
        "1er",
        "июля",
        "lipca",
        "Mayıs",
        "İ",
        "年",
        "月",
        "日",
        "년",
        "월",
        "일",
        "１",
        ".",
        ",",
        "/",
        "-",
        ":",
        "+",
        "−",
        "T",
        "Z",
        "h",
        "Uhr",
        "AM",
        "p.m.",
        "GMT",
        "UTC",
        "EST",
        "ET",
        "(",
        ")",
        " ",
        " ",
        "  ",
        "\t",
        "\u{a0}",
        "\u{301}",
        "\u{200b}",
        "é",
        "ß",
        "😀",
        "//",
        "://",
        "?",
        "#",
        "http://x.com",
        "%",
        "\u{0}",
        "ǅ",
        "\u{10FFFF}",
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..10_000 {
        let mut s = String::new();
        for _ in 0..rng.below(40) {
            s.push_str(PIECES[rng.below(PIECES.len())]);
        }
        for parsed in [parse_text(&s), parse_machine(&s)].into_iter().flatten() {
            // Whatever we produce, we can read back unchanged.
            assert_eq!(
                parse_machine(&parsed.to_iso()),
                Some(parsed),
                "input: {s:?}"
            );
            assert!(YEARS.contains(&parsed.day().year()), "input: {s:?}");
        }
        if let Some(d) = from_url(&s) {
            assert!(YEARS.contains(&d.year()), "input: {s:?}");
        }
    }
}

#[test]
fn huge_inputs_are_fine() {
    let big = "16 July ".repeat(200_000) + "2012";
    assert_eq!(parse_text(&big), None);
    assert_eq!(parse_machine(&big), None);
    assert_eq!(from_url(&format!("/{}", "a/".repeat(200_000))), None);
    let digits = "1".repeat(1_000_000);
    assert_eq!(parse_text(&digits), None);
    assert_eq!(parse_machine(&digits), None);
    assert_eq!(from_url(&digits), None);
}

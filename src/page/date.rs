//! Publication dates as web pages state them.
//!
//! Three entry points: [`parse_machine`] for machine-readable values (ISO 8601 / RFC 3339,
//! RFC 2822), [`parse_text`] for short human texts in many languages, and [`from_url`] for
//! dates in a URL path.
//!
//! How `parse_text` works: a bounded prefix is cut into tokens (numbers, words, punctuation,
//! each remembering whether whitespace preceded it), then a few fixed token patterns are tried
//! at each position, left to right. The first *date-shaped* match decides: if it is not a real
//! day (Feb 30, year outside 1990..=2099) or its order is ambiguous (07/08/2012) the answer is
//! `None` rather than some later date, because a later date is often a different one (an
//! update time). Everything is iterative, never reads the clock, and costs linear time.

use std::ops::RangeInclusive;

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// A publication time as a page states it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stated {
    /// A day: the page gave no time, or a time without any zone or offset.
    Day(Date),
    /// A date-time with the UTC offset the page gave (kept as given, never converted).
    Instant(OffsetDateTime),
}

impl Stated {
    /// The day as the page wrote it (for Instant: the date in its own offset).
    pub fn day(&self) -> Date {
        match self {
            Stated::Day(d) => *d,
            Stated::Instant(t) => t.date(),
        }
    }

    /// ISO 8601: "2012-07-16" for a Day; "2012-07-16T09:14:00-05:00" for an Instant (always
    /// seconds, no fraction; offset as +HH:MM, and "Z" never used: a zero offset is "+00:00").
    pub fn to_iso(&self) -> String {
        match self {
            Stated::Day(d) => iso_date(*d),
            Stated::Instant(t) => {
                let secs = t.offset().whole_seconds();
                let sign = if secs < 0 { '-' } else { '+' };
                let abs = secs.unsigned_abs();
                format!(
                    "{}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
                    iso_date(t.date()),
                    t.hour(),
                    t.minute(),
                    t.second(),
                    abs / 3600,
                    abs % 3600 / 60,
                )
            }
        }
    }
}

fn iso_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// A machine-readable value (from <meta content>, JSON-LD datePublished, <time datetime>):
/// ISO 8601 / RFC 3339 in its common variants ("2012-07-16", "2012-07-16T09:14", "2012-07-16T09:14:05Z",
/// "2012-07-16T09:14:05.123+02:00", "2012-07-16 09:14:05 +0200", "20120716", "2012-07-16T09:14:05+0200"),
/// RFC 2822 ("Mon, 16 Jul 2012 09:14:05 GMT", "... -0500"), and as a fallback whatever parse_text accepts.
/// Surrounding whitespace ignored. None when it is not a valid date.
///
/// A value that starts like an ISO date ("2012-07-16", or 8 digits alone or before "T") is
/// judged by the ISO grammar alone: "2012-07-16T25:00" is None, not the day. Fractions of a
/// second are dropped.
pub fn parse_machine(s: &str) -> Option<Stated> {
    let s = s.trim();
    match parse_iso(s) {
        Some(verdict) => verdict,
        None => parse_rfc2822(s).or_else(|| parse_text(s)),
    }
}

/// The first date in a short human text (a byline or dateline line, a <time> element's text, a
/// "Published: ..." line), in many languages and formats. None when there is no unambiguous date.
///
/// Only the first 400 characters are read. A time right after the date (or right before it)
/// is used only when it also has an unambiguous zone; then the result is an Instant.
pub fn parse_text(s: &str) -> Option<Stated> {
    let toks = tokenize(prefix_chars(s, MAX_TEXT_CHARS));
    let mut pending: Option<(Clock, usize)> = None; // last time seen, and where it ended
    let mut i = 0;
    while i < toks.len() {
        if let Some(found) = date_at(&toks, i) {
            let Found::Date { y, m, d, end } = found else {
                return None; // ambiguous order: do not guess
            };
            let date = make_date(y, m, d)?;
            let clock = clock_after(&toks, end)
                .or_else(|| pending.filter(|&(_, e)| links(&toks[e..i])).map(|(c, _)| c));
            return Some(stated(date, clock));
        }
        if let Some((clock, end)) = time_at(&toks, i) {
            pending = Some((clock, end));
            i = end;
        } else {
            i += 1;
        }
    }
    None
}

/// A date in a URL's path: /2012/07/16/, /2012-07-16/, /20120716/ (8 digits as a whole path segment or
/// at the start of a segment followed by a non-digit), /2012/07/ alone is NOT a day (None). Only the path
/// (ignore scheme, host, query, fragment).
///
/// Also accepted: /2012/jul/16/ (English month names, as some sites use), and a
/// YYYY-MM-DD or YYYY_MM_DD run inside a slug (not glued to other digits).
pub fn from_url(url: &str) -> Option<Date> {
    let segs: Vec<&str> = url_path(url).split('/').collect();
    for (k, seg) in segs.iter().enumerate() {
        let ymd = || {
            let y = whole_number(seg, 4..=4)?;
            let m = segs.get(k + 1).and_then(|s| url_month(s))?;
            let d = leading_number(segs.get(k + 2)?, 1..=2)?;
            make_date(y, m, d)
        };
        if let Some(date) = ymd()
            .or_else(|| dashed_in(seg))
            .or_else(|| compact_at_start(seg))
        {
            return Some(date);
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

const MAX_TEXT_CHARS: usize = 400;
const YEARS: RangeInclusive<i32> = 1990..=2099;
/// Real-world UTC offsets lie within ±14:00.
const MAX_OFFSET_HOURS: u32 = 14;

/// At most the first `n` chars of `s`, cut on a char boundary.
fn prefix_chars(s: &str, n: usize) -> &str {
    s.char_indices().nth(n).map_or(s, |(i, _)| &s[..i])
}

/// The calendar day, if real and within the accepted years.
fn make_date(y: u32, m: u32, d: u32) -> Option<Date> {
    let y = i32::try_from(y).ok().filter(|y| YEARS.contains(y))?;
    let m = Month::try_from(u8::try_from(m).ok()?).ok()?;
    Date::from_calendar_date(y, m, u8::try_from(d).ok()?).ok()
}

fn make_time(h: u32, m: u32, s: u32) -> Option<Time> {
    let b = |v: u32| u8::try_from(v).ok();
    Time::from_hms(b(h)?, b(m)?, b(s)?).ok()
}

fn make_offset(negative: bool, h: u32, m: u32) -> Option<UtcOffset> {
    if h > MAX_OFFSET_HOURS || m > 59 {
        return None;
    }
    let (h, m) = (i8::try_from(h).ok()?, i8::try_from(m).ok()?);
    let (h, m) = if negative { (-h, -m) } else { (h, m) };
    UtcOffset::from_hms(h, m, 0).ok()
}

/// A time of day and, if one was stated unambiguously, its UTC offset.
#[derive(Clone, Copy, Debug)]
struct Clock {
    time: Time,
    offset: Option<UtcOffset>,
}

/// Instant only when both a time and an offset are known; otherwise the bare day.
fn stated(date: Date, clock: Option<Clock>) -> Stated {
    match clock {
        Some(Clock {
            time,
            offset: Some(off),
        }) => Stated::Instant(PrimitiveDateTime::new(date, time).assume_offset(off)),
        _ => Stated::Day(date),
    }
}

/// Zone abbreviations read as one fixed offset (minutes east of UTC). Deliberately absent:
/// ET/PT/CT/MT (silent about DST) and clashing ones like IST. CST and BST follow the common
/// news usage (US Central, British Summer).
const ZONES: &[(&str, i32)] = &[
    ("utc", 0),
    ("gmt", 0),
    ("ut", 0),
    ("wet", 0),
    ("west", 60),
    ("bst", 60),
    ("cet", 60),
    ("mez", 60),
    ("cest", 120),
    ("mesz", 120),
    ("eet", 120),
    ("eest", 180),
    ("msk", 180),
    ("wib", 420),
    ("hkt", 480),
    ("sgt", 480),
    ("awst", 480),
    ("jst", 540),
    ("kst", 540),
    ("aest", 600),
    ("aedt", 660),
    ("nzst", 720),
    ("nzdt", 780),
    ("hst", -600),
    ("akst", -540),
    ("akdt", -480),
    ("pst", -480),
    ("pdt", -420),
    ("mst", -420),
    ("mdt", -360),
    ("cst", -360),
    ("cdt", -300),
    ("est", -300),
    ("edt", -240),
];

/// The offset of a zone abbreviation (`name` already lowercase).
fn named_zone(name: &str) -> Option<UtcOffset> {
    let &(_, minutes) = ZONES.iter().find(|(n, _)| *n == name)?;
    UtcOffset::from_whole_seconds(minutes * 60).ok()
}

// ---------------------------------------------------------------------------------------------
// Machine formats

/// A byte cursor over an ASCII machine value.
struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn at_end(&self) -> bool {
        self.i >= self.b.len()
    }

    fn eat(&mut self, c: u8) -> bool {
        let hit = self.peek() == Some(c);
        self.i += usize::from(hit);
        hit
    }

    /// Exactly `n` ASCII digits.
    fn digits(&mut self, n: usize) -> Option<u32> {
        let s = self.b.get(self.i..self.i.checked_add(n)?)?;
        if !s.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.i += n;
        Some(s.iter().fold(0, |acc, c| acc * 10 + u32::from(c - b'0')))
    }

    fn skip_digits(&mut self) -> usize {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        self.i - start
    }

    fn skip_spaces(&mut self) {
        while self.peek() == Some(b' ') {
            self.i += 1;
        }
    }
}

/// `None` when `s` does not start like an ISO date; otherwise the final verdict.
fn parse_iso(s: &str) -> Option<Option<Stated>> {
    let mut c = Cursor {
        b: s.as_bytes(),
        i: 0,
    };
    let y = c.digits(4)?;
    let extended = c.eat(b'-');
    let m = c.digits(2)?;
    if extended && !c.eat(b'-') {
        return None;
    }
    let d = c.digits(2)?;
    // Eight digits count as a date only alone or before a time ("20120716T0914Z").
    if !(extended || c.at_end() || matches!(c.peek(), Some(b'T' | b't'))) {
        return None;
    }
    Some(iso_rest(c, y, m, d))
}

/// After the date: optional time ("T" or one space), optional fraction, optional zone.
fn iso_rest(mut c: Cursor, y: u32, m: u32, d: u32) -> Option<Stated> {
    let date = make_date(y, m, d)?;
    if c.at_end() {
        return Some(Stated::Day(date));
    }
    if !(c.eat(b'T') || c.eat(b't') || c.eat(b' ')) {
        return None;
    }
    let h = c.digits(2)?;
    let extended = c.eat(b':');
    let mi = c.digits(2)?;
    let mut sec = 0;
    let has_seconds = if extended {
        c.eat(b':')
    } else {
        c.peek().is_some_and(|b| b.is_ascii_digit())
    };
    if has_seconds {
        sec = c.digits(2)?;
        if (c.eat(b'.') || c.eat(b',')) && c.skip_digits() == 0 {
            return None;
        }
    }
    let time = make_time(h, mi, sec)?;
    c.skip_spaces();
    let offset = iso_zone(&mut c)?;
    c.at_end()
        .then_some(stated(date, Some(Clock { time, offset })))
}

/// `Some(None)`: no zone; `Some(Some(_))`: a zone; `None`: garbage.
fn iso_zone(c: &mut Cursor) -> Option<Option<UtcOffset>> {
    if c.at_end() {
        return Some(None);
    }
    if c.eat(b'Z') || c.eat(b'z') {
        return Some(Some(UtcOffset::UTC));
    }
    let rest = &c.b[c.i..];
    if rest.len() <= 5 && rest.iter().all(u8::is_ascii_alphabetic) {
        // A zone label; one we do not know ("ET", "IST") is treated as no zone.
        c.i = c.b.len();
        return Some(named_zone(
            &String::from_utf8_lossy(rest).to_ascii_lowercase(),
        ));
    }
    let negative = match c.peek()? {
        b'+' => false,
        b'-' => true,
        _ => return None,
    };
    c.i += 1;
    let h = c.digits(2)?;
    let m = if c.eat(b':') || !c.at_end() {
        c.digits(2)?
    } else {
        0
    };
    make_offset(negative, h, m).map(Some)
}

/// "Mon, 16 Jul 2012 09:14:05 GMT", "16 Jul 2012 09:14 -0500 (CDT)". No zone → Day.
fn parse_rfc2822(s: &str) -> Option<Stated> {
    let mut parts = s.split_ascii_whitespace().peekable();
    let first = *parts.peek()?;
    if first.ends_with(',') && first.len() > 1 {
        parts.next(); // the weekday; its spelling does not matter
    }
    let d = whole_number(parts.next()?, 1..=2)?;
    let m = english_month(parts.next()?)?;
    let y = whole_number(parts.next()?, 4..=4)?;
    let date = make_date(y, m, d)?;
    let Some(hms) = parts.next() else {
        return Some(Stated::Day(date));
    };
    let mut fields = hms.split(':');
    let mut field = || fields.next().and_then(|f| whole_number(f, 2..=2));
    let (h, mi) = (field()?, field()?);
    let sec = if hms.len() > 5 { field()? } else { 0 };
    let time = make_time(h, mi, sec)?;
    let offset = match parts.next() {
        None => None,
        Some(z) => Some(rfc_zone(z)?),
    };
    // Anything after the zone must be a comment such as "(CDT)".
    if parts.next().is_some_and(|p| !p.starts_with('(')) {
        return None;
    }
    Some(stated(date, Some(Clock { time, offset })))
}

fn rfc_zone(z: &str) -> Option<UtcOffset> {
    let negative = match z.as_bytes().first()? {
        b'+' => false,
        b'-' => true,
        _ if z.eq_ignore_ascii_case("z") => return Some(UtcOffset::UTC),
        _ => return named_zone(&z.to_ascii_lowercase()),
    };
    let hhmm = whole_number(&z[1..], 4..=4)?;
    make_offset(negative, hhmm / 100, hhmm % 100)
}

fn english_month(w: &str) -> Option<u32> {
    let w = w.strip_suffix('.').unwrap_or(w).to_ascii_lowercase();
    let i = ENGLISH
        .iter()
        .position(|names| names.contains(&w.as_str()))?;
    u32::try_from(i + 1).ok()
}

/// `s` is entirely ASCII digits, with a digit count in `len`.
fn whole_number(s: &str, len: RangeInclusive<usize>) -> Option<u32> {
    if !len.contains(&s.len()) || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `s` starts with a run of ASCII digits whose length is in `len` (the run is maximal).
fn leading_number(s: &str, len: RangeInclusive<usize>) -> Option<u32> {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    whole_number(&s[..n], len)
}

// ---------------------------------------------------------------------------------------------
// URLs

/// The path of an absolute, protocol-relative or bare-path URL, without query and fragment.
fn url_path(url: &str) -> &str {
    fn after_host(rest: &str) -> &str {
        rest.find('/').map_or("", |p| &rest[p..])
    }
    let s = url.trim();
    let s = s.split(['?', '#']).next().unwrap_or("");
    if let Some(p) = s.find("://") {
        let scheme = &s[..p];
        if !scheme.is_empty()
            && scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+.-".contains(&b))
        {
            return after_host(&s[p + 3..]);
        }
    }
    match s.strip_prefix("//") {
        Some(rest) => after_host(rest),
        None => s,
    }
}

/// A month segment: "07", "7", or an English name ("jul", "july").
fn url_month(seg: &str) -> Option<u32> {
    whole_number(seg, 1..=2).or_else(|| english_month(seg))
}

/// "2012-07-16" or "2012_07_16" inside a segment, not glued to other digits.
fn dashed_in(seg: &str) -> Option<Date> {
    let b = seg.as_bytes();
    (0..b.len().saturating_sub(9)).find_map(|p| {
        let w = &b[p..p + 10];
        let digit = |i: usize| w[i].is_ascii_digit();
        let shaped = [0, 1, 2, 3, 5, 6, 8, 9].into_iter().all(digit)
            && matches!(w[4], b'-' | b'_')
            && w[7] == w[4]
            && (p == 0 || !b[p - 1].is_ascii_digit())
            && b.get(p + 10).is_none_or(|c| !c.is_ascii_digit());
        if !shaped {
            return None;
        }
        let num = |r: std::ops::Range<usize>| seg[p + r.start..p + r.end].parse().ok();
        make_date(num(0..4)?, num(5..7)?, num(8..10)?)
    })
}

/// "20120716" as a whole segment or at its start before a non-digit ("20120716-title").
fn compact_at_start(seg: &str) -> Option<Date> {
    let ymd = leading_number(seg, 8..=8)?;
    make_date(ymd / 10000, ymd / 100 % 100, ymd % 100)
}

// ---------------------------------------------------------------------------------------------
// Tokens of human text

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    /// A maximal run of digits (ASCII or full-width); `val` saturates.
    Num {
        val: u32,
        digits: usize,
    },
    /// A maximal run of letters, lowercased and folded (see `fold`); CJK characters are
    /// one-character words. `upper`: no lowercase letter in the original.
    Word {
        text: String,
        upper: bool,
    },
    Punct(char),
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    /// Whitespace came right before this token.
    spaced: bool,
}

impl Token {
    fn num(&self, len: &RangeInclusive<usize>) -> Option<u32> {
        match self.tok {
            Tok::Num { val, digits } if len.contains(&digits) => Some(val),
            _ => None,
        }
    }

    fn word(&self) -> Option<&str> {
        match &self.tok {
            Tok::Word { text, .. } => Some(text),
            _ => None,
        }
    }

    fn is_upper_word(&self) -> bool {
        matches!(self.tok, Tok::Word { upper: true, .. })
    }

    fn punct_in(&self, set: &[char]) -> Option<char> {
        match self.tok {
            Tok::Punct(c) if set.contains(&c) => Some(c),
            _ => None,
        }
    }
}

fn tokenize(s: &str) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    let mut spaced = false;
    for c in s.chars() {
        if is_space(c) {
            spaced = true;
            continue;
        }
        if is_combining(c) {
            continue; // decomposed accents: the base letter alone is what we match on
        }
        let last = out.last_mut().filter(|_| !spaced).map(|t| &mut t.tok);
        if let Some(d) = digit_value(c) {
            if let Some(Tok::Num { val, digits }) = last {
                *val = val.saturating_mul(10).saturating_add(d);
                *digits = digits.saturating_add(1);
            } else {
                out.push(Token {
                    tok: Tok::Num { val: d, digits: 1 },
                    spaced,
                });
            }
        } else if is_cjk(c) {
            let tok = Tok::Word {
                text: c.to_string(),
                upper: false,
            };
            out.push(Token { tok, spaced });
        } else if c.is_alphabetic() {
            if let Some(Tok::Word { text, upper }) = last {
                push_folded(text, c);
                *upper &= !c.is_lowercase();
            } else {
                let mut text = String::new();
                push_folded(&mut text, c);
                let tok = Tok::Word {
                    text,
                    upper: !c.is_lowercase(),
                };
                out.push(Token { tok, spaced });
            }
        } else {
            out.push(Token {
                tok: Tok::Punct(c),
                spaced,
            });
        }
        spaced = false;
    }
    out
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}')
}

fn is_combining(c: char) -> bool {
    matches!(c, '\u{300}'..='\u{36F}')
}

fn digit_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

/// Kana, CJK ideographs and Hangul: words are not space-separated there, so each character
/// is its own token (年, 月, 日, 년, 월, 일 must stand alone).
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{11FF}'
        | '\u{3040}'..='\u{30FF}'
        | '\u{3130}'..='\u{318F}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{AC00}'..='\u{D7AF}'
        | '\u{F900}'..='\u{FAFF}')
}

fn push_folded(text: &mut String, c: char) {
    for lc in c.to_lowercase() {
        match fold(lc) {
            Some(s) => text.push_str(s),
            None => text.push(lc),
        }
    }
}

/// Latin letters with diacritics to their base letters, so tables need one spelling
/// ("février"/"fevrier", "Mayıs"/"MAYIS" both match). Cyrillic is left alone.
fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'č' => "c",
        'ď' | 'đ' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'ğ' => "g",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => "i",
        'ł' | 'ľ' | 'ĺ' => "l",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ő' | 'ø' => "o",
        'ř' => "r",
        'ś' | 'š' | 'ş' | 'ș' => "s",
        'ť' | 'ţ' | 'ț' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        'ß' => "ss",
        '\u{307}' => "", // from lowercasing Turkish 'İ'
        _ => return None,
    })
}

// ---------------------------------------------------------------------------------------------
// Month names, folded (see `fold`). Index 0 is January.

type Months = [&'static [&'static str]; 12];

const ENGLISH: Months = [
    &["january", "jan"],
    &["february", "feb"],
    &["march", "mar"],
    &["april", "apr"],
    &["may"],
    &["june", "jun"],
    &["july", "jul"],
    &["august", "aug"],
    &["september", "sep", "sept"],
    &["october", "oct"],
    &["november", "nov"],
    &["december", "dec"],
];
const GERMAN: Months = [
    &["januar", "jan", "janner", "jaenner"],
    &["februar", "feb"],
    &["marz", "maerz", "mrz"],
    &["april", "apr"],
    &["mai"],
    &["juni", "jun"],
    &["juli", "jul"],
    &["august", "aug"],
    &["september", "sep", "sept"],
    &["oktober", "okt"],
    &["november", "nov"],
    &["dezember", "dez"],
];
const FRENCH: Months = [
    &["janvier", "janv"],
    &["fevrier", "fevr", "fev"],
    &["mars"],
    &["avril", "avr"],
    &["mai"],
    &["juin"],
    &["juillet", "juil"],
    &["aout"],
    &["septembre", "sept"],
    &["octobre", "oct"],
    &["novembre", "nov"],
    &["decembre", "dec"],
];
const SPANISH: Months = [
    &["enero", "ene"],
    &["febrero", "feb"],
    &["marzo", "mar"],
    &["abril", "abr"],
    &["mayo", "may"],
    &["junio", "jun"],
    &["julio", "jul"],
    &["agosto", "ago"],
    &["septiembre", "setiembre", "sep", "sept", "set"],
    &["octubre", "oct"],
    &["noviembre", "nov"],
    &["diciembre", "dic"],
];
const ITALIAN: Months = [
    &["gennaio", "gen"],
    &["febbraio", "feb"],
    &["marzo", "mar"],
    &["aprile", "apr"],
    &["maggio", "mag"],
    &["giugno", "giu"],
    &["luglio", "lug"],
    &["agosto", "ago"],
    &["settembre", "set"],
    &["ottobre", "ott"],
    &["novembre", "nov"],
    &["dicembre", "dic"],
];
const PORTUGUESE: Months = [
    &["janeiro", "jan"],
    &["fevereiro", "fev"],
    &["marco", "mar"],
    &["abril", "abr"],
    &["maio", "mai"],
    &["junho", "jun"],
    &["julho", "jul"],
    &["agosto", "ago"],
    &["setembro", "set"],
    &["outubro", "out"],
    &["novembro", "nov"],
    &["dezembro", "dez"],
];
const DUTCH: Months = [
    &["januari", "jan"],
    &["februari", "feb"],
    &["maart", "mrt"],
    &["april", "apr"],
    &["mei"],
    &["juni", "jun"],
    &["juli", "jul"],
    &["augustus", "aug"],
    &["september", "sep", "sept"],
    &["oktober", "okt"],
    &["november", "nov"],
    &["december", "dec"],
];
/// Swedish, Danish, Norwegian.
const SCANDINAVIAN: Months = [
    &["januari", "januar", "jan"],
    &["februari", "februar", "feb"],
    &["mars", "marts", "mar"],
    &["april", "apr"],
    &["maj", "mai"],
    &["juni", "jun"],
    &["juli", "jul"],
    &["augusti", "august", "aug"],
    &["september", "sep", "sept"],
    &["oktober", "okt"],
    &["november", "nov"],
    &["december", "desember", "dec", "des"],
];
/// Nominative, genitive ("16 lipca"), abbreviations.
const POLISH: Months = [
    &["styczen", "stycznia", "sty"],
    &["luty", "lutego", "lut"],
    &["marzec", "marca"],
    &["kwiecien", "kwietnia", "kwi"],
    &["maj", "maja"],
    &["czerwiec", "czerwca", "cze"],
    &["lipiec", "lipca", "lip"],
    &["sierpien", "sierpnia", "sie"],
    &["wrzesien", "wrzesnia", "wrz"],
    &["pazdziernik", "pazdziernika", "paz"],
    &["listopad", "listopada", "lis"],
    &["grudzien", "grudnia", "gru"],
];
const CZECH: Months = [
    &["leden", "ledna"],
    &["unor", "unora"],
    &["brezen", "brezna"],
    &["duben", "dubna"],
    &["kveten", "kvetna"],
    &["cerven", "cervna"],
    &["cervenec", "cervence"],
    &["srpen", "srpna"],
    &["zari"],
    &["rijen", "rijna"],
    &["listopad", "listopadu"],
    &["prosinec", "prosince"],
];
/// Croatian. October ("listopad(a)") is left out on purpose: the same word is November in
/// Polish and Czech, and a wrong month is worse than no date.
const CROATIAN: Months = [
    &["sijecanj", "sijecnja"],
    &["veljaca", "veljace"],
    &["ozujak", "ozujka"],
    &["travanj", "travnja"],
    &["svibanj", "svibnja"],
    &["lipanj", "lipnja"],
    &["srpanj", "srpnja"],
    &["kolovoz", "kolovoza"],
    &["rujan", "rujna"],
    &[],
    &["studeni", "studenoga", "studenog"],
    &["prosinac", "prosinca"],
];
/// Bosnian and Serbian (Latin script).
const BOSNIAN_SERBIAN: Months = [
    &["januar", "januara"],
    &["februar", "februara"],
    &["mart", "marta"],
    &["april", "aprila"],
    &["maj", "maja"],
    &["jun", "juni", "juna"],
    &["jul", "juli", "jula"],
    &["avgust", "avgusta", "august", "augusta"],
    &["septembar", "septembra"],
    &["oktobar", "oktobra"],
    &["novembar", "novembra"],
    &["decembar", "decembra"],
];
const TURKISH: Months = [
    &["ocak"],
    &["subat"],
    &["mart"],
    &["nisan"],
    &["mayis"],
    &["haziran"],
    &["temmuz"],
    &["agustos"],
    &["eylul"],
    &["ekim"],
    &["kasim"],
    &["aralik"],
];
const RUSSIAN: Months = [
    &["января", "январь", "янв"],
    &["февраля", "февраль", "фев"],
    &["марта", "март", "мар"],
    &["апреля", "апрель", "апр"],
    &["мая", "май"],
    &["июня", "июнь", "июн"],
    &["июля", "июль", "июл"],
    &["августа", "август", "авг"],
    &["сентября", "сентябрь", "сен", "сент"],
    &["октября", "октябрь", "окт"],
    &["ноября", "ноябрь", "ноя"],
    &["декабря", "декабрь", "дек"],
];
const UKRAINIAN: Months = [
    &["січня", "січень"],
    &["лютого", "лютий"],
    &["березня", "березень"],
    &["квітня", "квітень"],
    &["травня", "травень"],
    &["червня", "червень"],
    &["липня", "липень"],
    &["серпня", "серпень"],
    &["вересня", "вересень"],
    &["жовтня", "жовтень"],
    &["листопада", "листопад"],
    &["грудня", "грудень"],
];
/// Indonesian and Malay.
const INDONESIAN_MALAY: Months = [
    &["januari", "jan"],
    &["februari", "feb"],
    &["maret", "mac", "mar"],
    &["april", "apr"],
    &["mei"],
    &["juni", "jun"],
    &["juli", "julai", "jul"],
    &["agustus", "ogos", "agu", "agt", "ags"],
    &["september", "sep", "sept"],
    &["oktober", "okt"],
    &["november", "nov", "nop"],
    &["desember", "disember", "des"],
];
const TAGALOG: Months = [
    &["enero"],
    &["pebrero"],
    &["marso"],
    &["abril"],
    &["mayo"],
    &["hunyo"],
    &["hulyo"],
    &["agosto"],
    &["setyembre"],
    &["oktubre"],
    &["nobyembre"],
    &["disyembre"],
];
const HUNGARIAN: Months = [
    &["januar", "jan"],
    &["februar", "febr"],
    &["marcius", "marc"],
    &["aprilis", "apr"],
    &["majus", "maj"],
    &["junius", "jun"],
    &["julius", "jul"],
    &["augusztus", "aug"],
    &["szeptember", "szept"],
    &["oktober", "okt"],
    &["november", "nov"],
    &["december", "dec"],
];

const LANGUAGES: &[&Months] = &[
    &ENGLISH,
    &GERMAN,
    &FRENCH,
    &SPANISH,
    &ITALIAN,
    &PORTUGUESE,
    &DUTCH,
    &SCANDINAVIAN,
    &POLISH,
    &CZECH,
    &CROATIAN,
    &BOSNIAN_SERBIAN,
    &TURKISH,
    &RUSSIAN,
    &UKRAINIAN,
    &INDONESIAN_MALAY,
    &TAGALOG,
    &HUNGARIAN,
];

/// Short names that are also ordinary words ("may", "mar", "set", "out", "des"...). They count
/// only in the tightest patterns: directly next to the day number, no "of"/"de" in between.
const AMBIGUOUS_MONTHS: &[&str] = &[
    "mar", "may", "maj", "mai", "mag", "gen", "set", "sie", "lis", "lut", "lip", "ago", "out",
    "des", "mac", "mei", "mart", "marta", "maja",
];

/// The month (1..=12) a folded word names, if any.
fn month_number(word: &str) -> Option<u32> {
    LANGUAGES.iter().find_map(|table| {
        let i = table.iter().position(|names| names.contains(&word))?;
        u32::try_from(i + 1).ok()
    })
}

// ---------------------------------------------------------------------------------------------
// Token patterns

/// A read-only position in the token list; `Copy`, so a failed attempt just drops its copy.
#[derive(Clone, Copy)]
struct Toks<'a> {
    t: &'a [Token],
    i: usize,
}

impl<'a> Toks<'a> {
    fn peek(&self) -> Option<&'a Token> {
        self.t.get(self.i)
    }

    /// The next token, only if no whitespace precedes it.
    fn peek_glued(&self) -> Option<&'a Token> {
        self.peek().filter(|t| !t.spaced)
    }

    fn step<T>(&mut self, v: Option<T>) -> Option<T> {
        self.i += usize::from(v.is_some());
        v
    }

    fn num(&mut self, len: RangeInclusive<usize>) -> Option<u32> {
        let v = self.peek().and_then(|t| t.num(&len));
        self.step(v)
    }

    fn glued_num(&mut self, len: RangeInclusive<usize>) -> Option<u32> {
        let v = self.peek_glued().and_then(|t| t.num(&len));
        self.step(v)
    }

    fn punct_in(&mut self, set: &[char]) -> Option<char> {
        let v = self.peek().and_then(|t| t.punct_in(set));
        self.step(v)
    }

    fn glued_punct_in(&mut self, set: &[char]) -> Option<char> {
        let v = self.peek_glued().and_then(|t| t.punct_in(set));
        self.step(v)
    }

    fn glued_punct(&mut self, c: char) -> bool {
        self.glued_punct_in(&[c]).is_some()
    }

    fn word_in(&mut self, set: &[&str]) -> bool {
        let hit = self
            .peek()
            .and_then(Token::word)
            .is_some_and(|w| set.contains(&w));
        self.step(hit.then_some(())).is_some()
    }

    fn glued_word_in(&mut self, set: &[&str]) -> bool {
        !self.peek().is_some_and(|t| t.spaced) && self.word_in(set)
    }

    /// A month name with an optional glued dot; also says whether the name is ambiguous.
    fn month(&mut self) -> Option<(u32, bool)> {
        let w = self.peek()?.word()?;
        let m = month_number(w)?;
        self.i += 1;
        self.glued_punct('.');
        Some((m, AMBIGUOUS_MONTHS.contains(&w)))
    }

    /// "st", "nd", "rd", "th" (English), "er" (French 1er), "º"/"ª", right after a day number.
    fn ordinal_suffix(&mut self) -> bool {
        self.glued_word_in(&["st", "nd", "rd", "th", "er", "º", "ª"])
    }

    fn found(&self, y: u32, m: u32, d: u32) -> Option<Found> {
        // Date-shaped means a plausible month and day; the calendar check comes later.
        ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some(Found::Date {
            y,
            m,
            d,
            end: self.i,
        })
    }
}

#[derive(Debug)]
enum Found {
    /// A date-shaped match (month 1..=12, day 1..=31); `end` is the token after it.
    Date { y: u32, m: u32, d: u32, end: usize },
    /// A numeric date whose day/month order cannot be told.
    Ambiguous,
}

type Pattern = fn(Toks) -> Option<Found>;

/// Tried in order at each position; their shapes barely overlap.
const PATTERNS: [Pattern; 7] = [
    ymd_numeric,
    dmy_dotted,
    slashed,
    cjk,
    year_first_word,
    day_first_word,
    month_first,
];

fn date_at(t: &[Token], i: usize) -> Option<Found> {
    if glued_to_number_before(t, i) {
        return None;
    }
    let found = PATTERNS.iter().find_map(|p| p(Toks { t, i }))?;
    match found {
        Found::Date { end, .. } if glued_number_at(t, end) => None,
        f => Some(f),
    }
}

/// Token `i` continues a digit group like "1.2" or "10:" (part of a version, a phone number,
/// a time): a date must not start there.
fn glued_to_number_before(t: &[Token], i: usize) -> bool {
    i >= 2
        && t.get(i).is_some_and(|tok| !tok.spaced)
        && !t[i - 1].spaced
        && t[i - 1].punct_in(&['.', '-', '/', ':']).is_some()
        && matches!(t[i - 2].tok, Tok::Num { .. })
}

/// Token `end` glues the match to a further number ("1.2.2012.5", "2012-07-16-1234").
fn glued_number_at(t: &[Token], end: usize) -> bool {
    let c = Toks { t, i: end };
    c.peek_glued()
        .and_then(|p| p.punct_in(&['.', '-', '/', ':']))
        .is_some()
        && Toks { t, i: end + 1 }
            .peek_glued()
            .is_some_and(|n| matches!(n.tok, Tok::Num { .. }))
}

/// 2012-07-16, 2012/07/16, 2012.07.16, Korean-style 2012. 7. 16. Year first is always Y-M-D.
fn ymd_numeric(mut c: Toks) -> Option<Found> {
    let y = c.num(4..=4)?;
    let sep = c.glued_punct_in(&['-', '/', '.'])?;
    let m = if sep == '.' {
        c.num(1..=2)?
    } else {
        c.glued_num(1..=2)?
    };
    if !c.glued_punct(sep) {
        return None;
    }
    let d = if sep == '.' {
        c.num(1..=2)?
    } else {
        c.glued_num(1..=2)?
    };
    c.found(y, m, d)
}

/// 16.07.2012, 16.7.2012, 16. 7. 2012: dots mean day.month.year.
fn dmy_dotted(mut c: Toks) -> Option<Found> {
    let d = c.num(1..=2)?;
    if !c.glued_punct('.') {
        return None;
    }
    let m = c.num(1..=2)?;
    if !c.glued_punct('.') {
        return None;
    }
    let y = c.num(4..=4)?;
    c.found(y, m, d)
}

/// 07/16/2012, 16/07/2012, 16-07-2012: the order is taken only when the numbers decide it.
fn slashed(mut c: Toks) -> Option<Found> {
    let a = c.num(1..=2)?;
    let sep = c.glued_punct_in(&['/', '-'])?;
    let b = c.glued_num(1..=2)?;
    if !c.glued_punct(sep) {
        return None;
    }
    let y = c.glued_num(4..=4)?;
    let month = |v: u32| (1..=12).contains(&v);
    match (month(a), month(b)) {
        (true, true) if a != b => Some(Found::Ambiguous),
        (true, _) => c.found(y, a, b),
        (false, true) => c.found(y, b, a),
        (false, false) => None,
    }
}

/// 2012年7月16日 (Chinese, Japanese), 2012년 7월 16일 (Korean).
fn cjk(mut c: Toks) -> Option<Found> {
    let y = c.num(4..=4)?;
    let (month_mark, day_marks): (&str, &[&str]) = if c.word_in(&["年"]) {
        ("月", &["日", "号", "號"])
    } else if c.word_in(&["년"]) {
        ("월", &["일"])
    } else {
        return None;
    };
    let m = c.num(1..=2)?;
    if !c.word_in(&[month_mark]) {
        return None;
    }
    let d = c.num(1..=2)?;
    if !c.word_in(day_marks) {
        return None;
    }
    c.found(y, m, d)
}

/// 2012. július 16. (Hungarian), 2012-Jul-16.
fn year_first_word(mut c: Toks) -> Option<Found> {
    let y = c.num(4..=4)?;
    let sep = c.glued_punct_in(&['.', '-'])?;
    let (m, _) = c.month()?;
    if sep == '-' && !c.glued_punct('-') {
        return None;
    }
    let d = c.num(1..=2)?;
    c.found(y, m, d)
}

/// 16 July 2012, 16. Juli 2012, 16th of July 2012, 1er août 2012, 16 de julio de 2012,
/// 16-Jul-2012, 16 July, 2012, 16 июля 2012.
fn day_first_word(mut c: Toks) -> Option<Found> {
    let d = c.num(1..=2)?;
    if c.glued_punct_in(&['.', '-']).is_none() && c.ordinal_suffix() {
        c.glued_punct('.');
    }
    let linked = c.word_in(&["of", "de"]);
    let (m, ambiguous) = c.month()?;
    let linked = c.word_in(&["de", "del"]) || linked;
    if !linked && c.glued_punct_in(&['-', ',']).is_none() {
        c.punct_in(&[',']);
    }
    if ambiguous && linked {
        return None;
    }
    let y = c.num(4..=4)?;
    c.found(y, m, d)
}

/// July 16, 2012; Jul 16 2012; Sept. 3, 2015; July 16th, 2012; Hulyo 16, 2012.
fn month_first(mut c: Toks) -> Option<Found> {
    let (m, _) = c.month()?;
    let d = c.num(1..=2)?;
    c.ordinal_suffix();
    c.punct_in(&[',']);
    let y = c.num(4..=4)?;
    c.found(y, m, d)
}

// ---------------------------------------------------------------------------------------------
// Times and zones in human text

/// Words that may sit between a date and its time: "at", "um", "à", "alle", "om", "kl.",
/// ISO "T", Russian "в", the year marks "г."/"р."/"roku"...
const TIME_LEAD_INS: &[&str] = &[
    "at", "um", "a", "as", "alle", "ore", "om", "kl", "klo", "kello", "o", "ob", "u", "t", "в",
    "о", "saat", "las", "г", "р", "года", "року", "roku", "r", "godz", "hod", "le",
];

/// Words that may sit between a time and the date after it ("9:14 AM EST, on Monday, July 16").
const DATE_LEAD_INS: &[&str] = &[
    "on",
    "le",
    "el",
    "il",
    "am",
    "den",
    "em",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mon",
    "tue",
    "tues",
    "wed",
    "thu",
    "thur",
    "thurs",
    "fri",
    "sat",
    "sun",
];

const SEPARATORS: &[char] = &[
    ',', ';', '.', '-', '|', '@', '·', '•', '–', '—', '/', '(', ')',
];

fn is_separator(tok: &Token, words: &[&str]) -> bool {
    tok.punct_in(SEPARATORS).is_some() || tok.word().is_some_and(|w| words.contains(&w))
}

/// A time within a few separator tokens after a date.
fn clock_after(t: &[Token], mut i: usize) -> Option<Clock> {
    for _ in 0..4 {
        if let Some((clock, _)) = time_at(t, i) {
            return Some(clock);
        }
        if !is_separator(t.get(i)?, TIME_LEAD_INS) {
            return None;
        }
        i += 1;
    }
    None
}

/// The tokens between a time and a date are few and only separators.
fn links(between: &[Token]) -> bool {
    between.len() <= 4 && between.iter().all(|t| is_separator(t, DATE_LEAD_INS))
}

/// 9:14, 09:14:05, 09:14:05.123, 9:14 AM, 7:05 p.m., 9.14 Uhr, 21h14; then an optional zone.
fn time_at(t: &[Token], i: usize) -> Option<(Clock, usize)> {
    if glued_to_number_before(t, i) {
        return None;
    }
    let mut c = Toks { t, i };
    let h = c.num(1..=2)?;
    let sep = match c.glued_punct_in(&[':', '.']) {
        Some(p) => p,
        None if c.glued_word_in(&["h"]) => 'h',
        None => return None,
    };
    let mi = c.glued_num(2..=2)?;
    let mut s = 0;
    let has_seconds = sep == ':' && c.glued_punct(':');
    if has_seconds {
        s = c.glued_num(2..=2)?;
        let mut frac = c;
        if frac.glued_punct_in(&['.', ',']).is_some() && frac.glued_num(1..=9).is_some() {
            c = frac;
        }
    }
    let pm = meridiem(&mut c);
    let uhr = c.word_in(&["uhr", "h"]);
    if sep == '.' && pm.is_none() && !uhr {
        return None; // "9.14" alone is too often not a time
    }
    let h = match pm {
        None => h,
        Some(_) if !(1..=12).contains(&h) => return None,
        Some(pm) => h % 12 + if pm { 12 } else { 0 },
    };
    let time = make_time(h, mi, s)?;
    let offset = zone(&mut c, has_seconds);
    Some((Clock { time, offset }, c.i))
}

/// "am", "pm", "a.m.", "p.m." → Some(is_pm).
fn meridiem(c: &mut Toks) -> Option<bool> {
    let mut n = *c;
    let w = n.peek()?.word()?;
    n.i += 1;
    let pm = match w {
        "am" => false,
        "pm" => true,
        "a" | "p" if n.glued_punct('.') && n.glued_word_in(&["m"]) => {
            n.glued_punct('.');
            w == "p"
        }
        _ => return None,
    };
    *c = n;
    Some(pm)
}

/// A zone after a time: "Z" (glued), "+02:00", "+0200", "GMT+2", "UTC+05:30", "GMT-5",
/// "(CEST)", or an abbreviation from `ZONES` written in capitals. None when absent or
/// ambiguous ("ET", "PT", "IST").
fn zone(c: &mut Toks, had_seconds: bool) -> Option<UtcOffset> {
    let mut n = *c;
    let paren = n.punct_in(&['(']).is_some();
    let off = zone_body(&mut n, had_seconds)?;
    if paren {
        n.punct_in(&[')']);
    }
    *c = n;
    Some(off)
}

fn zone_body(c: &mut Toks, had_seconds: bool) -> Option<UtcOffset> {
    let tok = c.peek()?;
    let Some(w) = tok.word() else {
        return signed_offset(c, false, had_seconds);
    };
    match w {
        "z" if !tok.spaced => {
            c.i += 1;
            Some(UtcOffset::UTC)
        }
        "utc" | "gmt" | "ut" => {
            c.i += 1;
            Some(signed_offset(c, true, had_seconds).unwrap_or(UtcOffset::UTC))
        }
        // Lowercase "est", "mst"... are ordinary words in several languages.
        _ if tok.is_upper_word() => {
            let off = named_zone(w)?;
            c.i += 1;
            Some(off)
        }
        _ => None,
    }
}

/// "+02:00", "+0200"; right after GMT/UTC (`after_name`) also "+2", "-05", "+5:30".
/// A minus glued to a time without seconds is refused: "12:00-13:00" is a range.
fn signed_offset(c: &mut Toks, after_name: bool, had_seconds: bool) -> Option<UtcOffset> {
    let mut n = *c;
    let signs = ['+', '-', '\u{2212}'];
    let glued = n.peek_glued().is_some();
    let sign = if after_name {
        n.glued_punct_in(&signs)?
    } else {
        n.punct_in(&signs)?
    };
    if !after_name && glued && sign != '+' && !had_seconds {
        return None;
    }
    let Tok::Num { val, digits } = n.peek_glued()?.tok else {
        return None;
    };
    n.i += 1;
    let (h, m) = if digits == 4 {
        (val / 100, val % 100)
    } else if n.glued_punct(':') {
        (val, n.glued_num(2..=2)?)
    } else if after_name && digits <= 2 {
        (val, 0)
    } else {
        return None;
    };
    let off = make_offset(sign != '+', h, m)?;
    *c = n;
    Some(off)
}

#[cfg(test)]
mod tests;

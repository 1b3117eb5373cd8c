//! The article's language: detected from its kept text (whatlang), checked against what the
//! page declares.

use whatlang::Lang;

/// Most bytes of text the detector reads: a paragraph or two decide (whatlang's trigrams settle
/// within a few hundred characters), and the cost stays small.
const MAX_TEXT_BYTES: usize = 1_200;

/// The BCP 47 primary subtag of a detected language.
fn tag(lang: Lang) -> &'static str {
    use Lang::*;
    match lang {
        Epo => "eo",
        Eng => "en",
        Rus => "ru",
        Cmn => "zh",
        Spa => "es",
        Por => "pt",
        Ita => "it",
        Ben => "bn",
        Fra => "fr",
        Deu => "de",
        Ukr => "uk",
        Kat => "ka",
        Ara => "ar",
        Hin => "hi",
        Jpn => "ja",
        Heb => "he",
        Yid => "yi",
        Pol => "pl",
        Amh => "am",
        Jav => "jv",
        Kor => "ko",
        Nob => "nb",
        Dan => "da",
        Swe => "sv",
        Fin => "fi",
        Tur => "tr",
        Nld => "nl",
        Hun => "hu",
        Ces => "cs",
        Ell => "el",
        Bul => "bg",
        Bel => "be",
        Mar => "mr",
        Kan => "kn",
        Ron => "ro",
        Slv => "sl",
        Hrv => "hr",
        Srp => "sr",
        Mkd => "mk",
        Lit => "lt",
        Lav => "lv",
        Est => "et",
        Tam => "ta",
        Vie => "vi",
        Urd => "ur",
        Tha => "th",
        Guj => "gu",
        Uzb => "uz",
        Pan => "pa",
        Aze => "az",
        Ind => "id",
        Tel => "te",
        Pes => "fa",
        Mal => "ml",
        Ori => "or",
        Mya => "my",
        Nep => "ne",
        Sin => "si",
        Khm => "km",
        Tuk => "tk",
        Aka => "ak",
        Zul => "zu",
        Sna => "sn",
        Afr => "af",
        Lat => "la",
        Slk => "sk",
        Cat => "ca",
        Tgl => "tl",
        Hye => "hy",
        Cym => "cy",
    }
}

/// Languages a detector tells apart poorly from their text but a page names exactly: when the
/// page declares one of a group and the text reads as another of it, the page is right.
const CLOSE: &[&[&str]] = &[
    &["hr", "sr", "bs", "sh", "me"],
    &["no", "nb", "nn", "da"],
    &["id", "ms"],
    &["cs", "sk"],
    &["hi", "mr", "ne"],
    &["es", "gl", "ca"],
    &["pt", "gl"],
    &["fa", "ur", "ar", "ps"],
    &["zh", "ja"],
];

/// A declared tag's parts, checked: primary subtag (2–3 letters, lower-cased) and region, if
/// any (2 letters, upper-cased). "de_DE", "en-us" and "pt-BR" all read.
pub fn parse_declared(tag: &str) -> Option<(String, Option<String>)> {
    let mut parts = tag.trim().split(['-', '_']);
    let primary = parts.next()?.to_ascii_lowercase();
    if !(2..=3).contains(&primary.len()) || !primary.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    let region = parts
        .find(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_alphabetic()))
        .map(str::to_ascii_uppercase);
    Some((primary, region))
}

/// Where the language came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    /// The text, read by the detector, agreeing with the page's declaration or with none.
    Text,
    /// The text, against a page that declared another language.
    TextOverDeclared,
    /// The page's declaration, which the text confirms or cannot decide.
    Declared,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Text => "text",
            Basis::TextOverDeclared => "text (the page declared another)",
            Basis::Declared => "declared",
        }
    }
}

/// The language of `text` (the article's kept paragraphs), given what the page declares: the
/// detector's answer when it agrees with the declaration or is reliable against it (unless the
/// two are close languages a detector confuses), else the declared language; with nothing
/// declared, the detector's answer when it is at least fairly confident; `None` otherwise.
pub fn decide<'t>(
    text: impl Iterator<Item = &'t str>,
    declared: Option<&str>,
) -> Option<(String, Basis)> {
    let mut sample = String::new();
    for t in text {
        if sample.len() >= MAX_TEXT_BYTES {
            break;
        }
        let room = MAX_TEXT_BYTES - sample.len();
        let mut end = t.len().min(room);
        while !t.is_char_boundary(end) {
            end -= 1;
        }
        sample.push_str(&t[..end]);
        sample.push('\n');
    }
    let declared = declared.and_then(parse_declared);
    let detected = whatlang::detect(&sample).map(|info| (tag(info.lang()), info.confidence()));
    let with_region = |primary: &str| match &declared {
        Some((p, Some(region))) if p == primary => format!("{primary}-{region}"),
        _ => primary.to_owned(),
    };
    match (detected, &declared) {
        (Some((d, _)), Some((p, _))) if d == p => Some((with_region(d), Basis::Text)),
        (Some((d, c)), Some((p, _)))
            if c > RELIABLE
                && detectable(p)
                && !CLOSE
                    .iter()
                    .any(|g| g.contains(&d) && g.contains(&p.as_str())) =>
        {
            Some((d.to_owned(), Basis::TextOverDeclared))
        }
        (_, Some((p, _))) => Some((with_region(p), Basis::Declared)),
        (Some((d, c)), None) if c >= UNDECLARED => Some((d.to_owned(), Basis::Text)),
        (_, None) => None,
    }
}

/// Whether the detector knows the language at all: a page declaring one it does not
/// (Albanian, Basque, Irish …) is taken at its word, since the text can only be misread as a
/// neighbour.
fn detectable(primary: &str) -> bool {
    Lang::all().iter().any(|&l| tag(l) == primary)
}

/// The detector's confidence above which the text overrules what the page declares (whatlang
/// calls this "reliable").
const RELIABLE: f64 = 0.9;
/// The confidence that names an article's language when nothing declares one: short texts
/// (a two-paragraph wire item) rarely reach [`RELIABLE`] even in a script only one language
/// writes so, and below this the detector is guessing between neighbours.
const UNDECLARED: f64 = 0.4;

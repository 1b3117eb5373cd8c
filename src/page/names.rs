//! Authors' names from bylines and meta values, and headlines without the site's name.

/// Words that open a byline before the names ("By Jane Doe", "Von Hans Müller", "Posted by").
const BY: &[&str] = &[
    "written by",
    "reporting by",
    "posted by",
    "published by",
    "veröffentlicht von",
    "geschrieben von",
    "erstellt von",
    "ein artikel von",
    "ein beitrag von",
    "autor",
    "autorin",
    "author",
    "authors",
    "by",
    "von",
    "par",
    "por",
    "di",
    "da",
    "door",
    "av",
    "af",
    "przez",
    "text",
    "from",
    "posted",
];

/// Roles in a byline: they end a full name before them ("Jane Doe, Staff Writer"), but a word
/// or two before a role may be a name that includes it ("AOL Staff", "Rasender Reporter").
const ROLES: &[&str] = &[
    "writer",
    "editor",
    "reporter",
    "correspondent",
    "columnist",
    "contributor",
    "staff",
    "redakteur",
    "redakteurin",
    "chefredakteur",
    "chefredakteurin",
    "korrespondent",
    "korrespondentin",
    "journalist",
    "journalistin",
    "pressesprecher",
    "pressesprecherin",
];

/// Words that always end a name: the profile links beside a byline, and the words that lead
/// to its date ("… am Samstag", "… on July 16").
const ENDS_NAME: &[&str] = &[
    "twitter",
    "facebook",
    "instagram",
    "linkedin",
    "email",
    "e-mail",
    "mail",
    "am",
    "on",
    "at",
    "um",
    "le",
    "el",
    "il",
    "|",
];

/// Whole bylines that name nobody.
const NOBODY: &[&str] = &[
    "no author",
    "admin",
    "administrator",
    "unknown",
    "anonymous",
    "posted",
    "veröffentlicht",
];

/// Endings that make a name an organization's ("Hanns-Seidel-Stiftung e.V.", "Media GmbH").
const ORGANIZATION: &[&str] = &[
    " e.v.", " e. v.", " gmbh", " ag", " inc", " inc.", " ltd", " ltd.", " llc", " s.a.", " corp",
    " corp.", " co.", " verlag", " kg",
];

/// Words between names.
const AND: &[&str] = &[
    "and", "und", "et", "y", "e", "en", "og", "och", "i", "oraz", "ve", "и",
];

/// Most words in one name; longer runs are sentences, not names.
const MAX_NAME_WORDS: usize = 5;
/// Most names in one byline.
const MAX_NAMES: usize = 10;

/// The names in a byline or a meta value: "By Jane Doe and John Roe, Reuters" gives the two
/// names (a trailing agency or role stays only if it reads as a name). Empty when the text
/// does not read as names (a sentence, a link, an e-mail address).
pub fn names(text: &str) -> Vec<String> {
    let text = text.trim();
    if text.contains("://")
        || text.starts_with("www.")
        || text.contains('@') && !text.starts_with('@')
    {
        return Vec::new();
    }
    // Roles and dates after a separator are not names: "Jane Doe | Staff writer".
    let text = text.split(['|', '\n', '\u{2022}']).next().unwrap_or("");
    let mut rest = text.trim();
    loop {
        rest = rest.trim_start_matches([':', ' ', '-', '–', '—']).trim();
        let lower = rest.to_lowercase();
        let Some(by) = BY.iter().find(|b| {
            lower.starts_with(*b)
                && rest.get(b.len()..).is_some_and(|after| {
                    after.is_empty()
                        || after.starts_with(|c: char| c.is_whitespace() || c == ':')
                        // "ByJane Doe": a byline whose space a style sheet makes.
                        || (b.len() <= 3 && after.starts_with(char::is_uppercase))
                })
        }) else {
            break;
        };
        rest = &rest[by.len()..];
    }
    let rest = rest.trim_start_matches([':', ' ']).trim();
    let lower = rest.to_lowercase();
    if NOBODY.contains(&lower.as_str()) || ORGANIZATION.iter().any(|o| lower.ends_with(o)) {
        return Vec::new();
    }
    // "Doe, Jane": a library catalogue's order, turned round.
    if let Some((last, first)) = rest.split_once(',')
        && !first.contains(',')
        && [last, first].iter().all(|w| {
            let w = w.trim();
            !w.is_empty() && !w.contains(char::is_whitespace) && w.starts_with(char::is_uppercase)
        })
    {
        return vec![format!("{} {}", first.trim(), last.trim())];
    }
    let mut out = Vec::new();
    for part in rest.split([',', ';', '&', '/', '·', '、', '，']) {
        let mut current: Vec<&str> = Vec::new();
        for word in part.split_whitespace() {
            let bare = word.trim_matches(|c: char| !c.is_alphanumeric());
            if AND.iter().any(|a| word.eq_ignore_ascii_case(a)) {
                push_name(&mut out, &current);
                current.clear();
            } else if (ROLES.iter().any(|n| bare.eq_ignore_ascii_case(n)) && current.len() >= 2)
                || ENDS_NAME.iter().any(|n| bare.eq_ignore_ascii_case(n))
                || word.contains(':')
            {
                // A role or a date follows a full name: the name ends here ("Jane Doe, Staff
                // Writer"; but "AOL Staff" and "Rasender Reporter" are names as they stand).
                push_name(&mut out, &current);
                current.clear();
                break;
            } else {
                current.push(word);
            }
        }
        push_name(&mut out, &current);
        if out.len() >= MAX_NAMES {
            break;
        }
    }
    out.dedup();
    out
}

fn push_name(out: &mut Vec<String>, words: &[&str]) {
    let role = |w: &&str| {
        let bare = w.trim_matches(|c: char| !c.is_alphanumeric());
        ROLES.iter().any(|n| bare.eq_ignore_ascii_case(n))
    };
    // "Staff Writer" after a comma is a role, not a name.
    if words.is_empty()
        || words.len() > MAX_NAME_WORDS
        || (words.len() >= 2 && words.iter().all(role))
    {
        return;
    }
    let name = words.join(" ");
    let name = name.trim_matches(|c: char| !c.is_alphanumeric() && c != '.' && c != ')');
    // A name has letters, and digits only as a user's name ("Updated 9:14", "12 comments" are
    // not names); a run of
    // words most of which start in lower case is a phrase (particles such as "van", "de" are
    // lower-case, and a single word may be a user's name, "gizzmo").
    let letters = name.chars().any(char::is_alphabetic);
    let digits = name.chars().any(|c| c.is_ascii_digit());
    let words = name.split_whitespace().count();
    let lower_words = name
        .split_whitespace()
        .filter(|w| w.chars().next().is_some_and(char::is_lowercase))
        .count();
    let by_word = BY.contains(&name.to_lowercase().as_str())
        || NOBODY.contains(&name.to_lowercase().as_str());
    if letters && (!digits || words == 1) && !by_word && (words == 1 || lower_words * 2 < words) {
        out.push(name.to_owned());
    }
}

/// Separators between a headline and the site's name or section in titles.
const SEPARATORS: [&str; 8] = [" | ", " - ", " – ", " — ", " :: ", " · ", " » ", " / "];

/// A title without the site's name: the known `site` name removed from either end with its
/// separator; otherwise, when the title has separators, its longest part of at least three
/// words (the headline; the rest are the site, the section).
pub fn headline(title: &str, site: Option<&str>) -> String {
    let title = title.trim();
    if let Some(site) = site.map(str::trim).filter(|s| !s.is_empty()) {
        for sep in SEPARATORS.iter().chain([": "].iter()) {
            if let Some(rest) = strip_suffix_ci(title, &format!("{sep}{site}")) {
                let rest = rest.trim_end();
                if !rest.is_empty() {
                    return rest.to_owned();
                }
            }
            if let Some(rest) = strip_prefix_ci(title, &format!("{site}{sep}")) {
                let rest = rest.trim_start();
                if !rest.is_empty() {
                    return rest.to_owned();
                }
            }
        }
    }
    let mut parts = vec![title];
    for sep in SEPARATORS {
        parts = parts.into_iter().flat_map(|p| p.split(sep)).collect();
    }
    if parts.len() == 1 {
        return title.to_owned();
    }
    parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| p.split_whitespace().count() >= 3)
        .max_by_key(|p| (p.chars().count(), std::cmp::Reverse(title.find(*p))))
        .unwrap_or(title)
        .to_owned()
}

fn strip_suffix_ci<'t>(text: &'t str, suffix: &str) -> Option<&'t str> {
    let at = text.len().checked_sub(suffix.len())?;
    (text.is_char_boundary(at) && text[at..].eq_ignore_ascii_case(suffix)).then(|| &text[..at])
}

fn strip_prefix_ci<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    (text.is_char_boundary(prefix.len().min(text.len()))
        && text.len() > prefix.len()
        && text[..prefix.len()].eq_ignore_ascii_case(prefix))
    .then(|| &text[prefix.len()..])
}

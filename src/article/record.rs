//! The clean record that goes out, and its JSON.

use serde::ser::{SerializeMap, Serializer};

use super::RawArticle;
use crate::clean::copies::CopyEvidence;
use crate::page::Page;

/// Version of the record's shape, for consumers: 1 had no `copy` and no `record_format`
/// (records before it carry neither); 2 added both; 3 added `repairs`; 4 added `page`.
/// Additive changes bump it.
pub const RECORD_FORMAT: u32 = 4;

/// Whether a record's article is new content or a copy of an earlier one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Clean,
    Duplicate,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Clean => "clean",
            Status::Duplicate => "duplicate",
        }
    }
}

/// One dropped paragraph, as the record's audit trail shows it.
#[derive(Debug, serde::Serialize)]
pub struct DroppedEntry {
    pub index: usize,
    pub reason: &'static str,
    /// Which boilerplate rule decided, by [`crate::clean::BoilerplateRule`]'s name: `learned`,
    /// `link_list`, `fragment_run`, `edge_marker`, `trailing_zone`, `landmark`, `link_density`
    /// or `outside_main`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<&'static str>,
    /// Hex content key; `null` for an `empty` paragraph, which has none.
    pub key: Option<String>,
}

#[derive(Debug, serde::Serialize)]
pub struct Counts {
    pub paragraphs: usize,
    pub kept: usize,
    pub dropped: usize,
}

/// The record published downstream for one article.
#[derive(Debug)]
pub struct CleanRecord<'a> {
    pub article: &'a RawArticle,
    pub paragraphs: Vec<&'a str>,
    pub status: Status,
    pub duplicate_of: Option<&'a str>,
    /// How a duplicate was found; `None` for a clean record.
    pub copy: Option<CopyEvidence>,
    pub fingerprint: String,
    pub dropped: Vec<DroppedEntry>,
    /// How broken HTML was read to recover the article (`Extraction::repairs`): empty for
    /// almost every page.
    pub repairs: &'a [&'static str],
    /// What the article says about itself ([`crate::page`]).
    pub page: Page,
    pub format: u32,
}

impl CleanRecord<'_> {
    pub fn counts(&self) -> Counts {
        Counts {
            paragraphs: self.paragraphs.len() + self.dropped.len(),
            kept: self.paragraphs.len(),
            dropped: self.dropped.len(),
        }
    }

    /// The record as one line of JSON: carried fields first, in input order, then the
    /// record's own fields in a fixed order. Deterministic, so a redelivery is byte-identical.
    pub fn to_json(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.article.body.len() + 512);
        let mut ser = serde_json::Serializer::new(&mut out);
        let write = |ser: &mut serde_json::Serializer<&mut Vec<u8>>| -> serde_json::Result<()> {
            let mut map = ser.serialize_map(None)?;
            for (key, value) in self.article.carried_fields() {
                map.serialize_entry(key, value)?;
            }
            map.serialize_entry("paragraphs", &self.paragraphs)?;
            map.serialize_entry("status", self.status.as_str())?;
            map.serialize_entry("duplicate_of", &self.duplicate_of)?;
            map.serialize_entry("copy", &self.copy.map(CopyJson::from))?;
            map.serialize_entry("fingerprint", &self.fingerprint)?;
            map.serialize_entry("dropped", &self.dropped)?;
            map.serialize_entry("repairs", &self.repairs)?;
            map.serialize_entry("page", &self.page)?;
            map.serialize_entry("counts", &self.counts())?;
            map.serialize_entry("format", &self.format)?;
            map.serialize_entry("record_format", &RECORD_FORMAT)?;
            map.end()
        };
        write(&mut ser).expect("serializing to a Vec cannot fail");
        out
    }
}

/// The record's `copy` object.
#[derive(serde::Serialize)]
struct CopyJson {
    /// `exact` (the same paragraphs after normalization) or `near` (by word shingles).
    method: &'static str,
    /// Share of the article's measured text (its kept prose) the original holds, 0 to 1, to
    /// three decimals.
    containment: f64,
    paragraphs_matched: u32,
    paragraphs_measured: u32,
}

impl From<CopyEvidence> for CopyJson {
    fn from(e: CopyEvidence) -> CopyJson {
        CopyJson {
            method: e.method.as_str(),
            containment: e.containment(),
            paragraphs_matched: e.paragraphs_matched,
            paragraphs_measured: e.paragraphs_measured,
        }
    }
}

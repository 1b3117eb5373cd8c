//! The state as plain data for the journal's snapshot, and back, eviction order included.

use serde::{Deserialize, Serialize};

use super::{Holder, Indexed, Remembered, ShortKey, Sighting, SourceState, State};
use crate::clean::Outcome;

impl State {
    /// The state as plain data, every list least recently seen first, so that loading it back
    /// in order restores the eviction order too.
    pub fn to_snapshot(&self) -> Snapshot {
        Snapshot {
            sources: self
                .sources
                .iter()
                .rev()
                .map(|(name, s)| SourceSnapshot {
                    name: name.to_string(),
                    templates: s
                        .templates
                        .iter()
                        .rev()
                        .map(|(k, v)| (*k, v.clone()))
                        .collect(),
                    titles: s.titles.iter().rev().map(|(k, v)| (*k, *v)).collect(),
                })
                .collect(),
            holders: self
                .holders
                .iter()
                .rev()
                .map(|(k, h)| (*k, h.article.to_string(), h.at_ms))
                .collect(),
            outcomes: self
                .outcomes
                .iter()
                .rev()
                .map(|(k, r)| (*k, r.outcome.clone(), r.at_ms))
                .collect(),
            index: self
                .index
                .iter()
                .rev()
                .map(|(k, e)| (*k, e.indexed.clone(), e.at_ms))
                .collect(),
        }
    }

    pub fn from_snapshot(snapshot: Snapshot) -> State {
        let mut state = State::new();
        for source in snapshot.sources {
            let mut s = SourceState::new();
            for (k, v) in source.templates {
                s.templates.put(k, v);
            }
            for (k, v) in source.titles {
                s.titles.put(k, v);
            }
            state.template_keys += s.templates.len();
            state.sources.put(source.name.into(), s);
        }
        for (k, article, at_ms) in snapshot.holders {
            state.holders.put(
                k,
                Holder {
                    article: article.into(),
                    at_ms,
                },
            );
        }
        for (k, outcome, at_ms) in snapshot.outcomes {
            state.outcomes.put(k, Remembered { outcome, at_ms });
        }
        for (k, indexed, at_ms) in snapshot.index {
            state.load_indexed(k, indexed, at_ms);
        }
        state
    }
}

#[derive(Serialize, Deserialize)]
pub struct SourceSnapshot {
    name: String,
    templates: Vec<(ShortKey, Vec<Sighting>)>,
    titles: Vec<(ShortKey, Sighting)>,
}

/// The serialized form of [`State`].
#[derive(Serialize, Deserialize)]
pub struct Snapshot {
    sources: Vec<SourceSnapshot>,
    holders: Vec<(ShortKey, String, u64)>,
    outcomes: Vec<(ShortKey, Outcome, u64)>,
    index: Vec<(ShortKey, Indexed, u64)>,
}

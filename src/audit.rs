//! The delivery promise, checked: every input ends as records that are all byte-identical, or
//! as dead letters that carry its original bytes and a code, and nothing else comes out.
//!
//! Pure: the caller collects what went in and what came out (`paraprint audit`, the
//! fault-injection tests) and [`audit`] compares them. Inputs are matched to records by article
//! id (the record's `message_id`) and to dead letters by their bytes, since a dead letter may
//! be input whose id could not even be read.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use sha2::{Digest, Sha256};

/// One message that came out: a record or a dead letter.
#[derive(Clone, Debug)]
pub struct Output {
    /// The AMQP `message_id` (a record's article id).
    pub message_id: Option<String>,
    pub body: Vec<u8>,
    /// A dead letter's code ([`crate::commands::redrive::code_of`]); `None` for records.
    pub code: Option<String>,
}

/// What [`audit`] found. The promise holds when [`Report::holds`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Inputs (distinct by bytes).
    pub inputs: usize,
    /// Inputs that ended as records.
    pub recorded: usize,
    /// Records beyond the first of their id: redeliveries, every one byte-identical to the first
    /// (else the id is in `conflicting`).
    pub redelivered_records: usize,
    /// The most records any one input got: how many times at least one article was
    /// processed to the end (a lower bound on its deliveries).
    pub most_records_of_one: usize,
    /// Inputs that ended as dead letters, by code.
    pub dead_letters: BTreeMap<String, usize>,
    /// Dead letters beyond the first of the same input.
    pub redelivered_dead_letters: usize,
    /// Inputs with neither a record nor a dead letter: lost (their ids, or `#index` when the
    /// input had no readable id).
    pub missing: Vec<String>,
    /// Ids whose records differ.
    pub conflicting: Vec<String>,
    /// Ids with both a record and a dead letter.
    pub ended_twice: Vec<String>,
    /// Outputs that match no input: records of unknown ids, dead letters whose bytes are no
    /// input's (altered), dead letters without a code.
    pub unexpected: Vec<String>,
}

impl Report {
    pub fn holds(&self) -> bool {
        self.missing.is_empty()
            && self.conflicting.is_empty()
            && self.ended_twice.is_empty()
            && self.unexpected.is_empty()
    }

    pub fn dead_letter_total(&self) -> usize {
        self.dead_letters.values().sum()
    }

    /// A few lines for people: the counts, then what broke the promise (at most 10 of each).
    pub fn summary(&self) -> String {
        let mut out = format!(
            "inputs {}: {} recorded ({} redelivered records, all identical), {} dead-lettered{}\n",
            self.inputs,
            self.recorded,
            self.redelivered_records,
            self.dead_letter_total(),
            if self.dead_letters.is_empty() {
                String::new()
            } else {
                let codes: Vec<String> = self
                    .dead_letters
                    .iter()
                    .map(|(code, n)| format!("{code} {n}"))
                    .collect();
                format!(" ({})", codes.join(", "))
            }
        );
        for (what, ids) in [
            ("lost", &self.missing),
            ("with differing records", &self.conflicting),
            ("both recorded and dead-lettered", &self.ended_twice),
            ("unexpected outputs", &self.unexpected),
        ] {
            if !ids.is_empty() {
                let shown: Vec<&str> = ids.iter().take(10).map(String::as_str).collect();
                out += &format!("{} {what}: {}\n", ids.len(), shown.join(", "));
            }
        }
        out += if self.holds() {
            "the promise holds: every input ended as identical records or as dead letters\n"
        } else {
            "the promise is BROKEN\n"
        };
        out
    }
}

/// The article id of an input, if it is a JSON object with a string `id`.
fn id_of(input: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Id {
        id: String,
    }
    serde_json::from_slice::<Id>(input).ok().map(|i| i.id)
}

/// Compares what went in with what came out.
pub fn audit(inputs: &[Vec<u8>], records: &[Output], dead_letters: &[Output]) -> Report {
    let mut report = Report::default();
    // Inputs by bytes (a published duplicate is the same input), and by id.
    let mut by_digest: HashMap<[u8; 32], usize> = HashMap::new();
    let mut names: Vec<String> = Vec::new();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for input in inputs {
        let digest: [u8; 32] = Sha256::digest(input).into();
        if by_digest.contains_key(&digest) {
            continue;
        }
        let index = names.len();
        by_digest.insert(digest, index);
        let id = id_of(input);
        names.push(id.clone().unwrap_or_else(|| format!("#{index}")));
        if let Some(id) = id {
            by_id.entry(id).or_insert(index);
        }
    }
    report.inputs = names.len();

    let mut recorded: Vec<Option<&[u8]>> = vec![None; names.len()];
    let mut records_of: Vec<usize> = vec![0; names.len()];
    for record in records {
        let index = record.message_id.as_ref().and_then(|id| by_id.get(id));
        let Some(&index) = index else {
            report.unexpected.push(format!(
                "record {}",
                record.message_id.as_deref().unwrap_or("without message_id")
            ));
            continue;
        };
        records_of[index] += 1;
        match recorded[index] {
            None => recorded[index] = Some(&record.body),
            Some(first) => {
                report.redelivered_records += 1;
                if first != record.body.as_slice() && !report.conflicting.contains(&names[index]) {
                    report.conflicting.push(names[index].clone());
                }
            }
        }
    }

    report.most_records_of_one = records_of.iter().copied().max().unwrap_or(0);
    let mut dead = vec![false; names.len()];
    for letter in dead_letters {
        let digest: [u8; 32] = Sha256::digest(&letter.body).into();
        let Some(&index) = by_digest.get(&digest) else {
            report.unexpected.push(format!(
                "dead letter {} whose bytes are no input's",
                letter.message_id.as_deref().unwrap_or("without message_id")
            ));
            continue;
        };
        let Some(code) = &letter.code else {
            report
                .unexpected
                .push(format!("dead letter {} without a code", names[index]));
            continue;
        };
        if dead[index] {
            report.redelivered_dead_letters += 1;
            continue;
        }
        dead[index] = true;
        *report.dead_letters.entry(code.clone()).or_default() += 1;
    }

    for (index, name) in names.iter().enumerate() {
        match (recorded[index].is_some(), dead[index]) {
            (true, true) => report.ended_twice.push(name.clone()),
            (true, false) => report.recorded += 1,
            (false, true) => {}
            (false, false) => report.missing.push(name.clone()),
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str, body: &str) -> Output {
        Output {
            message_id: Some(id.into()),
            body: body.into(),
            code: None,
        }
    }

    fn dead(body: &[u8], code: Option<&str>) -> Output {
        Output {
            message_id: None,
            body: body.to_vec(),
            code: code.map(str::to_string),
        }
    }

    #[test]
    fn identical_redeliveries_and_dead_letters_keep_the_promise() {
        let inputs = vec![
            br#"{"id":"a","source":"s","body":"x"}"#.to_vec(),
            br#"{"id":"b","source":"s","body":"y"}"#.to_vec(),
            b"\xff not json".to_vec(),
        ];
        let records = [record("a", "A"), record("a", "A"), record("b", "B")];
        let dead_letters = [dead(b"\xff not json", Some("invalid_utf8"))];
        let report = audit(&inputs, &records, &dead_letters);
        assert!(report.holds(), "{}", report.summary());
        assert_eq!(report.recorded, 2);
        assert_eq!(report.redelivered_records, 1);
        assert_eq!(report.most_records_of_one, 2);
        assert_eq!(report.dead_letters["invalid_utf8"], 1);
    }

    #[test]
    fn every_way_of_breaking_it_is_reported() {
        let inputs = vec![
            br#"{"id":"a"}"#.to_vec(),
            br#"{"id":"b"}"#.to_vec(),
            br#"{"id":"c"}"#.to_vec(),
            br#"{"id":"d"}"#.to_vec(),
        ];
        let records = [
            record("a", "A"),
            record("a", "A2"),
            record("c", "C"),
            record("zz", "Z"),
        ];
        let dead_letters = [
            dead(br#"{"id":"c"}"#, Some("too_large")),
            dead(br#"{"id":"b"} altered"#, Some("too_large")),
            dead(br#"{"id":"d"}"#, None),
        ];
        let report = audit(&inputs, &records, &dead_letters);
        assert!(!report.holds());
        assert_eq!(report.conflicting, ["a"]);
        assert_eq!(report.ended_twice, ["c"]);
        assert_eq!(report.missing, ["b", "d"]);
        assert_eq!(report.unexpected.len(), 3, "{:?}", report.unexpected);
        assert!(report.summary().contains("BROKEN"));
    }
}

//! Step 1, prepare: an article split into paragraphs and keyed, with what the store must look
//! up ([`Observation`]).

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use super::key::{self, Key};
use super::lines::LineFacts;
use super::{Engine, HeadlineCandidate, Observation, Para, Prepared, html, paragraph};
use crate::article::{ContentType, ErrorCode, InputError, RawArticle};
use crate::page;

impl Engine {
    /// Step 1: split and key (pure). Fails only for more than `max_paragraphs` paragraphs.
    pub fn prepare(&self, article: RawArticle) -> Result<Prepared, InputError> {
        let mut extraction_missed_text = false;
        let mut repairs = Vec::new();
        let mut page_facts = page::Facts::default();
        let (extracted, signals) = match article.content_type {
            ContentType::PlainText => (None, Vec::new()),
            ContentType::Html => {
                let html::Extraction {
                    blocks,
                    repairs: done,
                    page,
                } = html::extract_page(&article.body);
                repairs = done;
                page_facts = page;
                extraction_missed_text = blocks.is_empty() && html::has_words(&article.body);
                let text = blocks
                    .iter()
                    .map(|b| b.text.as_str())
                    .collect::<Vec<_>>()
                    .join("\n");
                (
                    Some(text),
                    blocks.into_iter().map(|b| Some(b.signals)).collect(),
                )
            }
        };
        let body = extracted.as_deref().unwrap_or(&article.body);
        let lines = match article.content_type {
            ContentType::PlainText => paragraph::split_plain(body),
            // One line per block; a block is never blank.
            ContentType::Html => body.split('\n').collect(),
        };
        if lines.len() > self.max_paragraphs {
            return Err(InputError::new(
                ErrorCode::TooLarge,
                format!(
                    "body: {} paragraphs; the limit is {} (limits.max_paragraphs)",
                    lines.len(),
                    self.max_paragraphs
                ),
            ));
        }
        // The article's own lines for its dateline and byline: a block in a landmark (the
        // site's header, navigation, footer) is blank there.
        let article_lines: Vec<&str> = lines
            .iter()
            .enumerate()
            .map(|(i, l)| match signals.get(i) {
                Some(Some(s)) if s.landmark.is_some() => "",
                _ => *l,
            })
            .collect();
        let page = page::read(
            &page_facts,
            article.url().as_deref(),
            &article_lines,
            &lines,
        );
        let title_parts: Vec<key::ParagraphKeys> = article
            .title
            .as_deref()
            .map(|t| {
                headline_candidates(t)
                    .into_iter()
                    .filter_map(key::keys)
                    .collect()
            })
            .unwrap_or_default();
        let full_title = article
            .title
            .as_deref()
            .and_then(key::keys)
            .map(|k| k.content);

        let mut contents: Vec<Key> = Vec::new();
        let mut templates: Vec<Key> = Vec::new();
        // Keys are SHA-256 outputs: a fast hash is as good as a keyed one here.
        let mut content_slots: foldhash::HashMap<Key, usize> = HashMap::default();
        let mut template_slots: foldhash::HashMap<Key, usize> = HashMap::default();
        let mut paras = Vec::with_capacity(lines.len());
        let mut title_checks: Vec<bool> = Vec::new();
        let mut content_templates: Vec<Option<usize>> = Vec::new();
        // An HTML page with no text at all is one empty line.
        let lines: Vec<(usize, &str)> = lines
            .into_iter()
            .enumerate()
            .filter(|(_, line)| !line.is_empty())
            .collect();
        let texts: Vec<&str> = lines.iter().map(|(_, line)| *line).collect();
        let derived = self.lines.derive_all(&texts, |line| self.derive_line(line));
        for ((index, line), facts) in lines.into_iter().zip(derived) {
            let start = line.as_ptr() as usize - body.as_ptr() as usize;
            let LineFacts {
                keys,
                shingles,
                edges,
                shape,
                marker,
            } = facts;
            let (mut content_slot, mut template_slot) = (0, 0);
            if let Some(k) = keys {
                content_slot = *content_slots.entry(k.content).or_insert_with(|| {
                    contents.push(k.content);
                    title_checks.push(false);
                    content_templates.push(None);
                    contents.len() - 1
                });
                title_checks[content_slot] |= !self.is_prose(shape);
                template_slot = *template_slots.entry(k.template).or_insert_with(|| {
                    templates.push(k.template);
                    templates.len() - 1
                });
                content_templates[content_slot].get_or_insert(template_slot);
            }
            paras.push(Para {
                range: start..start + line.len(),
                keys,
                shape,
                marker,
                content_slot,
                template_slot,
                html: signals.get(index).copied().flatten(),
                shingles,
                edges,
            });
        }
        // The headline's candidates are looked up like paragraphs: a headline the source used
        // recently is what tells a re-published story from a sibling page that shares the
        // site's chrome; their templates are counted, so the parts every title of the source
        // has (its name, a tagline) are known for what they are.
        let mut headlines = Vec::with_capacity(title_parts.len());
        for part in &title_parts {
            let content_slot = *content_slots.entry(part.content).or_insert_with(|| {
                contents.push(part.content);
                title_checks.push(false);
                content_templates.push(None);
                contents.len() - 1
            });
            title_checks[content_slot] = true;
            let template_slot = *template_slots.entry(part.template).or_insert_with(|| {
                templates.push(part.template);
                templates.len() - 1
            });
            if headlines
                .iter()
                .all(|h: &HeadlineCandidate| h.key != part.content)
            {
                headlines.push(HeadlineCandidate {
                    key: part.content,
                    content_slot,
                    template_slot,
                });
            }
        }
        // Claimed like paragraphs, after them: a copy meets its original's claims.
        let claims_start = contents.len();
        // A claim's key is a 3-gram's hash spread over 32 bytes: no paragraph's SHA-256 key
        // meets it, and the claims are distinct, so none needs the slot map.
        for claim in self.claims(&paras) {
            contents.push(claim);
            title_checks.push(false);
            content_templates.push(None);
        }
        let claim_slots = claims_start..contents.len();
        let observation = Observation {
            article_id: article.id.clone(),
            source: article.source.clone(),
            digest: content_digest(&article),
            titles: headlines.iter().map(|h| h.key).collect(),
            templates,
            contents,
            title_checks,
            content_templates,
        };
        Ok(Prepared {
            article,
            extracted,
            paras,
            full_title,
            headlines,
            claim_slots,
            observation,
            extraction_missed_text,
            repairs,
            page,
        })
    }
}

/// Separators between a headline and a site name in page titles ("Headline | Site").
const TITLE_SEPARATORS: [&str; 6] = [" | ", " - ", " – ", " — ", " :: ", " · "];

/// The parts of a title that may be its headline, longest first (the earlier of two as long):
/// its parts around site-name separators with at least three words, or the whole title when
/// it has no separator or no such part.
pub fn headline_candidates(title: &str) -> Vec<&str> {
    let mut parts = vec![title];
    for separator in TITLE_SEPARATORS {
        parts = parts.into_iter().flat_map(|p| p.split(separator)).collect();
    }
    let mut candidates: Vec<&str> = parts
        .into_iter()
        .map(str::trim)
        .filter(|p| p.len() < title.len() && p.split_whitespace().count() >= 3)
        .collect();
    // Stable: of two parts as long, the earlier stays first.
    candidates.sort_by_key(|p| std::cmp::Reverse(p.len()));
    if candidates.is_empty() {
        candidates.push(title);
    }
    candidates
}

/// SHA-256 over what decisions depend on, each part length-prefixed so parts cannot run together.
fn content_digest(article: &RawArticle) -> [u8; 16] {
    let mut h = Sha256::new();
    let content_type: &[u8] = match article.content_type {
        ContentType::PlainText => b"text/plain",
        ContentType::Html => b"text/html",
    };
    let title = article.title.as_deref().unwrap_or("");
    for part in [
        article.source.as_bytes(),
        title.as_bytes(),
        content_type,
        article.body.as_bytes(),
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part);
    }
    let mut out = [0u8; 16];
    out.copy_from_slice(&h.finalize()[..16]);
    out
}

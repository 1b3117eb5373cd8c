//! An article's round trip: its counts, titles and claims read and written in one
//! transaction per hash slot (the module doc has the layout).

use redis::Value;

use super::connection::{int, parse_count, values};
use super::keys::{holder_name, prefixed, source_hash, tag_of};
use super::{RedisStore, Tag};
use crate::clean::{Facts, Observation, Outcome};
use crate::store::StoreError;

/// Claims this close together (by the workers' clocks, in minutes) may be one race: copies of
/// a story cleaned at the same moment, whose claims landed on a cluster's shards in different
/// orders. Wide enough for clocks that NTP keeps in step.
const RACE_WINDOW_MINUTES: u8 = 1;

impl RedisStore {
    pub(super) async fn observe_article(&self, obs: &Observation) -> Result<Facts, StoreError> {
        let conn = self.connection().await?;
        let now = self.clock.now_ms();
        let minute = (now / 60_000) as u8;
        let generation = now / self.generation_ms();
        let ttl = self.generation_ttl_ms(generation, now);
        let source = source_hash(&obs.source);
        let src = self.source_tag(&source);

        // What this worker already knows needs no question.
        let mut template_articles = vec![0u32; obs.templates.len()];
        let tag = tag_of(&obs.article_id);
        let mut held: Vec<Option<(Tag, u8)>> = vec![None; obs.contents.len()];
        let (mut templates, mut contents) = (Vec::new(), Vec::new());
        let full = {
            let mut known = self.known.lock().expect("never poisoned");
            for (i, template) in obs.templates.iter().enumerate() {
                match known.saturated(source, template.brief(), generation) {
                    true => template_articles[i] = self.count_cap,
                    false => templates.push(i),
                }
            }
            for (slot, content) in obs.contents.iter().enumerate() {
                match known.holder(content.brief(), generation) {
                    Some(holder) => held[slot] = Some(holder),
                    None => contents.push(slot),
                }
            }
            known.full.get(&source) == Some(&generation)
        };
        // A line whose template is past the cap is learned boilerplate before it could be a
        // link to another article (a dateline spared by the learned rule is never a headline).
        let lookups: Vec<usize> = (0..obs.contents.len())
            .filter(|&slot| obs.checks_title(slot))
            .filter(|&slot| {
                obs.content_templates
                    .get(slot)
                    .copied()
                    .flatten()
                    .is_none_or(|t| template_articles[t] < self.count_cap)
            })
            .collect();

        // One transaction per hash slot: read the source's counts, titles and counted articles,
        // mark this article counted and count its lines; claim its paragraphs, first writer
        // wins, and read back who holds them.
        let (current, previous_generation) = (
            Self::generation_key(&src, "", generation),
            Self::generation_key(&src, "", generation.wrapping_sub(1)),
        );
        // The article's own field marks it counted: its headline's (which holds its tag), or
        // `o` and its tag when it has none.
        let own = match obs.titles.first() {
            Some(title) => prefixed(b'n', &title.brief()),
            // Two bytes of prefix: a 6-byte field is a template's.
            None => [&b"o:"[..], &tag[..]].concat(),
        };
        let mut fields: Vec<Vec<u8>> = vec![own];
        fields.extend(templates.iter().map(|&i| obs.templates[i].brief().to_vec()));
        fields.extend(
            lookups
                .iter()
                .map(|&slot| prefixed(b'n', &obs.contents[slot].brief())),
        );
        let mut source_step = redis::pipe();
        source_step
            .atomic()
            .cmd("GET")
            .arg(Self::outcome_key(&src, &tag))
            .cmd("HMGET")
            .arg(&current)
            .arg(&fields)
            .cmd("HMGET")
            .arg(&previous_generation)
            .arg(&fields)
            .cmd("HLEN")
            .arg(&current);
        match obs.titles.first() {
            Some(_) => source_step
                .cmd("HSET")
                .arg(&current)
                .arg(&fields[0])
                .arg(&tag[..]),
            None => source_step
                .cmd("HSETNX")
                .arg(&current)
                .arg(&fields[0])
                .arg(1),
        };
        // The headline's other candidates (a title's parts): recorded, not counted by.
        for title in obs.titles.iter().skip(1) {
            source_step
                .cmd("HSET")
                .arg(&current)
                .arg(prefixed(b'n', &title.brief()))
                .arg(&tag[..])
                .ignore();
        }
        // Counted now, undone below for a redelivery; a full source counts known lines only,
        // once the counts are read.
        let counted_now = !full;
        if counted_now {
            for field in &fields[1..=templates.len()] {
                source_step.cmd("HINCRBY").arg(&current).arg(field).arg(1);
            }
        }
        source_step.cmd("PEXPIRE").arg(&current).arg(ttl).ignore();
        let source_replies = 5 + if counted_now { templates.len() } else { 0 };

        let mut by_shard: Vec<Vec<usize>> = vec![Vec::new(); self.shards.len()];
        for &slot in &contents {
            by_shard[self.shard_of(&obs.contents[slot])].push(slot);
        }
        let mut stamp = tag.to_vec();
        stamp.push(minute);
        // The article's id, in its tag's shard, for when another article turns out its copy.
        let home = self.shard_of_tag(&tag);
        let claim = |pipe: &mut redis::Pipeline, shard: usize| {
            let (current, previous) = self.shard_keys(shard, generation);
            if !by_shard[shard].is_empty() {
                let briefs: Vec<Vec<u8>> = by_shard[shard]
                    .iter()
                    .map(|&slot| obs.contents[slot].brief().to_vec())
                    .collect();
                pipe.cmd("HMGET").arg(&previous).arg(&briefs);
                for brief in &briefs {
                    pipe.cmd("HSETNX")
                        .arg(&current)
                        .arg(brief)
                        .arg(&stamp)
                        .ignore();
                }
                pipe.cmd("HMGET").arg(&current).arg(&briefs);
            }
            if shard == home {
                pipe.cmd("HSET")
                    .arg(&current)
                    .arg(prefixed(b'a', &tag))
                    .arg(&obs.article_id)
                    .ignore()
                    // Deciding, until its entry in the copy index replaces this (a redelivery
                    // keeps the entry it left).
                    .cmd("HSETNX")
                    .arg(&current)
                    .arg(prefixed(b'k', &tag))
                    .arg(super::index::deciding(now))
                    .ignore();
            }
            pipe.cmd("PEXPIRE").arg(&current).arg(ttl).ignore();
        };
        let shards: Vec<usize> = (0..self.shards.len())
            .filter(|&shard| !by_shard[shard].is_empty() || shard == home)
            .collect();
        let (source_reply, claim_replies) = if self.shards.len() == 1 {
            // One Redis: the whole article is one transaction.
            claim(&mut source_step, 0);
            let mut reply = conn.pipe(&source_step).await?;
            let claims = reply.split_off(reply.len().min(source_replies));
            (reply, vec![claims])
        } else {
            let steps: Vec<redis::Pipeline> = shards
                .iter()
                .map(|&shard| {
                    let mut pipe = redis::pipe();
                    pipe.atomic();
                    claim(&mut pipe, shard);
                    pipe
                })
                .collect();
            tokio::try_join!(
                conn.pipe(&source_step),
                futures_util::future::try_join_all(steps.iter().map(|step| conn.pipe(step)))
            )?
        };

        let malformed = || StoreError::UnexpectedReply("an article's first step");
        if source_reply.len() != source_replies {
            return Err(malformed());
        }
        let [got, current_values, previous_values, size, marked] = &source_reply[..5] else {
            return Err(malformed());
        };
        let (current_values, previous_values) = (values(current_values), values(previous_values));
        if current_values.len() != fields.len() || previous_values.len() != fields.len() {
            return Err(malformed());
        }
        // An outcome is `time (8 bytes LE) + postcard`; past the window it no longer counts,
        // whatever Redis's own expiry (real time) says.
        let previous = match got {
            Value::BulkString(bytes) if bytes.len() > 8 => {
                let at = u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes"));
                let fresh = now.saturating_sub(at) <= self.window_ms;
                fresh
                    .then(|| match postcard::from_bytes::<Outcome>(&bytes[8..]) {
                        Ok(outcome) => Some(outcome),
                        Err(e) => {
                            // Decided again: its record may differ from the first one.
                            tracing::warn!(error = %e, "A remembered outcome cannot be read; deciding the article again.");
                            metrics::counter!("paraprint_store_data_errors_total").increment(1);
                            None
                        }
                    })
                    .flatten()
            }
            _ => None,
        };
        // Counted before (a redelivery): its sightings are in the counts already, once. (A
        // later article with the same headline takes the field over: a redelivery after it is
        // counted again, which can only make a line's count one too high.)
        let seen = match obs.titles.first() {
            Some(_) => [&current_values[0], &previous_values[0]]
                .iter()
                .any(|v| v.as_deref() == Some(&tag[..])),
            None => previous_values[0].is_some() || int(marked) == 0,
        };
        let count = |v: &Option<Vec<u8>>| v.as_deref().and_then(parse_count).unwrap_or(0);
        let mut after: Vec<i64> = source_reply[5..].iter().map(int).collect();
        let mut room = (self.settings.max_keys_per_source as i64).saturating_sub(int(size));
        let mut second_step = redis::pipe();
        let mut counted_later = Vec::new();
        for (j, &i) in templates.iter().enumerate() {
            let c = count(&current_values[1 + j]);
            let n = (c + count(&previous_values[1 + j])).saturating_sub(u32::from(seen));
            template_articles[i] = n.min(self.count_cap);
            if counted_now && seen {
                second_step
                    .cmd("HINCRBY")
                    .arg(&current)
                    .arg(&fields[1 + j])
                    .arg(-1)
                    .ignore();
            } else if !counted_now && !seen && (c > 0 || room > 0) {
                room -= i64::from(c == 0);
                second_step
                    .cmd("HINCRBY")
                    .arg(&current)
                    .arg(&fields[1 + j])
                    .arg(1);
                counted_later.push(j);
            }
        }
        if second_step.cmd_iter().next().is_some() {
            let replies = conn.pipe(&second_step).await?;
            after = vec![0; templates.len()];
            for (&j, reply) in counted_later.iter().zip(&replies) {
                after[j] = int(reply);
            }
        }
        let mut titles_of_others = vec![false; obs.contents.len()];
        for (k, &slot) in lookups.iter().enumerate() {
            let at = 1 + templates.len() + k;
            let title_of = current_values[at].as_ref().or(previous_values[at].as_ref());
            titles_of_others[slot] = title_of.is_some_and(|other| other[..] != tag[..]);
        }

        // Each claimed paragraph's holder: the last generation's (every key read is within the
        // window), else this generation's first writer.
        let holder = |v: &Option<Vec<u8>>| {
            v.as_deref()
                .filter(|v| v.len() == 6)
                .map(|v| (<Tag>::try_from(&v[..5]).expect("5 bytes"), v[5]))
        };
        for (&shard, reply) in shards.iter().zip(&claim_replies) {
            if by_shard[shard].is_empty() {
                continue;
            }
            let [previous, current, ..] = &reply[..] else {
                return Err(malformed());
            };
            let (previous, current) = (values(previous), values(current));
            if previous.len() != by_shard[shard].len() || current.len() != previous.len() {
                return Err(malformed());
            }
            for (k, &slot) in by_shard[shard].iter().enumerate() {
                held[slot] = holder(&previous[k]).or_else(|| holder(&current[k]));
                if held[slot].is_none() {
                    return Err(malformed());
                }
            }
        }

        let mut known = self.known.lock().expect("never poisoned");
        if int(size) >= self.settings.max_keys_per_source as i64 {
            known.full.put(source, generation);
        }
        for (j, &i) in templates.iter().enumerate() {
            if after.get(j).is_some_and(|&n| n > i64::from(self.count_cap)) {
                known.saw_saturated(source, obs.templates[i].brief(), generation);
            }
        }
        for &slot in &contents {
            if let Some((holder, at)) = held[slot] {
                known.saw_holder(obs.contents[slot].brief(), holder, at, generation);
            }
        }
        drop(known);
        // Other articles are named by their tag here; `article_id` reads the id of the one a
        // copy is a copy of. On a single Redis an article's claims are one transaction: there
        // is no race to settle.
        let cluster = self.shards.len() > 1;
        let mut holders = vec![None; obs.contents.len()];
        let mut racing = vec![false; obs.contents.len()];
        for (slot, holder) in held.into_iter().enumerate() {
            if let Some((other, at)) = holder.filter(|(other, _)| *other != tag) {
                holders[slot] = Some(holder_name(&other));
                let apart = minute.wrapping_sub(at).min(at.wrapping_sub(minute));
                racing[slot] = cluster && apart <= RACE_WINDOW_MINUTES;
            }
        }
        Ok(Facts {
            previous,
            template_articles,
            titles_of_others,
            holders,
            racing,
            originals: Vec::new(),
        })
    }
}

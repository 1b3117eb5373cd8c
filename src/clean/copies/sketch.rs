//! An original's sketch: the shingles of its kept text, bounded, that later articles are
//! measured against.

use serde::{Deserialize, Serialize};

/// The smallest [shingles](crate::clean::key::shingle) of an article's kept
/// text, at most a cap of them: a threshold sample. Every value of the article at or below
/// `threshold` is in `values`, so the share of another article's values (at or below the same
/// threshold) found here estimates the share of its text this article holds, without bias,
/// whatever the two lengths.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sketch {
    /// The largest value the sample covers (`u32::MAX`: the whole text).
    pub threshold: u32,
    /// Ascending, distinct.
    pub values: Vec<u32>,
}

impl Sketch {
    /// The sketch of `values` (in any order, repeats allowed), keeping at most `cap`.
    pub fn of(values: Vec<u32>, cap: usize) -> Sketch {
        Sketch::of_parts(&[&values], cap)
    }

    /// The sketch of the values of all of `parts` together, without gathering them first.
    pub fn of_parts(parts: &[&[u32]], cap: usize) -> Sketch {
        let cap = cap.max(1);
        let n: usize = parts.iter().map(|p| p.len()).sum();
        if n <= cap {
            let mut all = parts.concat();
            all.sort_unstable();
            all.dedup();
            return Sketch {
                threshold: u32::MAX,
                values: all,
            };
        }
        // Hash values are uniform: those below the share `cap / n` of the range are about
        // `cap` of them, found in one pass, and only they are sorted. All values below the cut
        // are kept, so the sample's threshold is the cut (or the last value kept, when more
        // than `cap` fell below it).
        let cut = ((u64::from(u32::MAX) + 1) * cap as u64 / n as u64) as u32;
        let mut kept = Vec::with_capacity(cap + cap / 4 + 8);
        for part in parts {
            for &v in *part {
                if v < cut {
                    kept.push(v);
                }
            }
        }
        kept.sort_unstable();
        kept.dedup();
        let threshold = if kept.len() > cap {
            kept.truncate(cap);
            kept[cap - 1]
        } else {
            cut.saturating_sub(1)
        };
        // A sketch is kept for as long as its article is remembered: no spare capacity.
        kept.shrink_to_fit();
        Sketch {
            threshold,
            values: kept,
        }
    }

    /// Whether the sample says anything about `value`.
    pub fn covers(&self, value: u32) -> bool {
        value <= self.threshold
    }

    pub fn contains(&self, value: u32) -> bool {
        self.values.binary_search(&value).is_ok()
    }

    /// Bytes as stores keep it: the threshold and four bytes a value.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(4 + 4 * self.values.len());
        out.extend_from_slice(&self.threshold.to_le_bytes());
        for v in &self.values {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out
    }

    /// Reads [`Sketch::to_bytes`] back; `None` when the bytes are not one.
    pub fn from_bytes(bytes: &[u8]) -> Option<Sketch> {
        if bytes.len() < 4 || !bytes.len().is_multiple_of(4) {
            return None;
        }
        let mut words = bytes
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes(c.try_into().expect("4 bytes")));
        let threshold = words.next()?;
        let values: Vec<u32> = words.collect();
        values
            .windows(2)
            .all(|w| w[0] < w[1])
            .then_some(Sketch { threshold, values })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sketch_keeps_the_smallest_values_and_says_how_far_it_covers() {
        // Uniform values: every value up to the threshold is kept, at most the cap.
        let many: Vec<u32> = (0..1000u32)
            .map(|i| i.wrapping_mul(2_654_435_761))
            .collect();
        for cap in [10, 100, 400] {
            let sketch = Sketch::of(many.clone(), cap);
            assert!(sketch.values.len() <= cap);
            assert!(
                sketch.values.len() > cap / 2,
                "{cap}: {}",
                sketch.values.len()
            );
            let mut below: Vec<u32> = many
                .iter()
                .copied()
                .filter(|&v| v <= sketch.threshold)
                .collect();
            below.sort_unstable();
            below.dedup();
            assert_eq!(sketch.values, below, "{cap}");
        }
        let all = Sketch::of(vec![5, 3, 9, 3], 10);
        assert_eq!(
            (all.threshold, all.values.clone()),
            (u32::MAX, vec![3, 5, 9])
        );
        let capped = Sketch::of(vec![5, 3, 9, 1, 7], 3);
        assert_eq!(
            (capped.threshold, capped.values.clone()),
            (5, vec![1, 3, 5])
        );
        assert!(capped.covers(5) && !capped.covers(7));
        assert!(capped.contains(3) && !capped.contains(4));
        assert_eq!(Sketch::from_bytes(&capped.to_bytes()), Some(capped));
        assert_eq!(Sketch::from_bytes(&[1, 2, 3]), None);
        assert_eq!(
            Sketch::from_bytes(&[0, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0]),
            None
        );
    }
}

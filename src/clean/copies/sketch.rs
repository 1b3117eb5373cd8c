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
    pub fn of(values: impl IntoIterator<Item = u32>, cap: usize) -> Sketch {
        let mut smallest = Smallest::new(cap);
        for v in values {
            smallest.push(v);
        }
        smallest.finish()
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

/// The smallest values of a stream, at most `n` of them, with little work per value: a value
/// above the cut is skipped, and the buffer goes back to `n` whenever it doubles.
pub(crate) struct Smallest {
    n: usize,
    cut: u32,
    buffer: Vec<u32>,
    /// A value was skipped or cut off: the sample stops at its largest value.
    partial: bool,
}

impl Smallest {
    pub fn new(n: usize) -> Smallest {
        let n = n.max(1);
        Smallest {
            n,
            cut: u32::MAX,
            buffer: Vec::with_capacity(2 * n + 1),
            partial: false,
        }
    }

    #[inline]
    pub fn push(&mut self, value: u32) {
        if value > self.cut {
            self.partial = true;
            return;
        }
        self.buffer.push(value);
        if self.buffer.len() > 2 * self.n {
            self.buffer.select_nth_unstable(self.n - 1);
            self.buffer.truncate(self.n);
            self.cut = self.buffer[self.n - 1];
            self.partial = true;
        }
    }

    /// The values kept, as a sketch: ascending and distinct, and every value of the stream at
    /// or below its threshold among them.
    pub fn finish(mut self) -> Sketch {
        self.buffer.sort_unstable();
        self.buffer.dedup();
        if self.buffer.len() > self.n {
            self.buffer.truncate(self.n);
            self.partial = true;
        }
        let threshold = match (self.partial, self.buffer.last()) {
            (true, Some(&last)) => last,
            _ => u32::MAX,
        };
        Sketch {
            threshold,
            values: self.buffer,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sketch_keeps_the_smallest_values_and_says_how_far_it_covers() {
        let many: Vec<u32> = (0..1000u32)
            .map(|i| i.wrapping_mul(2_654_435_761) % 5000)
            .collect();
        let mut sorted = many.clone();
        sorted.sort_unstable();
        sorted.dedup();
        let sketch = Sketch::of(many, 100);
        assert_eq!(sketch.values, sorted[..100]);
        assert_eq!(sketch.threshold, sorted[99]);
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

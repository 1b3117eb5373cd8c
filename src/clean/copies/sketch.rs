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
    pub fn of(mut values: Vec<u32>, cap: usize) -> Sketch {
        let cap = cap.max(1);
        if values.len() <= cap {
            sort(&mut values);
            values.dedup();
            return Sketch {
                threshold: u32::MAX,
                values,
            };
        }
        // The top byte of the cap-th smallest value, from a histogram: every value with a top
        // byte up to it is kept and sorted, a few more than `cap`, instead of all of them.
        let mut counts = [0usize; 256];
        for &v in &values {
            counts[(v >> 24) as usize] += 1;
        }
        let (mut top, mut below) = (0usize, 0usize);
        while below + counts[top] < cap {
            below += counts[top];
            top += 1;
        }
        let limit = ((top as u32) << 24) | 0x00ff_ffff;
        // The values up to the limit first, in place: repeats can leave them short of `cap`
        // distinct values, and then the whole is sorted after all.
        let mut front = 0;
        for i in 0..values.len() {
            if values[i] <= limit {
                values.swap(i, front);
                front += 1;
            }
        }
        let mut head = values[..front].to_vec();
        sort(&mut head);
        head.dedup();
        let (mut values, limit) = if head.len() >= cap {
            (head, limit)
        } else {
            sort(&mut values);
            values.dedup();
            (values, u32::MAX)
        };
        let threshold = if values.len() > cap {
            values.truncate(cap);
            values[cap - 1]
        } else {
            limit
        };
        Sketch { threshold, values }
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

/// Sorts hash values: a radix sort, byte by byte, for the hundreds a sketch holds (random
/// values make a comparison sort mispredict about every other branch); few are sorted as usual.
fn sort(values: &mut Vec<u32>) {
    if values.len() < 64 {
        values.sort_unstable();
        return;
    }
    let mut scratch = vec![0u32; values.len()];
    for shift in [0, 8, 16, 24] {
        let mut starts = [0usize; 256];
        for &v in values.iter() {
            starts[((v >> shift) & 0xff) as usize] += 1;
        }
        let mut at = 0;
        for slot in starts.iter_mut() {
            let count = *slot;
            *slot = at;
            at += count;
        }
        for &v in values.iter() {
            let digit = ((v >> shift) & 0xff) as usize;
            scratch[starts[digit]] = v;
            starts[digit] += 1;
        }
        std::mem::swap(values, &mut scratch);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_radix_sort_sorts() {
        for n in [0, 5, 63, 64, 65, 700] {
            let mut values: Vec<u32> = (0..n as u32)
                .map(|i| i.wrapping_mul(2_654_435_761) ^ (i << 7))
                .collect();
            let mut expected = values.clone();
            expected.sort_unstable();
            sort(&mut values);
            assert_eq!(values, expected, "{n}");
        }
    }

    #[test]
    fn a_sketch_keeps_the_smallest_values_and_says_how_far_it_covers() {
        let many: Vec<u32> = (0..1000u32)
            .map(|i| i.wrapping_mul(2_654_435_761) % 5000)
            .collect();
        let mut sorted = many.clone();
        sorted.sort_unstable();
        sorted.dedup();
        let sketch = Sketch::of(many.clone(), 100);
        assert_eq!(sketch.values, sorted[..100]);
        assert_eq!(sketch.threshold, sorted[99]);
        // Values spread over the whole range, many repeats.
        let wide: Vec<u32> = (0..3000u32)
            .map(|i| (i % 700).wrapping_mul(2_246_822_519))
            .collect();
        let mut distinct = wide.clone();
        distinct.sort_unstable();
        distinct.dedup();
        let sketch = Sketch::of(wide, 256);
        assert_eq!(sketch.values, distinct[..256]);
        assert_eq!(sketch.threshold, distinct[255]);
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

//! A bounded record of a whole run for a line chart: however long the run, the early
//! shape (a fall, a jump, a spike one sample wide) is still drawn.
//!
//! Samples go into buckets of `stride` consecutive samples; a bucket keeps only its
//! lowest and its highest point, so every excursion survives. When `capacity` buckets
//! are full, neighbours merge pairwise (the lower of the two minima, the higher of
//! the two maxima) and `stride` doubles: the whole run stays at one resolution, with
//! at most `2 · capacity + 3` points to draw.
//!
//! ```text
//! push(x, y) ─▶ open bucket (min, max) ─ stride samples ─▶ buckets ─ full ─▶ merge pairs, stride × 2
//! points()   ─▶ the first sample, each bucket's min and max in x order, the newest sample
//! ```
//!
//! Dropping every other point instead (decimation) loses a spike unless it falls on
//! a kept index, and after n halvings keeps one sample in 2ⁿ of a fall.

/// The lowest and highest sample of a run of consecutive samples.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Bucket {
    min: (f32, f32),
    max: (f32, f32),
}

impl Bucket {
    fn of(point: (f32, f32)) -> Self {
        Bucket {
            min: point,
            max: point,
        }
    }

    /// `self` followed by `later`; on ties the earlier point stays. A NaN never
    /// replaces a number (both comparisons are false).
    fn merge(self, later: Bucket) -> Bucket {
        Bucket {
            min: if later.min.1 < self.min.1 || self.min.1.is_nan() {
                later.min
            } else {
                self.min
            },
            max: if later.max.1 > self.max.1 || self.max.1.is_nan() {
                later.max
            } else {
                self.max
            },
        }
    }

    /// Its one or two points, in x order.
    fn points(&self) -> impl Iterator<Item = (f32, f32)> {
        let (a, b) = if self.max.0 < self.min.0 {
            (self.max, self.min)
        } else {
            (self.min, self.max)
        };
        std::iter::once(a).chain((a != b).then_some(b))
    }
}

/// A run's `(x, y)` samples, x increasing, kept in bounded memory.
#[derive(Clone, Debug)]
pub struct History {
    capacity: usize,
    /// Samples per closed bucket.
    stride: u64,
    buckets: Vec<Bucket>,
    open: Option<Bucket>,
    open_len: u64,
    first: Option<(f32, f32)>,
    last: Option<(f32, f32)>,
    len: u64,
}

impl History {
    /// Keeps at most `capacity` buckets (rounded up to an even number, at least 2).
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(2).next_multiple_of(2);
        History {
            capacity,
            stride: 1,
            buckets: Vec::with_capacity(capacity),
            open: None,
            open_len: 0,
            first: None,
            last: None,
            len: 0,
        }
    }

    /// Adds the next sample (its x not below the previous one's).
    pub fn push(&mut self, point: (f32, f32)) {
        self.len += 1;
        self.first.get_or_insert(point);
        self.last = Some(point);
        let bucket = match self.open.take() {
            Some(open) => open.merge(Bucket::of(point)),
            None => Bucket::of(point),
        };
        self.open_len += 1;
        if self.open_len < self.stride {
            self.open = Some(bucket);
            return;
        }
        self.buckets.push(bucket);
        self.open_len = 0;
        if self.buckets.len() == self.capacity {
            let merged: Vec<Bucket> = self
                .buckets
                .chunks(2)
                .map(|pair| pair.iter().copied().reduce(Bucket::merge).expect("a pair"))
                .collect();
            self.buckets = merged;
            self.stride *= 2;
        }
    }

    /// Samples pushed since the start.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The newest sample.
    pub fn last(&self) -> Option<(f32, f32)> {
        self.last
    }

    /// Samples each closed bucket stands for.
    pub fn stride(&self) -> u64 {
        self.stride
    }

    /// The points to draw, in x order: the first sample (where the chart starts),
    /// every bucket's lowest and highest sample, and the newest sample last.
    pub fn points(&self) -> Vec<(f32, f32)> {
        let mut points: Vec<(f32, f32)> = self.first.into_iter().collect();
        for point in self
            .buckets
            .iter()
            .chain(self.open.iter())
            .flat_map(Bucket::points)
        {
            if points.last() != Some(&point) {
                points.push(point);
            }
        }
        if let Some(last) = self.last {
            if points.last() != Some(&last) {
                points.push(last);
            }
        }
        points
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The apical meter's story, one sample per 100 ms pattern: pre-training falls
    /// from 1 towards 0 over the first 3000 samples, the target comes on at sample
    /// 3000 with a jump to 2 that is learnt away within ~20 samples, then a small
    /// wobble for the rest of the run.
    fn story(i: u32) -> (f32, f32) {
        let t = i as f32 * 0.1;
        let y = if i < 3000 {
            (-(i as f32) / 400.0).exp()
        } else {
            2.0 * (-((i - 3000) as f32) / 5.0).exp() + 1e-3 * (1.0 + ((i % 7) as f32 / 7.0))
        };
        (t, y)
    }

    #[test]
    fn a_million_samples_keep_the_fall_and_the_jump() {
        let mut history = History::new(2000);
        for i in 0..1_000_000 {
            history.push(story(i));
        }
        let points = history.points();
        assert_eq!(history.len(), 1_000_000);
        assert!(points.len() <= 2 * 2000 + 3, "{}", points.len());
        assert!(points.windows(2).all(|w| w[0].0 <= w[1].0), "x order");
        // The start of the fall, exactly.
        assert_eq!(points[0], (0.0, 1.0));
        // The bottom of the fall before the jump (exp(-7.5) ≈ 5.5e-4 at sample 2999).
        let before: Vec<_> = points.iter().filter(|p| p.0 < 299.95).collect();
        let bottom = before.iter().map(|p| p.1).fold(f32::INFINITY, f32::min);
        assert!(bottom < 1e-3, "the fall ends at {bottom}");
        // The jump itself, at 300 s, at its full height.
        let peak = points
            .iter()
            .copied()
            .find(|p| p.1 > 1.9)
            .expect("the jump is drawn");
        assert!((peak.0 - 300.0).abs() < 1e-3, "{peak:?}");
        // The newest sample is drawn last.
        assert_eq!(points.last().copied(), Some(story(999_999)));
    }

    #[test]
    fn decimation_would_lose_the_jump() {
        // What the meter did before: keep every other point when full.
        let mut kept: Vec<(f32, f32)> = Vec::new();
        for i in 0..1_000_000 {
            if kept.len() >= 2000 {
                let mut keep = false;
                kept.retain(|_| {
                    keep = !keep;
                    keep
                });
            }
            kept.push(story(i));
        }
        assert!(
            kept.iter().all(|p| p.1 < 1.9),
            "the reference for the test above"
        );
    }

    #[test]
    fn short_runs_are_kept_whole() {
        let mut history = History::new(8);
        assert!(history.is_empty() && history.points().is_empty());
        for i in 0..7 {
            history.push((i as f32, (i * i) as f32));
        }
        assert_eq!(history.stride(), 1);
        let expected: Vec<_> = (0..7).map(|i| (i as f32, (i * i) as f32)).collect();
        assert_eq!(history.points(), expected);
    }

    #[test]
    fn a_full_history_merges_neighbours_keeping_their_extremes() {
        let mut history = History::new(4);
        for (i, y) in [3.0, 1.0, 4.0, 1.5].into_iter().enumerate() {
            history.push((i as f32, y));
        }
        // Four buckets of one merge into two of two: (0: 3, 1: 1) and (2: 4, 3: 1.5).
        assert_eq!(history.stride(), 2);
        assert_eq!(
            history.points(),
            vec![(0.0, 3.0), (1.0, 1.0), (2.0, 4.0), (3.0, 1.5)]
        );
        // A fifth sample opens a bucket of its own.
        history.push((4.0, 9.0));
        assert_eq!(history.points().last(), Some(&(4.0, 9.0)));
        assert_eq!(history.last(), Some((4.0, 9.0)));
    }

    #[test]
    fn a_nan_does_not_hide_the_numbers_around_it() {
        let mut history = History::new(2);
        for (i, y) in [f32::NAN, 2.0, 5.0, -1.0].into_iter().enumerate() {
            history.push((i as f32, y));
        }
        let ys: Vec<f32> = history.points().iter().map(|p| p.1).collect();
        assert!(ys.contains(&5.0) && ys.contains(&-1.0), "{ys:?}");
    }
}

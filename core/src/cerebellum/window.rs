//! Sliding-window sums for the cerebellum's metrics.
//!
//! Each step pushes a row of `k` terms (products such as `E H`, `e²`, `e p_i`); the
//! window keeps the sums of each term over the last `L` rows, so a gain, an RMS or a
//! correlation costs O(1) to read at any step:
//!
//! ```text
//! S_j(n) = Σ_{m = n-L+1}^{n} t_j(m)      updated as  S_j += t_j(n) - t_j(n - L)
//! ```
//!
//! The running update accumulates rounding, which matters once the error has fallen by
//! orders of magnitude below where it started; so every `L` pushes the sums are
//! recomputed from the stored rows, in a fixed order (bit-identical in wasm). The rows
//! live in a ring of `capacity ≥ L` rows allocated up front; `L` may shrink or grow up
//! to the capacity (a sine's whole number of periods changes with its frequency).

/// A ring of term rows and their sums over the last `len` rows.
#[derive(Debug, Clone)]
pub struct Window {
    terms: usize,
    capacity: usize,
    len: usize,
    rows: Vec<f64>,
    /// Where the next row goes.
    head: usize,
    /// Rows pushed so far, up to `capacity`.
    filled: usize,
    sums: Vec<f64>,
    /// Pushes since the sums were last recomputed.
    since_recompute: usize,
}

impl Window {
    /// An empty window of `terms` terms holding up to `capacity` rows, summing `capacity`.
    pub fn new(terms: usize, capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Window {
            terms,
            capacity,
            len: capacity,
            rows: vec![0.0; terms * capacity],
            head: 0,
            filled: 0,
            sums: vec![0.0; terms],
            since_recompute: 0,
        }
    }

    /// Sums over the last `len` rows from now on (clamped to 1 ..= capacity).
    pub fn set_len(&mut self, len: usize) {
        let len = len.clamp(1, self.capacity);
        if len != self.len {
            self.len = len;
            self.recompute();
        }
    }

    /// Appends a row, written by `fill` into a slice of `terms` values.
    pub fn push(&mut self, fill: impl FnOnce(&mut [f64])) {
        let terms = self.terms;
        if self.filled >= self.len {
            let leaving = (self.head + self.capacity - self.len) % self.capacity;
            for (sum, &old) in self
                .sums
                .iter_mut()
                .zip(&self.rows[leaving * terms..(leaving + 1) * terms])
            {
                *sum -= old;
            }
        }
        let row = &mut self.rows[self.head * terms..(self.head + 1) * terms];
        fill(row);
        for (sum, &new) in self.sums.iter_mut().zip(row.iter()) {
            *sum += new;
        }
        self.head = (self.head + 1) % self.capacity;
        self.filled = (self.filled + 1).min(self.capacity);
        self.since_recompute += 1;
        if self.since_recompute >= self.len {
            self.recompute();
        }
    }

    /// Recomputes every sum from the stored rows, oldest first.
    fn recompute(&mut self) {
        self.since_recompute = 0;
        self.sums.fill(0.0);
        let count = self.count();
        for back in (1..=count).rev() {
            let row = (self.head + self.capacity - back) % self.capacity;
            for (sum, &value) in self
                .sums
                .iter_mut()
                .zip(&self.rows[row * self.terms..(row + 1) * self.terms])
            {
                *sum += value;
            }
        }
    }

    /// Rows in the current sums: `min(pushed, len)`.
    pub fn count(&self) -> usize {
        self.filled.min(self.len)
    }

    /// Whether the sums span the whole window (`len` rows).
    pub fn is_full(&self) -> bool {
        self.filled >= self.len
    }

    /// The sum of term `j` over the window.
    pub fn sum(&self, j: usize) -> f64 {
        self.sums[j]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sum of the last `len` of `values`, by hand.
    fn tail_sum(values: &[f64], len: usize) -> f64 {
        values[values.len().saturating_sub(len)..].iter().sum()
    }

    #[test]
    fn the_sums_cover_the_last_len_rows() {
        let mut window = Window::new(2, 5);
        let mut pushed = Vec::new();
        for n in 0..23 {
            let v = (n * n % 7) as f64 - 2.5;
            window.push(|row| {
                row[0] = v;
                row[1] = v * v;
            });
            pushed.push(v);
            assert_eq!(window.count(), pushed.len().min(5));
            assert!(
                (window.sum(0) - tail_sum(&pushed, 5)).abs() < 1e-12,
                "step {n}"
            );
            let squares: Vec<f64> = pushed.iter().map(|v| v * v).collect();
            assert!((window.sum(1) - tail_sum(&squares, 5)).abs() < 1e-12);
        }
    }

    #[test]
    fn a_shorter_length_sums_fewer_rows_and_can_grow_back() {
        let mut window = Window::new(1, 8);
        let mut pushed = Vec::new();
        for n in 0..20 {
            if n == 10 {
                window.set_len(3);
            }
            if n == 15 {
                window.set_len(8);
            }
            window.push(|row| row[0] = n as f64);
            pushed.push(n as f64);
            let len = if (10..15).contains(&n) { 3 } else { 8 };
            assert!(
                (window.sum(0) - tail_sum(&pushed, len)).abs() < 1e-12,
                "step {n}"
            );
        }
    }

    #[test]
    fn recomputing_removes_the_rounding_left_by_a_large_past() {
        let mut window = Window::new(1, 10);
        for _ in 0..10 {
            window.push(|row| row[0] = 1e12);
        }
        for _ in 0..10 {
            window.push(|row| row[0] = 1e-3);
        }
        let expected = (0..10).fold(0.0, |sum, _| sum + 1e-3);
        assert_eq!(window.sum(0), expected);
    }
}

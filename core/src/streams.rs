//! Every random stream of every model, in one table.
//!
//! A run's randomness comes from one `seed`: each use draws from its own ChaCha8
//! stream of that seed, `stream(seed, id)`, so adding draws to one use never moves
//! another's numbers. The neural models share ids on purpose: an
//! [`crate::Experiment`] and a [`crate::Microcircuit`] built from one seed see the same
//! data in the same order and start from the same forward weights, and the circuit's
//! top-down weights are feedback alignment's `B`. The ids are part of every published
//! run (a changed id changes every weights hash), so they never change.
//!
//! | id | const | drawn by |
//! |---|---|---|
//! | 0 | [`DATA`] | the task's samples; the cerebellum's noise signal (its only data) |
//! | 1 | [`WEIGHTS`] | forward weights `W_k` (experiment and microcircuit) |
//! | 2 | [`FEEDBACK`] | feedback `B`, `D`, `M` and their resampling; the circuit's top-down weights |
//! | 3 | [`ORDER`] | minibatch / pattern order, reshuffled every epoch |
//! | 4 | [`INTERNEURONS`] | the microcircuit's random interneuron weights (random start) |
//! | 5 | [`NOISE`] | the microcircuit's somatic noise `σξ` |

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The task's samples (and the cerebellum's noise signal).
pub const DATA: u64 = 0;
/// Forward weights.
pub const WEIGHTS: u64 = 1;
/// Feedback matrices `B`, `D`, `M` (and the microcircuit's top-down weights).
pub const FEEDBACK: u64 = 2;
/// The order samples are presented in.
pub const ORDER: u64 = 3;
/// The microcircuit's interneuron weights when it starts from random.
pub const INTERNEURONS: u64 = 4;
/// The microcircuit's somatic noise.
pub const NOISE: u64 = 5;

/// Every stream id, in the order of the table above.
pub const ALL: [u64; 6] = [DATA, WEIGHTS, FEEDBACK, ORDER, INTERNEURONS, NOISE];

/// The generator of stream `id` of `seed`.
pub fn stream(seed: u64, id: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(id);
    rng
}

/// Fisher–Yates with `u32` draws, so the permutation is the same on 32- and 64-bit
/// targets.
pub(crate) fn shuffle(order: &mut [usize], rng: &mut ChaCha8Rng) {
    for i in (1..order.len()).rev() {
        let j = rng.random_range(0..=i as u32) as usize;
        order.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_use_has_its_own_stream() {
        for (i, a) in ALL.iter().enumerate() {
            for b in &ALL[i + 1..] {
                assert_ne!(a, b, "two uses share stream {a}");
            }
        }
        // The ids are fixed by the published runs: 0 ..= 5 in the table's order.
        assert_eq!(ALL, [0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn streams_of_one_seed_differ_and_repeat() {
        let first: Vec<u32> = ALL
            .iter()
            .map(|&id| stream(7, id).random::<u32>())
            .collect();
        for (i, a) in first.iter().enumerate() {
            assert!(!first[i + 1..].contains(a), "stream {i} repeats another");
        }
        assert_eq!(stream(7, ORDER).random::<u32>(), first[3]);
    }

    #[test]
    fn shuffle_is_a_permutation() {
        let mut order: Vec<usize> = (0..50).collect();
        shuffle(&mut order, &mut stream(1, ORDER));
        assert_ne!(order, (0..50).collect::<Vec<_>>());
        order.sort_unstable();
        assert_eq!(order, (0..50).collect::<Vec<_>>());
    }
}

//! Telling the class when a run has stopped learning: a training loss that has not
//! fallen for a long stretch while the task is still far from learned. On `spirals`
//! at version 1's learning rate 0.3, backprop sits at a training loss of about 0.63
//! (65 % accuracy) for 80,000 steps while feedback alignment learns (docs/science.md
//! §3); a student watching should be told that the rate, not the rule, is the likely
//! cause. (Divergence, the other failure of a rate, is core's `StepError`.)
//!
//! Pure Rust, tested natively.

use bioprop::metrics::Metrics;
use bioprop::rule::RuleKind;

/// The stretch of training, in steps, over which a stalled run's loss has not
/// fallen. Long enough that the plateau backprop crosses on `spirals` at the
/// version-2 rate (its loss falls 3 % in its first 20,000 steps, then it learns)
/// does not count.
pub const STALL_STEPS: u64 = 20_000;

/// The least relative fall of the training loss over [`STALL_STEPS`] that still
/// counts as learning.
pub const STALL_FALL: f32 = 0.02;

/// A classification run at or above this training accuracy has learned the task.
const LEARNED_ACCURACY: f32 = 0.9;
/// A regression run at or below this training NSE has learned the task.
const LEARNED_NSE: f32 = 0.1;

/// The notice for a run of `rule` at learning rate `lr` with this metric `history`
/// (in step order) if it has stalled: its mean training loss over the last quarter of [`STALL_STEPS`]
/// fell less than [`STALL_FALL`] below its mean over the quarter before the
/// stretch (means, so that one noisy row neither raises nor hides a stall), and it
/// has not learned the task.
pub fn stall_notice(rule: RuleKind, lr: f32, history: &[Metrics]) -> Option<String> {
    let last = history.last()?;
    let start = last.step.checked_sub(STALL_STEPS)?;
    let quarter = STALL_STEPS / 4;
    let mean_loss = |from: u64, to: u64| {
        let losses: Vec<f32> = history
            .iter()
            .filter(|m| (from..=to).contains(&m.step))
            .map(|m| m.train.loss)
            .collect();
        (!losses.is_empty()).then(|| losses.iter().sum::<f32>() / losses.len() as f32)
    };
    let old = mean_loss(start.saturating_sub(quarter), start)?;
    let new = mean_loss(last.step - quarter, last.step)?;
    if !(old.is_finite() && new.is_finite()) || old <= 0.0 || (old - new) / old >= STALL_FALL {
        return None;
    }
    let standing = match (last.train.accuracy, last.train.nse) {
        (Some(accuracy), _) if accuracy < LEARNED_ACCURACY => {
            format!("{:.0} % training accuracy", accuracy * 100.0)
        }
        (None, Some(nse)) if nse > LEARNED_NSE => format!("training NSE {nse:.3}"),
        _ => return None,
    };
    // One layer stuck short of the task is the delta rule's limit, not its rate's
    // (docs/science.md §1.2: on xor the loss sits at chance, ln 2).
    let advice = if rule == RuleKind::Delta {
        "One layer can only fit a linear map (one straight boundary), and this task needs \
         more: no learning rate helps. Add a hidden layer to go further."
    } else {
        "A run stuck on a plateau like this usually has the wrong learning rate for its \
         rule: lower its η (or raise it, if the loss barely moves from the start) and \
         press reset."
    };
    Some(format!(
        "{} (η = {lr}): no progress for {STALL_STEPS} steps (training loss {new:.3}, \
         {standing}). {advice}",
        rule.name()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use bioprop::experiment::{Experiment, ExperimentConfig};
    use bioprop::TaskKind;

    /// The history of a spirals run of `rule` at learning rate `lr`, `steps` long.
    fn spirals(rule: RuleKind, lr: f32, seed: u64, steps: u64) -> Vec<Metrics> {
        let config = ExperimentConfig {
            rule,
            lr,
            seed,
            ..ExperimentConfig::for_task(TaskKind::Spirals)
        };
        let mut run = Experiment::new(&config).expect("a valid config");
        run.set_log_every(1000).expect("a valid interval");
        run.step(steps).expect("no divergence");
        run.history().to_vec()
    }

    /// Whether some prefix of `history` (as the page sees it, frame by frame) is
    /// reported as stalled.
    fn ever_stalls(rule: RuleKind, lr: f32, history: &[Metrics]) -> Option<String> {
        (1..=history.len()).find_map(|n| stall_notice(rule, lr, &history[..n]))
    }

    #[test]
    fn the_delta_rule_on_xor_is_told_that_one_layer_is_the_limit() {
        let config = ExperimentConfig {
            rule: RuleKind::Delta,
            layers: vec![2, 2],
            ..ExperimentConfig::for_task(TaskKind::Xor)
        };
        let mut run = Experiment::new(&config).expect("a valid config");
        run.set_log_every(1000).expect("a valid interval");
        run.step(STALL_STEPS + 8000).expect("no divergence");
        let notice = ever_stalls(RuleKind::Delta, config.lr, run.history()).expect("a stall");
        assert!(notice.starts_with("delta (η = "), "{notice}");
        assert!(notice.contains("Add a hidden layer"), "{notice}");
        assert!(!notice.contains("learning rate for its"), "{notice}");
    }

    #[test]
    fn backprop_on_its_plateau_is_reported_and_learning_runs_are_not() {
        let steps = STALL_STEPS + 4000;
        // Backprop at version 1's spirals rate: stuck near 65 %.
        // The step 0 row (the untrained loss) must leave the first quarter first.
        let stuck = spirals(RuleKind::Backprop, 0.3, 1, steps + 3000);
        let notice = ever_stalls(RuleKind::Backprop, 0.3, &stuck).expect("a stall");
        assert!(
            notice.starts_with("bp (η = 0.3): no progress for 20000 steps"),
            "{notice}"
        );
        assert!(notice.contains("learning rate"), "{notice}");
        assert_eq!(stall_notice(RuleKind::Backprop, 0.3, &stuck[..10]), None);
        assert_eq!(stall_notice(RuleKind::Backprop, 0.3, &[]), None);
        // Feedback alignment at the same rate learns; so do both rules at version
        // 2's rate, though backprop crosses a long plateau first and feedback
        // alignment's loss is noisy on seed 2 (one row at 28,000 steps is above the
        // row at 8,000).
        let learning = [
            (RuleKind::FeedbackAlignment, 0.3, 1, steps),
            (RuleKind::Backprop, 0.08, 1, steps),
            (RuleKind::FeedbackAlignment, 0.08, 2, 32_000),
        ];
        for (rule, lr, seed, steps) in learning {
            let history = spirals(rule, lr, seed, steps);
            assert_eq!(
                ever_stalls(rule, lr, &history),
                None,
                "{rule} at {lr}, seed {seed}"
            );
        }
    }
}

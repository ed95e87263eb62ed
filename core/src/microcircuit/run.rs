//! The circuit's clock: presenting patterns in the shuffled order, the full model's
//! Euler ticks, the steady-state model's settle-and-learn (one pattern, or a minibatch
//! of `batch` patterns lasting `batch · pattern_ms`), and the divergence check at the
//! end of each pattern or minibatch.

use super::dynamics::{self, StepInputs};
use super::plasticity::Steps;
use super::update_angle::Rows;
use super::{steady_state, Microcircuit, Mode, StepError};
use crate::streams::shuffle;

impl Microcircuit {
    /// Settles the state on the current pattern by the steady-state model, without
    /// learning; returns the pattern's loss.
    pub(super) fn settle_current(&mut self) -> f64 {
        self.target_rate.assign(&self.y);
        let loss = steady_state::settle(
            &self.weights,
            &self.shares,
            &self.config,
            self.x.view(),
            self.y.view(),
            self.target_on,
            &mut self.state,
        );
        self.pattern_loss = Some(loss);
        loss
    }

    /// The index of the next training sample, reshuffling at the end of every epoch.
    fn next_sample(&mut self) -> usize {
        if self.cursor == self.order.len() {
            shuffle(&mut self.order, &mut self.order_rng);
            self.cursor = 0;
        }
        self.cursor += 1;
        self.order[self.cursor - 1]
    }

    /// Ends pre-training when its time has come.
    fn check_target_schedule(&mut self) {
        if self.target_on_at.is_some_and(|at| self.patterns >= at) {
            self.target_on = true;
            self.target_on_at = None;
        }
    }

    /// Loads the next training sample and ends pre-training when its time has come.
    pub(super) fn begin_pattern(&mut self) {
        let index = self.next_sample();
        self.x.assign(&self.dataset.train_inputs.row(index));
        self.y.assign(&self.dataset.train_targets.row(index));
        self.check_target_schedule();
        self.pattern_loss = None;
        if self.config.mode == Mode::Full {
            self.pattern_loss = Some(self.free_loss());
        }
    }

    /// `½‖ŷ - y‖²` of the current pattern under the current weights.
    pub(super) fn free_loss(&mut self) -> f64 {
        self.eval
            .predict(&self.weights, &self.shares, self.x.view());
        self.eval
            .output()
            .iter()
            .zip(&self.y)
            .map(|(&u, &t)| 0.5 * f64::from(u - t).powi(2))
            .sum()
    }

    /// One Euler step of the full model.
    pub(super) fn tick(&mut self) {
        let alpha = dynamics::filter_alpha(self.config.dt, self.config.input_tau_ms);
        self.target_rate
            .zip_mut_with(&self.y, |t, &y| *t += alpha * (y - *t));
        let target = self.target_on.then(|| self.target_rate.view());
        dynamics::euler_step(
            &self.config,
            &self.shares,
            &mut self.weights,
            &mut self.state,
            &mut self.plasticity,
            &mut self.noise_rng,
            &StepInputs {
                x: self.x.view(),
                target,
                plastic: self.plastic,
            },
        );
        self.ticks += 1;
        self.tick_in_pattern += 1;
        if self.ticks % self.steps_per_trace_point == 0 {
            self.push_trace_point();
        }
    }

    /// Adds the full model's update angle at the end of a pattern (target on only).
    fn compare_full_update(&mut self) {
        if self.target_on && self.plastic {
            self.update_angle.add_full(
                &self.weights,
                &self.shares,
                &self.state,
                self.y.view(),
                self.plasticity.filtered(),
                &mut self.since_log.update_angle,
            );
        }
    }

    /// The steady-state model on the current pattern: settle, then learn.
    pub(super) fn present_steady(&mut self) {
        self.settle_current();
        if self.target_on && self.plastic {
            self.update_angle.add_settled(
                &self.weights,
                &self.shares,
                &self.state,
                self.y.view(),
                &mut self.since_log.update_angle,
            );
        }
        if self.plastic {
            self.plasticity.compute_signals(
                &self.state,
                &self.shares,
                self.config.lr_top_down != 0.0,
            );
            self.plasticity.apply_steady(
                &mut self.weights,
                &self.state,
                Steps::new(&self.config, self.config.pattern_ms),
            );
        }
    }

    /// Whether the steady-state model presents minibatches rather than single
    /// patterns.
    fn batched(&self) -> bool {
        self.config.mode == Mode::SteadyState && self.config.batch > 1
    }

    /// Whether the next thing to finish is a minibatch (one is under way, or nothing
    /// is and the model takes minibatches).
    fn minibatch_next(&self) -> bool {
        self.minibatch_under_way || (self.tick_in_pattern == 0 && self.batched())
    }

    /// Euler steps of simulated time the presentation under way (or the next) lasts:
    /// a pattern's, or `batch` patterns' for a minibatch.
    pub(super) fn presentation_steps(&self) -> u64 {
        if self.minibatch_next() {
            self.steps_per_pattern * self.minibatch.len() as u64
        } else {
            self.steps_per_pattern
        }
    }

    /// The steady-state model on the next `batch` patterns at once (see
    /// [`super::minibatch`]): load, settle, learn once, then count each pattern into
    /// the running sums. The trace gets one point, the state and the snapshot show the
    /// minibatch's last pattern, and pre-training ends at the first minibatch that
    /// starts at or after its end.
    pub(super) fn finish_minibatch(&mut self) -> Result<(), StepError> {
        self.check_target_schedule();
        let m = self.minibatch.len();
        for row in 0..m {
            let index = self.next_sample();
            let batch = &mut self.minibatch;
            batch
                .input
                .row_mut(row)
                .assign(&self.dataset.train_inputs.row(index));
            batch
                .target
                .row_mut(row)
                .assign(&self.dataset.train_targets.row(index));
        }
        self.minibatch
            .settle(&self.weights, &self.shares, &self.config, self.target_on);
        if self.target_on && self.plastic {
            let batch = &self.minibatch;
            self.update_angle.add_minibatch(
                &self.weights,
                &self.shares,
                &Rows {
                    input: batch.input.view(),
                    target: batch.target.view(),
                    basal: &batch.basal,
                    rate: &batch.rate,
                    bottom_up_basal: &batch.basal,
                },
                &mut self.since_log.update_angle,
            );
        }
        if self.plastic {
            let steps = Steps::new(&self.config, self.config.pattern_ms);
            self.minibatch.learn(&mut self.weights, &self.shares, steps);
        }
        self.minibatch.copy_row(m - 1, &mut self.state);
        self.x.assign(&self.minibatch.input.row(m - 1));
        self.y.assign(&self.minibatch.target.row(m - 1));
        self.target_rate.assign(&self.y);
        self.pattern_loss = Some(self.minibatch.loss[m - 1]);
        let duration = self.steps_per_pattern * m as u64;
        self.ticks += duration.saturating_sub(self.tick_in_pattern);
        self.tick_in_pattern = 0;
        self.minibatch_under_way = false;
        self.push_trace_point();

        let before = self.patterns;
        for row in 0..m {
            for (k, sum) in self.since_log.apical_energy.iter_mut().enumerate() {
                *sum += f64::from(self.minibatch.apical_energy(row, k + 1));
            }
            self.since_log.loss += self.minibatch.loss[row];
        }
        self.since_log.patterns += m as u64;
        self.patterns += m as u64;
        // A non-finite weight makes every potential it feeds non-finite at the next
        // settle (0 · ∞ is NaN too), so checking the minibatch's potentials catches it
        // one minibatch later without a pass over every weight each time; the weights
        // are searched, to name the culprit, once a potential is not finite, and at the
        // end of every `step` and `run_for`.
        if let Some(potentials) = self.minibatch.first_non_finite() {
            let (quantity, layer) = self.weights.first_non_finite().unwrap_or(potentials);
            let error = StepError::Diverged {
                patterns: self.patterns,
                time_ms: self.time_ms(),
                quantity,
                layer,
            };
            self.diverged = Some(error.clone());
            return Err(error);
        }
        // A row whenever the count passes a multiple of `log_every`.
        if before / self.config.log_every != self.patterns / self.config.log_every {
            self.record_metrics();
        }
        Ok(())
    }

    /// Ends the current pattern: counts it, adds it to the running sums, checks for
    /// divergence and logs a row when one is due.
    pub(super) fn end_pattern(&mut self) -> Result<(), StepError> {
        let loss = match self.pattern_loss {
            Some(loss) => loss,
            None => self.free_loss(),
        };
        self.patterns += 1;
        self.tick_in_pattern = 0;
        self.accumulate(loss);
        self.check_finite()?;
        if self.patterns % self.config.log_every == 0 {
            self.record_metrics();
        }
        Ok(())
    }

    pub(super) fn accumulate(&mut self, loss: f64) {
        for (k, sum) in self.since_log.apical_energy.iter_mut().enumerate() {
            *sum += f64::from(self.state.apical_energy(k + 1));
        }
        self.since_log.loss += loss;
        self.since_log.patterns += 1;
    }

    pub(super) fn check_finite(&mut self) -> Result<(), StepError> {
        if let Some(error) = &self.diverged {
            return Err(error.clone());
        }
        let culprit = self
            .state
            .first_non_finite()
            .or_else(|| self.weights.first_non_finite());
        match culprit {
            None => Ok(()),
            Some((quantity, layer)) => {
                let error = StepError::Diverged {
                    patterns: self.patterns,
                    time_ms: self.time_ms(),
                    quantity,
                    layer,
                };
                self.diverged = Some(error.clone());
                Err(error)
            }
        }
    }

    /// Finishes the current pattern or minibatch (starting one if none is under way)
    /// with the current model.
    pub(super) fn finish_pattern(&mut self) -> Result<(), StepError> {
        if self.minibatch_next() {
            return self.finish_minibatch();
        }
        if self.tick_in_pattern == 0 {
            self.begin_pattern();
        }
        match self.config.mode {
            Mode::Full => {
                while self.tick_in_pattern < self.steps_per_pattern {
                    self.tick();
                }
                self.compare_full_update();
            }
            Mode::SteadyState => {
                self.ticks += self.steps_per_pattern.saturating_sub(self.tick_in_pattern);
                self.present_steady();
                self.push_trace_point();
            }
        }
        self.end_pattern()
    }

    /// Presents `patterns` patterns (finishing the current one first, if one is under
    /// way, as the first). The steady-state model with `batch > 1` presents whole
    /// minibatches, as many as it takes to present at least `patterns`. Stops at the
    /// first divergence, which every later call returns again.
    pub fn step(&mut self, patterns: u64) -> Result<(), StepError> {
        self.check_finite()?;
        let end = self.patterns.saturating_add(patterns);
        while self.patterns < end {
            self.finish_pattern()?;
        }
        self.check_finite()
    }

    /// Advances the simulated clock by `ms` (rounded to whole steps of `dt`). The full
    /// model integrates every step, switching patterns every `pattern_ms`; the
    /// steady-state model presents a pattern (or a minibatch of `batch`, lasting
    /// `batch · pattern_ms`) each time the clock passes the end of one.
    pub fn run_for(&mut self, ms: f64) -> Result<(), StepError> {
        self.check_finite()?;
        let wanted = ms / f64::from(self.config.dt);
        let steps = if wanted.is_finite() && wanted > 0.0 {
            wanted.round() as u64
        } else {
            0
        };
        self.advance_steps(steps)?;
        self.check_finite()
    }

    /// Advances the clock to `ms` of simulated time ([`Microcircuit::steps_at`]) or
    /// until `patterns` patterns have been presented, whichever comes first: a
    /// replayed run stops at a recorded change, or at the end of the pattern whose
    /// weights were hashed. Does nothing when the clock is already there.
    pub fn run_until(&mut self, ms: f64, patterns: u64) -> Result<(), StepError> {
        self.check_finite()?;
        let end = self.steps_at(ms);
        while self.ticks < end && self.patterns < patterns {
            let left = self
                .presentation_steps()
                .saturating_sub(self.tick_in_pattern);
            let remaining = end - self.ticks;
            if remaining >= left {
                self.finish_pattern()?;
            } else {
                self.advance_steps(remaining)?;
            }
        }
        self.check_finite()
    }

    /// Advances the clock by `remaining` Euler steps of `dt` (see `run_for`).
    fn advance_steps(&mut self, mut remaining: u64) -> Result<(), StepError> {
        while remaining > 0 {
            let left = self
                .presentation_steps()
                .saturating_sub(self.tick_in_pattern);
            if remaining >= left {
                remaining -= left;
                self.finish_pattern()?;
                continue;
            }
            if self.minibatch_next() {
                self.minibatch_under_way = true;
            } else if self.tick_in_pattern == 0 {
                self.begin_pattern();
            }
            match self.config.mode {
                Mode::Full => {
                    for _ in 0..remaining {
                        self.tick();
                    }
                }
                Mode::SteadyState => {
                    self.ticks += remaining;
                    self.tick_in_pattern += remaining;
                }
            }
            remaining = 0;
        }
        Ok(())
    }
}

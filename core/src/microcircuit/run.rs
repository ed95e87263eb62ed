//! The circuit's clock: presenting patterns in the shuffled order, the full model's
//! Euler ticks, the steady-state model's settle-and-learn, and the divergence check at
//! the end of each pattern.

use super::dynamics::{self, StepInputs};
use super::plasticity::Steps;
use super::{steady_state, Microcircuit, Mode, StepError};
use crate::streams::shuffle;

impl Microcircuit {
    /// Settles the state on the current pattern by the steady-state model, without
    /// learning; returns the pattern's loss.
    pub(super) fn settle_current(&mut self) -> f64 {
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

    /// Loads the next training sample, reshuffling at the end of every epoch, and ends
    /// pre-training when its time has come.
    pub(super) fn begin_pattern(&mut self) {
        if self.cursor == self.order.len() {
            shuffle(&mut self.order, &mut self.order_rng);
            self.cursor = 0;
        }
        let index = self.order[self.cursor];
        self.cursor += 1;
        self.x.assign(&self.dataset.train_inputs.row(index));
        self.y.assign(&self.dataset.train_targets.row(index));
        if self.target_on_at.is_some_and(|at| self.patterns >= at) {
            self.target_on = true;
            self.target_on_at = None;
        }
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
        let target = self.target_on.then(|| self.y.view());
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

    /// The steady-state model on the current pattern: settle, then learn.
    pub(super) fn present_steady(&mut self) {
        self.settle_current();
        if self.plastic {
            self.plasticity.compute_signals(
                &self.state,
                &self.shares,
                self.config.lr_top_down != 0.0,
            );
            self.plasticity.apply_steady(
                &mut self.weights,
                &self.state,
                Steps::new(&self.config, self.config.pattern_ms, self.target_on),
            );
        }
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

    /// Finishes the current pattern (starting one if none is under way) with the
    /// current model.
    pub(super) fn finish_pattern(&mut self) -> Result<(), StepError> {
        if self.tick_in_pattern == 0 {
            self.begin_pattern();
        }
        match self.config.mode {
            Mode::Full => {
                while self.tick_in_pattern < self.steps_per_pattern {
                    self.tick();
                }
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
    /// way, as the first). Stops at the first divergence, which every later call
    /// returns again.
    pub fn step(&mut self, patterns: u64) -> Result<(), StepError> {
        self.check_finite()?;
        for _ in 0..patterns {
            self.finish_pattern()?;
        }
        Ok(())
    }

    /// Advances the simulated clock by `ms` (rounded to whole steps of `dt`). The full
    /// model integrates every step, switching patterns every `pattern_ms`; the
    /// steady-state model presents a pattern each time the clock passes the end of one.
    pub fn run_for(&mut self, ms: f64) -> Result<(), StepError> {
        self.check_finite()?;
        let wanted = ms / f64::from(self.config.dt);
        let mut remaining = if wanted.is_finite() && wanted > 0.0 {
            wanted.round() as u64
        } else {
            0
        };
        while remaining > 0 {
            let left = self.steps_per_pattern.saturating_sub(self.tick_in_pattern);
            if remaining >= left {
                remaining -= left;
                self.finish_pattern()?;
                continue;
            }
            if self.tick_in_pattern == 0 {
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
        self.check_finite()
    }
}

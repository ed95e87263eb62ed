//! A downsampled record of the last few seconds, for plotting: one point every
//! `trace_every` steps, the latest `trace_len` points kept in a ring allocated up front
//! (defaults: every 10 ms, the last 5 s). Recording a point allocates nothing; reading
//! the trace ([`TraceRing::to_trace`]) copies it out oldest first, column by column.

use serde::{Deserialize, Serialize};

/// One recorded instant. The meaning of each signal depends on the task; see
/// [`Trace`].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TracePoint {
    pub time: f64,
    pub input: f32,
    pub output: f32,
    pub behaviour: f32,
    pub error: f32,
    pub gain: f32,
    pub error_rms: f32,
}

/// The recent signals, oldest first, one column per signal (all the same length).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    /// Seconds between points: `trace_every · dt`.
    pub interval: f64,
    /// Simulated time of each point, seconds.
    pub time: Vec<f64>,
    /// Head velocity `H` (VOR) or motor command `u` (forward model).
    pub input: Vec<f32>,
    /// Purkinje output `z`: the cerebellum's share of the eye command (VOR) or the
    /// predicted outcome (forward model).
    pub output: Vec<f32>,
    /// Eye velocity `E` (VOR) or the plant's actual outcome `y` (forward model).
    pub behaviour: Vec<f32>,
    /// Retinal slip `S` (VOR) or outcome minus prediction `y - z` (forward model).
    pub error: Vec<f32>,
    /// The windowed gain at each point (NaN until the window has signal).
    pub gain: Vec<f32>,
    /// The windowed error RMS at each point.
    pub error_rms: Vec<f32>,
}

/// The ring behind [`Trace`].
#[derive(Debug, Clone)]
pub struct TraceRing {
    points: Vec<TracePoint>,
    head: usize,
    filled: usize,
    interval: f64,
}

impl TraceRing {
    /// An empty ring of `capacity ≥ 1` points, `interval` seconds apart.
    pub fn new(capacity: usize, interval: f64) -> Self {
        TraceRing {
            points: vec![TracePoint::default(); capacity.max(1)],
            head: 0,
            filled: 0,
            interval,
        }
    }

    /// Records a point, replacing the oldest once full.
    pub fn push(&mut self, point: TracePoint) {
        self.points[self.head] = point;
        self.head = (self.head + 1) % self.points.len();
        self.filled = (self.filled + 1).min(self.points.len());
    }

    /// The kept points, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &TracePoint> {
        let capacity = self.points.len();
        let start = (self.head + capacity - self.filled) % capacity;
        (0..self.filled).map(move |i| &self.points[(start + i) % capacity])
    }

    /// A copy for the UI, oldest first.
    pub fn to_trace(&self) -> Trace {
        let column = |f: fn(&TracePoint) -> f32| self.iter().map(f).collect::<Vec<f32>>();
        Trace {
            interval: self.interval,
            time: self.iter().map(|p| p.time).collect(),
            input: column(|p| p.input),
            output: column(|p| p.output),
            behaviour: column(|p| p.behaviour),
            error: column(|p| p.error),
            gain: column(|p| p.gain),
            error_rms: column(|p| p.error_rms),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(t: f64) -> TracePoint {
        TracePoint {
            time: t,
            input: t as f32,
            ..TracePoint::default()
        }
    }

    #[test]
    fn the_trace_keeps_the_latest_points_oldest_first() {
        let mut ring = TraceRing::new(3, 0.01);
        assert_eq!(ring.to_trace().time, Vec::<f64>::new());
        ring.push(point(1.0));
        ring.push(point(2.0));
        assert_eq!(ring.to_trace().time, vec![1.0, 2.0]);
        for t in 3..=7 {
            ring.push(point(t as f64));
        }
        let trace = ring.to_trace();
        assert_eq!(trace.time, vec![5.0, 6.0, 7.0]);
        assert_eq!(trace.input, vec![5.0, 6.0, 7.0]);
        assert_eq!(trace.gain.len(), 3);
        assert_eq!(trace.interval, 0.01);
    }
}

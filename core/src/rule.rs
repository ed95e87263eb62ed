//! Learning rules: how the output error travels back to a hidden layer (docs/science.md §1).
//!
//! Every rule shares the forward pass, the output delta `δ_L` (`e = a_L - y`, or
//! `e ∘ a_L ∘ (1 - a_L)` for logistic output units; see `network`) and the
//! update `ΔW_k = -η δ_k a_{k-1}ᵀ`. They differ only in the hidden signal
//!
//! ```text
//! δ_k = g_k ∘ f'(z_k),     g_k = P_k s_k              (f'(z_k) := 1 "without f′")
//! ```
//!
//! where `s_k` is the error source and `P_k` the matrix it is sent through:
//!
//! | rule | source `s_k` | path `P_k` (shape) | feedback state |
//! |---|---|---|---|
//! | backprop `bp` | `δ_{k+1}` | `W_{k+1}ᵀ` `(n_k, n_{k+1})` | none (the drawn `B` is an unused control) |
//! | feedback alignment `fa` | `δ_{k+1}` | fixed random `B_{k+1}` `(n_k, n_{k+1})` | `B` |
//! | direct FA `dfa` | `e` | fixed random `D_k` `(n_k, n_L)` | `D` |
//! | sign symmetry `usf` | `δ_{k+1}` | `s · sign(W_{k+1})ᵀ` | `s = E|B|`, fixed |
//! | fixed random magnitude `frsf` | `δ_{k+1}` | `(|M_{k+1}| ∘ sign(W_{k+1}))ᵀ` | fixed random `M` |
//! | Kolen–Pollack `kp` | `δ_{k+1}` | learned `B_{k+1}` | `B ← λB + ΔWᵀ` |
//! | `shallow` | — | — | hidden layers do not learn |
//! | `delta` | — | — | one layer, `ΔW = -η (v - y) uᵀ` |
//!
//! # Storage
//!
//! Feedback matrices are stored **transposed**, in the forward orientation: `Bᵀ_{k+1}`
//! has the shape of `W_{k+1}` and `D_kᵀ` is `(n_L, n_k)`. With samples in rows
//! `G_k = S_k P_kᵀ`, so every rule runs the one kernel [`crate::linalg::matmul`] on the stored
//! matrix, and FA with `B := Wᵀ` is backprop bit for bit. [`Feedback::b`] and
//! [`Feedback::d`] give the matrices in the orientation of the papers.
//!
//! `B`, `D` and `M` are drawn from the feedback generator for **every** rule, in that
//! order, so runs of different rules from one seed share them exactly (and a backprop
//! run still has a `B` whose angle to `Wᵀ` is the control that stays near 90°).

use ndarray::{Array2, ArrayView2, Zip};
use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::named::named;
use crate::network::{expected_magnitude, init_matrix};
use crate::task::InitSpec;

mod compose;
mod facts;
mod run_rule;
pub use compose::{Carrier, Composition, CompositionError, Resolved, PREFIX as COMPOSED_PREFIX};
pub use facts::{FeedbackPath, Locality, Origin, Reads, RuleFacts, OUTPUT_READS};
pub use run_rule::RunRule;

/// The learning rules bioprop simulates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RuleKind {
    /// The delta rule (LMS) for a single layer: `ΔW = -η (v - y) uᵀ`.
    #[serde(rename = "delta")]
    Delta,
    /// Backpropagation (Rumelhart 1986).
    #[serde(rename = "bp")]
    Backprop,
    /// Feedback alignment (Lillicrap et al. 2016).
    #[default]
    #[serde(rename = "fa")]
    FeedbackAlignment,
    /// Direct feedback alignment (Nøkland 2016).
    #[serde(rename = "dfa")]
    DirectFeedbackAlignment,
    /// Uniform sign-concordant feedback, uSF (Liao, Leibo & Poggio 2016).
    #[serde(rename = "usf")]
    SignSymmetry,
    /// Sign-concordant feedback with fixed random magnitudes, frSF (Liao, Leibo & Poggio 2016).
    #[serde(rename = "frsf")]
    SignSymmetryRandomMagnitude,
    /// Kolen–Pollack: feedback learns with the transposed update (Akrout et al. 2019).
    #[serde(rename = "kp")]
    KolenPollack,
    /// Only the output layer learns (the baseline of Lillicrap 2016).
    #[serde(rename = "shallow")]
    Shallow,
}

impl RuleKind {
    /// Every rule, in the order the UI lists them.
    pub const ALL: [RuleKind; 8] = [
        RuleKind::Delta,
        RuleKind::Backprop,
        RuleKind::FeedbackAlignment,
        RuleKind::DirectFeedbackAlignment,
        RuleKind::SignSymmetry,
        RuleKind::SignSymmetryRandomMagnitude,
        RuleKind::KolenPollack,
        RuleKind::Shallow,
    ];

    /// The short name used by serde, the CLI and URLs.
    pub fn name(self) -> &'static str {
        self.facts().name
    }

    /// A human label for legends.
    pub fn title(self) -> &'static str {
        self.facts().title
    }

    /// One line for `bioprop list` and the UI.
    pub fn description(self) -> &'static str {
        self.facts().summary
    }

    /// The rule's implementation.
    pub fn rule(self) -> &'static dyn Rule {
        match self {
            RuleKind::Delta => &DeltaRule,
            RuleKind::Backprop => &Backprop,
            RuleKind::FeedbackAlignment => &FeedbackAlignment,
            RuleKind::DirectFeedbackAlignment => &DirectFeedbackAlignment,
            RuleKind::SignSymmetry => &SignSymmetry,
            RuleKind::SignSymmetryRandomMagnitude => &SignSymmetryRandomMagnitude,
            RuleKind::KolenPollack => &KolenPollack,
            RuleKind::Shallow => &Shallow,
        }
    }
}

named!(RuleKind, "rule");

/// The feedback state of a network with `L` weight layers: one entry per hidden layer
/// `k = 1 .. L-1`, at index `k - 1`. See the module docs for the orientation.
#[derive(Debug, Clone, PartialEq)]
pub struct Feedback {
    /// `B_{k+1}ᵀ`, shape `(n_{k+1}, n_k)`.
    pub(crate) b_t: Vec<Array2<f32>>,
    /// `D_kᵀ`, shape `(n_L, n_k)`.
    pub(crate) d_t: Vec<Array2<f32>>,
    /// `|M_{k+1}|ᵀ`, shape `(n_{k+1}, n_k)`, non-negative.
    pub(crate) magnitude_t: Vec<Array2<f32>>,
    /// uSF's scale `s_k`: the mean `|B_{k+1}|` the feedback init would give, so uSF
    /// sends the error with the same typical magnitude as FA.
    pub(crate) sign_scale: Vec<f32>,
    /// The sign-concordant path of uSF or frSF for the current `W`, shape of `W_{k+1}`.
    pub(crate) sign_t: Vec<Array2<f32>>,
}

impl Feedback {
    /// Draws `B`, then `D`, then `M` for a network with layer widths `sizes`, each by
    /// `init` scaled by `gain` (the config's `feedback_scale`).
    pub fn draw(sizes: &[usize], init: InitSpec, gain: f32, rng: &mut impl Rng) -> Self {
        let hidden = sizes.len().saturating_sub(2);
        let n_out = *sizes.last().unwrap_or(&0);
        let forward_shape = |h: usize| (sizes[h + 2], sizes[h + 1]);
        let mut feedback = Feedback {
            b_t: (0..hidden)
                .map(|h| Array2::zeros(forward_shape(h)))
                .collect(),
            d_t: (0..hidden)
                .map(|h| Array2::zeros((n_out, sizes[h + 1])))
                .collect(),
            magnitude_t: (0..hidden)
                .map(|h| Array2::zeros(forward_shape(h)))
                .collect(),
            sign_scale: (0..hidden)
                .map(|h| {
                    let (rows, cols) = forward_shape(h);
                    expected_magnitude(init, gain, rows, cols)
                })
                .collect(),
            sign_t: (0..hidden)
                .map(|h| Array2::zeros(forward_shape(h)))
                .collect(),
        };
        feedback.redraw(init, gain, rng);
        feedback
    }

    /// Draws fresh `B`, `D` and `M` in place (same order as [`Feedback::draw`]).
    pub fn redraw(&mut self, init: InitSpec, gain: f32, rng: &mut impl Rng) {
        for b in &mut self.b_t {
            init_matrix(b, init, gain, rng);
        }
        for d in &mut self.d_t {
            init_matrix(d, init, gain, rng);
        }
        for m in &mut self.magnitude_t {
            init_matrix(m, init, gain, rng);
            m.mapv_inplace(f32::abs);
        }
    }

    /// Number of hidden layers.
    pub fn hidden_layers(&self) -> usize {
        self.b_t.len()
    }

    /// `B_{k+1}`, shape `(n_k, n_{k+1})`, for hidden layer `k` (1-based).
    pub fn b(&self, k: usize) -> ArrayView2<'_, f32> {
        self.b_t[k - 1].t()
    }

    /// `D_k`, shape `(n_k, n_L)`, for hidden layer `k` (1-based).
    pub fn d(&self, k: usize) -> ArrayView2<'_, f32> {
        self.d_t[k - 1].t()
    }
}

/// How one learning rule sends the error back. Indices `k` are 1-based layer numbers:
/// hidden layers `1 .. L-1`, weight layers `1 .. L`.
pub trait Rule: Sync {
    /// Which rule this is.
    fn kind(&self) -> RuleKind;

    /// Whether hidden layers learn at all.
    fn trains_hidden(&self) -> bool {
        true
    }

    /// Whether the error source is the output error `e` (DFA) rather than `δ_{k+1}`.
    fn uses_output_error(&self) -> bool {
        false
    }

    /// `P_kᵀ`, the stored matrix the error goes through to reach hidden layer `k`
    /// (`g_k = s_k P_kᵀ` with samples in rows): the rule's feedback matrix, except for
    /// backprop, which sends it through `W_{k+1}ᵀ`.
    fn path_t<'a>(
        &self,
        k: usize,
        _weights: &'a [Array2<f32>],
        feedback: &'a Feedback,
    ) -> ArrayView2<'a, f32> {
        self.feedback_t(k, feedback)
    }

    /// The rule's feedback matrix for hidden layer `k`, stored transposed, as reported
    /// by the metrics and snapshots: `B` unless the rule says otherwise. Backprop (and
    /// the rules without hidden learning) report this drawn but unused `B` as a control.
    fn feedback_t<'a>(&self, k: usize, feedback: &'a Feedback) -> ArrayView2<'a, f32> {
        feedback.b_t[k - 1].view()
    }

    /// Whether `W` and `B` decay by `λ` and `B` receives `ΔWᵀ` (Kolen–Pollack).
    fn learns_feedback(&self) -> bool {
        false
    }

    /// Brings feedback derived from `W` up to date after `W` changed.
    fn sync(&self, _weights: &[Array2<f32>], _feedback: &mut Feedback) {}

    /// Called after `W_k ← λ W_k + ΔW_k` with the increment `ΔW_k`.
    fn after_update(
        &self,
        _k: usize,
        _increment: ArrayView2<'_, f32>,
        _decay: f32,
        _fb: &mut Feedback,
    ) {
    }
}

/// `δ_k = (W_{k+1}ᵀ δ_{k+1}) ∘ f'(z_k)`.
pub struct Backprop;

impl Rule for Backprop {
    fn kind(&self) -> RuleKind {
        RuleKind::Backprop
    }
    fn path_t<'a>(&self, k: usize, w: &'a [Array2<f32>], _: &'a Feedback) -> ArrayView2<'a, f32> {
        w[k].view()
    }
}

/// `δ_k = (B_{k+1} δ_{k+1}) ∘ f'(z_k)` with `B` fixed.
pub struct FeedbackAlignment;

impl Rule for FeedbackAlignment {
    fn kind(&self) -> RuleKind {
        RuleKind::FeedbackAlignment
    }
}

/// `δ_k = (D_k e) ∘ f'(z_k)` with `D_k` fixed.
pub struct DirectFeedbackAlignment;

impl Rule for DirectFeedbackAlignment {
    fn kind(&self) -> RuleKind {
        RuleKind::DirectFeedbackAlignment
    }
    fn uses_output_error(&self) -> bool {
        true
    }
    fn feedback_t<'a>(&self, k: usize, fb: &'a Feedback) -> ArrayView2<'a, f32> {
        fb.d_t[k - 1].view()
    }
}

/// `δ_k = (s · sign(W_{k+1})ᵀ δ_{k+1}) ∘ f'(z_k)`.
pub struct SignSymmetry;

impl Rule for SignSymmetry {
    fn kind(&self) -> RuleKind {
        RuleKind::SignSymmetry
    }
    fn feedback_t<'a>(&self, k: usize, fb: &'a Feedback) -> ArrayView2<'a, f32> {
        fb.sign_t[k - 1].view()
    }
    fn sync(&self, weights: &[Array2<f32>], fb: &mut Feedback) {
        for (h, path) in fb.sign_t.iter_mut().enumerate() {
            let s = fb.sign_scale[h];
            Zip::from(path)
                .and(&weights[h + 1])
                .for_each(|p, &w| *p = s * sign(w));
        }
    }
}

/// `δ_k = ((|M_{k+1}| ∘ sign(W_{k+1}))ᵀ δ_{k+1}) ∘ f'(z_k)` with `M` fixed.
pub struct SignSymmetryRandomMagnitude;

impl Rule for SignSymmetryRandomMagnitude {
    fn kind(&self) -> RuleKind {
        RuleKind::SignSymmetryRandomMagnitude
    }
    fn feedback_t<'a>(&self, k: usize, fb: &'a Feedback) -> ArrayView2<'a, f32> {
        fb.sign_t[k - 1].view()
    }
    fn sync(&self, weights: &[Array2<f32>], fb: &mut Feedback) {
        for (h, path) in fb.sign_t.iter_mut().enumerate() {
            Zip::from(path)
                .and(&fb.magnitude_t[h])
                .and(&weights[h + 1])
                .for_each(|p, &m, &w| *p = m * sign(w));
        }
    }
}

/// As FA, but `B_{k+1} ← λ B_{k+1} + ΔW_{k+1}ᵀ` alongside `W_{k+1} ← λ W_{k+1} + ΔW_{k+1}`,
/// so `W - Bᵀ` shrinks by `λ` every step (Akrout et al. 2019).
pub struct KolenPollack;

impl Rule for KolenPollack {
    fn kind(&self) -> RuleKind {
        RuleKind::KolenPollack
    }
    fn learns_feedback(&self) -> bool {
        true
    }
    fn after_update(
        &self,
        k: usize,
        increment: ArrayView2<'_, f32>,
        decay: f32,
        fb: &mut Feedback,
    ) {
        // W_1 sends no error anywhere; W_k (k ≥ 2) pairs with B_k, stored at index k - 2.
        if k >= 2 {
            Zip::from(&mut fb.b_t[k - 2])
                .and(increment)
                .for_each(|b, &dw| *b = decay * *b + dw);
        }
    }
}

/// Hidden layers keep their initial weights; only `W_L` learns.
pub struct Shallow;

impl Rule for Shallow {
    fn kind(&self) -> RuleKind {
        RuleKind::Shallow
    }
    fn trains_hidden(&self) -> bool {
        false
    }
}

/// The delta rule for a network with no hidden layer (validation enforces it): only the
/// output layer learns, `Δw_ij = −η (1/b) Σ_s (v_i − y_i) u_j` (docs/science.md §1.2).
pub struct DeltaRule;

impl Rule for DeltaRule {
    fn kind(&self) -> RuleKind {
        RuleKind::Delta
    }
    fn trains_hidden(&self) -> bool {
        false
    }
}

/// `sign(x)` with `sign(0) = 0`.
#[inline]
pub(crate) fn sign(x: f32) -> f32 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn names_round_trip() {
        for rule in RuleKind::ALL {
            assert_eq!(rule.name().parse::<RuleKind>().unwrap(), rule);
            assert_eq!(rule.rule().kind(), rule);
            let json = serde_json::to_string(&rule).unwrap();
            assert_eq!(json, format!("\"{}\"", rule.name()));
            assert_eq!(serde_json::from_str::<RuleKind>(&json).unwrap(), rule);
            assert!(!rule.description().is_empty());
        }
        let err = "hebb".parse::<RuleKind>().unwrap_err().to_string();
        assert_eq!(
            err,
            "unknown rule `hebb`; expected one of: delta, bp, fa, dfa, usf, frsf, kp, shallow"
        );
    }

    #[test]
    fn feedback_shapes_and_orientation() {
        let sizes = [4, 3, 2, 5];
        let fb = Feedback::draw(
            &sizes,
            InitSpec::Uniform { scale: 0.5 },
            2.0,
            &mut ChaCha8Rng::seed_from_u64(1),
        );
        assert_eq!(fb.hidden_layers(), 2);
        // B_{k+1} has the shape of W_{k+1}ᵀ: (n_k, n_{k+1}).
        assert_eq!(fb.b(1).dim(), (3, 2));
        assert_eq!(fb.b(2).dim(), (2, 5));
        assert_eq!(fb.d(1).dim(), (3, 5));
        assert_eq!(fb.d(2).dim(), (2, 5));
        assert!(fb.b_t.iter().all(|b| b.iter().all(|v| v.abs() <= 1.0)));
        assert!(fb.magnitude_t.iter().all(|m| m.iter().all(|&v| v >= 0.0)));
        assert_eq!(fb.sign_scale, vec![0.5, 0.5]);
    }

    #[test]
    fn sign_rules_follow_the_forward_signs() {
        let weights = vec![array![[9.0, 9.0]], array![[2.0], [-0.5], [0.0]]];
        let sizes = [2, 1, 3];
        let mut fb = Feedback::draw(
            &sizes,
            InitSpec::Uniform { scale: 1.0 },
            1.0,
            &mut ChaCha8Rng::seed_from_u64(2),
        );
        SignSymmetry.sync(&weights, &mut fb);
        assert_eq!(fb.sign_t[0], array![[0.5], [-0.5], [0.0]]);
        SignSymmetryRandomMagnitude.sync(&weights, &mut fb);
        let m = &fb.magnitude_t[0];
        assert_eq!(fb.sign_t[0], array![[m[[0, 0]]], [-m[[1, 0]]], [0.0]]);
    }

    #[test]
    fn kolen_pollack_gives_b_the_transposed_increment() {
        let sizes = [1, 2, 1];
        let mut fb = Feedback::draw(
            &sizes,
            InitSpec::Zero,
            1.0,
            &mut ChaCha8Rng::seed_from_u64(0),
        );
        fb.b_t[0].assign(&array![[1.0, -2.0]]);
        // B ← 0.5 B + ΔWᵀ: stored Bᵀ ← 0.5 Bᵀ + ΔW.
        KolenPollack.after_update(2, array![[0.25, 0.5]].view(), 0.5, &mut fb);
        assert_eq!(fb.b_t[0], array![[0.75, -0.5]]);
        // W_1 has no feedback partner.
        KolenPollack.after_update(1, array![[7.0], [7.0]].view(), 0.5, &mut fb);
        assert_eq!(fb.b_t[0], array![[0.75, -0.5]]);
    }
}

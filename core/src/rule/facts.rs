//! What each learning rule is, declared once: its names, colour, one-line explanation,
//! what its feedback pathway carries and what a synapse's update reads
//! (docs/science.md §1 and §2).
//!
//! Every view of the web app, its explanation panel and the CLI's `list` read these
//! facts, so a new rule is described in exactly one place. A test walks every
//! [`RuleKind`] and checks that the facts agree with the rule's implementation.

use super::RuleKind;

/// What carries the error back to a hidden layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FeedbackPath {
    /// No error reaches a hidden layer: there is none (delta rule) or it does not learn
    /// (shallow).
    Nothing,
    /// The forward weights of the layer above, transposed: `W_{k+1}ᵀ` (weight transport).
    Transpose,
    /// A fixed random matrix `B_{k+1}`.
    FixedRandom,
    /// A matrix `B_{k+1}` that learns with the transposed forward update (Kolen–Pollack).
    Learned,
    /// The signs of the forward weights with one fixed magnitude: `s · sign(W_{k+1})ᵀ`.
    Sign,
    /// The signs of the forward weights with fixed random magnitudes:
    /// `(|M_{k+1}| ∘ sign(W_{k+1}))ᵀ`.
    SignRandomMagnitude,
    /// The output error straight to layer `k` through a fixed random `D_k`.
    Direct,
}

impl FeedbackPath {
    /// What the pathway carries, as the views write it: `Wᵀ`, `B`, `sign(W)ᵀ`, `D`, ….
    pub const fn carries(self) -> &'static str {
        match self {
            FeedbackPath::Nothing => "nothing",
            FeedbackPath::Transpose => "Wᵀ",
            FeedbackPath::FixedRandom => "B",
            FeedbackPath::Learned => "B (learned)",
            FeedbackPath::Sign => "s·sign(W)ᵀ",
            FeedbackPath::SignRandomMagnitude => "(|M| ∘ sign(W))ᵀ",
            FeedbackPath::Direct => "D",
        }
    }

    /// The letter of the matrix the snapshots report as this rule's feedback for hidden
    /// layer `k`: `D` (subscript `k`) for the direct path, otherwise `B` (subscript
    /// `k + 1`). Backprop and the rules without hidden learning report the drawn but
    /// unused `B` as a control.
    pub const fn reported_matrix(self) -> char {
        match self {
            FeedbackPath::Direct => 'D',
            _ => 'B',
        }
    }

    /// The index of the reported matrix for hidden layer `k` (1-based): `k` for `D_k`,
    /// `k + 1` for `B_{k+1}`.
    pub const fn reported_index(self, k: usize) -> usize {
        match self {
            FeedbackPath::Direct => k,
            _ => k + 1,
        }
    }

    /// Whether the error really travels through the reported matrix (`B` or `D`), as
    /// opposed to `Wᵀ` (backprop) or not at all.
    pub const fn uses_reported_matrix(self) -> bool {
        !matches!(self, FeedbackPath::Nothing | FeedbackPath::Transpose)
    }

    /// Whether the pathway needs the forward weights of other synapses (their values
    /// or their signs): the weight transport problem.
    pub const fn transports_weights(self) -> bool {
        matches!(
            self,
            FeedbackPath::Transpose | FeedbackPath::Sign | FeedbackPath::SignRandomMagnitude
        )
    }
}

/// Where a quantity that a synapse's update reads comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Origin {
    /// The activity of the synapse's own presynaptic neuron.
    Presynaptic,
    /// The activity of the synapse's own postsynaptic neuron.
    Postsynaptic,
    /// The derivative of its own cell's activation function, `f'(z)`.
    CellDerivative,
    /// A potential of one of its own cell's dendrites (the microcircuit's basal
    /// prediction `v_B`, apical potential `v_A`, an interneuron's dendrite).
    Dendrite,
    /// The target, compared with the output at the output layer.
    Target,
    /// A dedicated feedback pathway (`B`, `D`) that carries an error signal.
    FeedbackPathway,
    /// The weights (or their signs) of other synapses: the forward weights of the layer
    /// above.
    OtherSynapses,
}

impl Origin {
    /// Whether a synapse could know this quantity without help from elsewhere.
    pub const fn is_local(self) -> bool {
        matches!(self.locality(), Locality::AtSynapse | Locality::InsideCell)
    }

    /// Which of the locality inspector's classes it belongs to.
    pub const fn locality(self) -> Locality {
        match self {
            Origin::Presynaptic | Origin::Postsynaptic => Locality::AtSynapse,
            Origin::CellDerivative | Origin::Dendrite => Locality::InsideCell,
            Origin::FeedbackPathway => Locality::FeedbackPathway,
            Origin::OtherSynapses => Locality::OtherSynapses,
            Origin::Target => Locality::Target,
        }
    }

    /// How the UI and the CLI name the origin.
    pub const fn describe(self) -> &'static str {
        match self {
            Origin::Presynaptic => "its own presynaptic activity",
            Origin::Postsynaptic => "its own postsynaptic activity",
            Origin::CellDerivative => "its cell's derivative f′(z)",
            Origin::Dendrite => "a dendritic potential of its own cell",
            Origin::Target => "the target, compared at the output",
            Origin::FeedbackPathway => "a dedicated feedback pathway",
            Origin::OtherSynapses => "the weights of other synapses",
        }
    }
}

/// How far a quantity a synapse's update reads is from the synapse: the classes of the
/// locality inspector (`docs/science.md` §1.6), from local to non-local.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Locality {
    /// The synapse's own pre- and postsynaptic activity (rate or potential).
    AtSynapse,
    /// Inside the postsynaptic cell: its derivative `f′`, its dendritic potentials.
    InsideCell,
    /// Through a dedicated feedback pathway whose weights are not the forward ones
    /// (`B`, `D`): plausible wiring, but a second network.
    FeedbackPathway,
    /// The weights (or signs) of other synapses (`Wᵀ`, `sign(W)ᵀ`): weight transport.
    OtherSynapses,
    /// The target, supplied from outside and compared at the output.
    Target,
}

impl Locality {
    pub const ALL: [Locality; 5] = [
        Locality::AtSynapse,
        Locality::InsideCell,
        Locality::FeedbackPathway,
        Locality::OtherSynapses,
        Locality::Target,
    ];

    /// The class's name in the inspector.
    pub const fn name(self) -> &'static str {
        match self {
            Locality::AtSynapse => "at the synapse",
            Locality::InsideCell => "inside the postsynaptic cell",
            Locality::FeedbackPathway => "through a dedicated feedback pathway",
            Locality::OtherSynapses => "from the weights of other synapses",
            Locality::Target => "from the target",
        }
    }

    /// Why it is (or is not) plausible, in one line.
    pub const fn verdict(self) -> &'static str {
        match self {
            Locality::AtSynapse => "local: the synapse sees it",
            Locality::InsideCell => "local: the cell's own state",
            Locality::FeedbackPathway => "plausible wiring, but a second network of connections",
            Locality::OtherSynapses => "non-local: weight or sign transport",
            Locality::Target => "a teaching signal from outside the network",
        }
    }
}

/// One quantity a synapse's update reads and where it comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reads {
    /// The quantity in the lecture's notation: `h_{k-1}`, `f′(z_k)`, `W_{k+1}`, `δ_{k+1}`.
    pub quantity: &'static str,
    /// Where it comes from.
    pub origin: Origin,
}

const fn reads(quantity: &'static str, origin: Origin) -> Reads {
    Reads { quantity, origin }
}

/// Everything the app and the CLI say about one rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleFacts {
    /// The short name used by serde, the CLI and URLs (`bp`, `fa`, …).
    pub name: &'static str,
    /// A human label for legends.
    pub title: &'static str,
    /// The rule's colour in every chart, legend and readout (sRGB). Okabe & Ito's
    /// palette for colour-blind viewers (2008: black, blue, orange, bluish green,
    /// vermillion, reddish purple, sky blue; grey for the shallow baseline): no two
    /// rules differ only in red against green, and every legend also names the rule.
    pub colour: [u8; 3],
    /// One line for `bioprop list` and the UI.
    pub summary: &'static str,
    /// Who proposed or analysed it.
    pub citation: &'static str,
    /// Whether the error source of a hidden layer is the output error `e` itself rather
    /// than the error `δ_{k+1}` of the layer above.
    pub uses_output_error: bool,
    /// Whether hidden layers learn at all.
    pub trains_hidden: bool,
    /// What carries the error back.
    pub feedback: FeedbackPath,
    /// What the update of a synapse onto a hidden cell reads (onto an output cell for
    /// the rules without hidden learning), and where each quantity comes from.
    pub reads: &'static [Reads],
}

impl RuleFacts {
    /// Whether every quantity the update reads is available at the synapse.
    pub fn is_local(&self) -> bool {
        self.reads.iter().all(|r| r.origin.is_local())
    }

    /// What the update of a synapse onto a cell of layer `layer` (1 to `depth`, the
    /// output layer `depth`) reads, or `None` when that synapse does not learn under
    /// this rule (a hidden synapse of `shallow`).
    ///
    /// A synapse onto an output cell reads the same under every rule: the output layer
    /// learns by the delta rule, `ΔW_L = −η e h_{L−1}ᵀ` with `e = v − y`
    /// (docs/science.md §1.2), for a linear output with squared error and a softmax
    /// with cross-entropy alike, so no `f′` appears. The delta rule's own names (`u`
    /// for its inputs) are kept.
    pub fn synapse_reads(&self, layer: usize, depth: usize) -> Option<&'static [Reads]> {
        if layer >= depth {
            Some(if self.trains_hidden {
                OUTPUT_READS
            } else {
                self.reads
            })
        } else if self.trains_hidden {
            Some(self.reads)
        } else {
            None
        }
    }
}

/// The reads of a hidden synapse `W_k[i, j]` under a rule that sends `δ_{k+1}` back.
const HIDDEN_COMMON: [Reads; 2] = [
    reads("h_{k-1,j}", Origin::Presynaptic),
    reads("f′(z_{k,i})", Origin::CellDerivative),
];

/// The reads of a synapse onto an output cell, under every rule that has hidden layers
/// ([`RuleFacts::synapse_reads`]).
pub const OUTPUT_READS: &[Reads] = OUTPUT_ONLY;

const OUTPUT_ONLY: &[Reads] = &[
    reads("h_{L-1,j}", Origin::Presynaptic),
    reads("v_i", Origin::Postsynaptic),
    reads("y_i", Origin::Target),
];

const DELTA: RuleFacts = RuleFacts {
    name: "delta",
    title: "delta rule",
    colour: [0, 0, 0],
    summary: "single layer, Δw = −η (v − y) uᵀ (LMS); needs layers = [inputs, outputs]",
    citation: "Widrow & Hoff 1960",
    uses_output_error: true,
    trains_hidden: false,
    feedback: FeedbackPath::Nothing,
    reads: &[
        reads("u_j", Origin::Presynaptic),
        reads("v_i", Origin::Postsynaptic),
        reads("y_i", Origin::Target),
    ],
};

const BACKPROP: RuleFacts = RuleFacts {
    name: "bp",
    title: "backprop",
    colour: [0, 114, 178],
    summary:
        "hidden error Wᵀ δ: the exact gradient, needs weight transport (Rumelhart et al. 1986)",
    citation: "Rumelhart, Hinton & Williams 1986",
    uses_output_error: false,
    trains_hidden: true,
    feedback: FeedbackPath::Transpose,
    reads: &[
        HIDDEN_COMMON[0],
        HIDDEN_COMMON[1],
        reads("W_{k+1}[:, i]", Origin::OtherSynapses),
        reads("δ_{k+1}", Origin::FeedbackPathway),
    ],
};

const FEEDBACK_ALIGNMENT: RuleFacts = RuleFacts {
    name: "fa",
    title: "feedback alignment",
    colour: [230, 159, 0],
    summary: "hidden error B δ through a fixed random B (Lillicrap et al. 2016)",
    citation: "Lillicrap, Cownden, Tweed & Akerman 2016",
    uses_output_error: false,
    trains_hidden: true,
    feedback: FeedbackPath::FixedRandom,
    reads: &[
        HIDDEN_COMMON[0],
        HIDDEN_COMMON[1],
        reads("B_{k+1}[i, :] δ_{k+1}", Origin::FeedbackPathway),
    ],
};

const DIRECT_FEEDBACK_ALIGNMENT: RuleFacts = RuleFacts {
    name: "dfa",
    title: "direct feedback alignment",
    colour: [0, 158, 115],
    summary: "hidden error D_k e: the output error sent straight to every layer (Nøkland 2016)",
    citation: "Nøkland 2016",
    uses_output_error: true,
    trains_hidden: true,
    feedback: FeedbackPath::Direct,
    reads: &[
        HIDDEN_COMMON[0],
        HIDDEN_COMMON[1],
        reads("D_k[i, :] e", Origin::FeedbackPathway),
    ],
};

const SIGN_SYMMETRY: RuleFacts = RuleFacts {
    name: "usf",
    title: "sign symmetry (uSF)",
    colour: [213, 94, 0],
    summary:
        "hidden error s·sign(W)ᵀ δ: signs transported, magnitudes not (Liao, Leibo & Poggio 2016)",
    citation: "Liao, Leibo & Poggio 2016",
    uses_output_error: false,
    trains_hidden: true,
    feedback: FeedbackPath::Sign,
    reads: &[
        HIDDEN_COMMON[0],
        HIDDEN_COMMON[1],
        reads("sign(W_{k+1}[:, i])", Origin::OtherSynapses),
        reads("δ_{k+1}", Origin::FeedbackPathway),
    ],
};

const SIGN_SYMMETRY_RANDOM_MAGNITUDE: RuleFacts = RuleFacts {
    name: "frsf",
    title: "sign symmetry, random magnitude (frSF)",
    colour: [204, 121, 167],
    summary:
        "hidden error (|M| ∘ sign(W))ᵀ δ with fixed random magnitudes (Liao, Leibo & Poggio 2016)",
    citation: "Liao, Leibo & Poggio 2016",
    uses_output_error: false,
    trains_hidden: true,
    feedback: FeedbackPath::SignRandomMagnitude,
    reads: &[
        HIDDEN_COMMON[0],
        HIDDEN_COMMON[1],
        reads("sign(W_{k+1}[:, i])", Origin::OtherSynapses),
        reads("|M_{k+1}[:, i]| δ_{k+1}", Origin::FeedbackPathway),
    ],
};

const KOLEN_POLLACK: RuleFacts = RuleFacts {
    name: "kp",
    title: "Kolen–Pollack",
    colour: [86, 180, 233],
    summary: "as FA, but B learns ΔWᵀ with the same decay as W, so B → Wᵀ; the decay leaves \
              an error floor (Akrout et al. 2019)",
    citation: "Kolen & Pollack 1994; Akrout et al. 2019",
    uses_output_error: false,
    trains_hidden: true,
    feedback: FeedbackPath::Learned,
    reads: &[
        HIDDEN_COMMON[0],
        HIDDEN_COMMON[1],
        reads("B_{k+1}[i, :] δ_{k+1}", Origin::FeedbackPathway),
    ],
};

const SHALLOW: RuleFacts = RuleFacts {
    name: "shallow",
    title: "shallow (last layer only)",
    colour: [127, 127, 127],
    summary: "only the output layer learns; hidden weights stay at their initial values",
    citation: "the baseline of Lillicrap et al. 2016",
    uses_output_error: true,
    trains_hidden: false,
    feedback: FeedbackPath::Nothing,
    reads: OUTPUT_ONLY,
};

impl RuleKind {
    /// Everything the app and the CLI say about this rule.
    pub const fn facts(self) -> &'static RuleFacts {
        match self {
            RuleKind::Delta => &DELTA,
            RuleKind::Backprop => &BACKPROP,
            RuleKind::FeedbackAlignment => &FEEDBACK_ALIGNMENT,
            RuleKind::DirectFeedbackAlignment => &DIRECT_FEEDBACK_ALIGNMENT,
            RuleKind::SignSymmetry => &SIGN_SYMMETRY,
            RuleKind::SignSymmetryRandomMagnitude => &SIGN_SYMMETRY_RANDOM_MAGNITUDE,
            RuleKind::KolenPollack => &KOLEN_POLLACK,
            RuleKind::Shallow => &SHALLOW,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_rule_declares_every_fact() {
        for rule in RuleKind::ALL {
            let f = rule.facts();
            assert!(!f.name.is_empty(), "{rule:?}: name");
            assert!(!f.title.is_empty(), "{rule:?}: title");
            assert!(!f.summary.is_empty(), "{rule:?}: summary");
            assert!(!f.citation.is_empty(), "{rule:?}: citation");
            assert!(!f.reads.is_empty(), "{rule:?}: reads");
            assert!(
                f.reads.iter().any(|r| r.origin == Origin::Presynaptic),
                "{rule:?}: every update reads its presynaptic activity"
            );
        }
    }

    #[test]
    fn names_and_colours_are_unique() {
        let names: HashSet<_> = RuleKind::ALL.iter().map(|r| r.facts().name).collect();
        let colours: HashSet<_> = RuleKind::ALL.iter().map(|r| r.facts().colour).collect();
        assert_eq!(names.len(), RuleKind::ALL.len());
        assert_eq!(colours.len(), RuleKind::ALL.len());
    }

    #[test]
    fn facts_agree_with_the_implementation() {
        for rule in RuleKind::ALL {
            let (f, imp) = (rule.facts(), rule.rule());
            assert_eq!(imp.kind(), rule);
            assert_eq!(
                f.trains_hidden,
                imp.trains_hidden(),
                "{rule:?}: trains_hidden"
            );
            if f.trains_hidden {
                assert_eq!(
                    f.uses_output_error,
                    imp.uses_output_error(),
                    "{rule:?}: uses_output_error"
                );
            } else {
                assert_eq!(f.feedback, FeedbackPath::Nothing, "{rule:?}");
            }
            assert_eq!(
                f.feedback == FeedbackPath::Learned,
                imp.learns_feedback(),
                "{rule:?}: learned feedback"
            );
        }
    }

    #[test]
    fn weight_transport_is_declared_where_the_path_reads_other_synapses() {
        for rule in RuleKind::ALL {
            let f = rule.facts();
            let reads_weights = f.reads.iter().any(|r| r.origin == Origin::OtherSynapses);
            assert_eq!(
                reads_weights,
                f.feedback.transports_weights(),
                "{rule:?}: reads other synapses' weights"
            );
        }
        assert!(!RuleKind::Backprop.facts().is_local());
        assert!(!RuleKind::FeedbackAlignment.facts().is_local());
    }

    #[test]
    fn localities_order_from_local_to_not() {
        assert!(Origin::Presynaptic.is_local() && Origin::Dendrite.is_local());
        assert!(!Origin::FeedbackPathway.is_local() && !Origin::OtherSynapses.is_local());
        assert_eq!(Origin::OtherSynapses.locality(), Locality::OtherSynapses);
        // Backprop's hidden synapse reads other synapses' weights; FA's does not, but
        // needs a feedback pathway; neither is local.
        let classes = |rule: RuleKind| -> Vec<Locality> {
            rule.facts()
                .reads
                .iter()
                .map(|r| r.origin.locality())
                .collect()
        };
        assert!(classes(RuleKind::Backprop).contains(&Locality::OtherSynapses));
        assert!(!classes(RuleKind::FeedbackAlignment).contains(&Locality::OtherSynapses));
        assert!(classes(RuleKind::FeedbackAlignment).contains(&Locality::FeedbackPathway));
    }

    #[test]
    fn an_output_synapse_reads_no_feedback_and_no_other_weights() {
        for rule in RuleKind::ALL {
            let f = rule.facts();
            let output = f.synapse_reads(3, 3).expect("every output synapse learns");
            let classes: Vec<Locality> = output.iter().map(|r| r.origin.locality()).collect();
            assert!(
                classes
                    .iter()
                    .all(|c| matches!(c, Locality::AtSynapse | Locality::Target)),
                "{rule:?}: {classes:?}"
            );
            assert!(
                output.iter().any(|r| r.origin == Origin::Target),
                "{rule:?}"
            );
            // A hidden synapse reads the rule's declared reads, or does not learn.
            assert_eq!(
                f.synapse_reads(1, 3),
                f.trains_hidden.then_some(f.reads),
                "{rule:?}"
            );
        }
        // The delta rule's one layer is its output layer, written in its own names.
        let delta = RuleKind::Delta.facts();
        assert_eq!(delta.synapse_reads(1, 1), Some(delta.reads));
        assert_eq!(
            RuleKind::Backprop.facts().synapse_reads(2, 2),
            Some(OUTPUT_READS)
        );
    }

    #[test]
    fn reported_matrix_names() {
        let d = RuleKind::DirectFeedbackAlignment.facts().feedback;
        assert_eq!((d.reported_matrix(), d.reported_index(1)), ('D', 1));
        let b = RuleKind::FeedbackAlignment.facts().feedback;
        assert_eq!((b.reported_matrix(), b.reported_index(1)), ('B', 2));
        assert!(!RuleKind::Backprop.facts().feedback.uses_reported_matrix());
        assert!(RuleKind::KolenPollack
            .facts()
            .feedback
            .uses_reported_matrix());
    }
}

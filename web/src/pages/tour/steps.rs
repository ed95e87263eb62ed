//! The lecture's arc as a sequence of steps: the text of each, the equation where there
//! is one, a "predict, then observe" question, and the live demonstration it opens —
//! a link into one of the app's pages, so every demonstration is the real page with the
//! settings the step needs (`web/tests/tour_steps.rs` checks that each link opens
//! without a notice).
//!
//! Notation is the lecture's: `u` inputs, `h` hidden, `v` outputs, `target`; errors
//! are `v − target`, and the minus sign of descent is written out. The claims are those
//! of `docs/science.md` and the measurements quoted there and in `docs/lab.md`.

/// One of the six reasons backprop is at odds with biology, in the lecture's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Implausibility {
    WeightTransport = 1,
    Derivative = 2,
    TwoPhases = 3,
    ErrorNetwork = 4,
    NonLocal = 5,
    Target = 6,
}

impl Implausibility {
    pub const ALL: [Implausibility; 6] = [
        Implausibility::WeightTransport,
        Implausibility::Derivative,
        Implausibility::TwoPhases,
        Implausibility::ErrorNetwork,
        Implausibility::NonLocal,
        Implausibility::Target,
    ];

    /// The lecture's name for it.
    pub const fn name(self) -> &'static str {
        match self {
            Implausibility::WeightTransport => "weight transport",
            Implausibility::Derivative => "derivatives of the activation function",
            Implausibility::TwoPhases => "two-phase learning",
            Implausibility::ErrorNetwork => "a separate error network",
            Implausibility::NonLocal => "non-local learning rules",
            Implausibility::Target => "the target",
        }
    }
}

/// Which page a demonstration opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DemoPage {
    Rules,
    Microcircuit,
    Cerebellum,
}

/// A live demonstration: a page with the settings of its query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Demo {
    pub page: DemoPage,
    /// The page's URL settings (without `page`, `embed` or `autoplay`, which the tour
    /// adds), e.g. `compare=bp,fa&views=network,alignment`.
    pub query: &'static str,
    /// The part of the screen to look at.
    pub look_at: &'static str,
    /// Where that is in the demonstration's page: CSS selectors of its parts, which the
    /// tour brings into the frame's view and which must fit there at 1280×720.
    pub look: &'static [&'static str],
}

/// A multiple-choice question: "predict, then observe" before a demonstration runs,
/// or one of the concept check's questions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Question {
    pub ask: &'static str,
    pub choices: &'static [&'static str],
    /// The index of the right choice.
    pub answer: usize,
    /// Why, shown once the student has chosen (after the demonstration, for a
    /// prediction).
    pub explanation: &'static str,
}

/// One step of the tour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    /// The step's name in the URL (`?page=tour&step=weight-transport`).
    pub id: &'static str,
    pub title: &'static str,
    /// Which of the six implausibilities it shows, if any.
    pub point: Option<Implausibility>,
    /// Two or three sentences per paragraph.
    pub text: &'static [&'static str],
    pub equation: Option<&'static str>,
    /// Asked before the demonstration runs.
    pub predict: Option<Question>,
    pub demo: Option<Demo>,
    /// Rules whose hidden-synapse update is listed quantity by quantity with where each
    /// comes from (their names, e.g. `bp`): the locality step.
    pub reads_of: &'static [&'static str],
    /// The concept check's questions.
    pub quiz: &'static [Question],
}

const NONE: Step = Step {
    id: "",
    title: "",
    point: None,
    text: &[],
    equation: None,
    predict: None,
    demo: None,
    reads_of: &[],
    quiz: &[],
};

/// The tour, in order.
pub const STEPS: &[Step] = &[
    Step {
        id: "delta-rule",
        title: "One layer: the delta rule",
        text: &[
            "A single layer of weights maps the input u to the output v. Each weight moves \
             against the output's error, scaled by the activity that entered the synapse: \
             everything the update needs is at the synapse and the output cell.",
            "On the linear teacher, a target that is a linear function of u, this is all it \
             takes.",
        ],
        equation: Some("Δw_ij = −η (v_i − target_i) u_j"),
        predict: Some(Question {
            ask: "Will one layer of weights learn the linear teacher? And xor?",
            choices: &["Both", "Only the linear teacher", "Only xor", "Neither"],
            answer: 1,
            explanation: "One layer computes a linear function of u: it fits the linear \
                          teacher (held-out NSE about 0.01 after 500 steps) but cannot \
                          separate xor's four quadrants (the next step).",
        }),
        demo: Some(Demo {
            page: DemoPage::Rules,
            query: "rule=delta",
            look_at: "the error curve, and the update of the chosen synapse written out \
                      with its numbers",
            look: &[
                "[data-testid=\"delta-readout\"]",
                "[data-testid=\"chart-loss\"]",
            ],
        }),
        ..NONE
    },
    Step {
        id: "delta-xor",
        title: "One layer cannot learn xor",
        text: &[
            "xor's class is the sign of u₁·u₂: no straight line separates the two classes. \
             The delta rule still descends its error, but the best one layer can do is \
             about chance.",
            "A hidden layer h between u and v fixes that — if we know how to train it.",
        ],
        equation: Some("v = g(W u)   →   v = g(W_vh f(W_hu u))"),
        demo: Some(Demo {
            page: DemoPage::Rules,
            query: "rule=delta&task=xor&views=task",
            look_at: "the accuracy, which stays near 50 %, and the decision boundary: one \
                      straight line",
            look: &[".readouts", "[data-testid=\"boundary-delta\"]"],
        }),
        ..NONE
    },
    Step {
        id: "backprop",
        title: "Backprop: the delta rule through the chain rule",
        text: &[
            "A hidden unit has no target of its own. The chain rule gives its share of the \
             error: the output errors, sent back through the same weights W_vh that carried \
             h forward, times the slope f′ of the hidden unit.",
            "Then every weight moves as in the delta rule: −η times its own error signal \
             times its input.",
        ],
        equation: Some(
            "δ_v = (v − target) ∘ g′(z_v)    δ_h = (W_vhᵀ δ_v) ∘ f′(z_h)    ΔW_hu = −η δ_h uᵀ",
        ),
        predict: Some(Question {
            ask: "With one hidden layer trained by backprop, will the network learn xor?",
            choices: &[
                "Yes",
                "No, it stays at chance",
                "Only with a linear hidden layer",
            ],
            answer: 0,
            explanation: "The hidden units bend the boundary: the accuracy climbs well above \
                          chance. A linear hidden layer would not help — a product of linear \
                          maps is linear.",
        }),
        demo: Some(Demo {
            page: DemoPage::Rules,
            query: "rule=bp&task=xor",
            look_at: "the network: forward activity in the nodes, the error signals \
                      travelling back along the edges",
            look: &["[data-view=\"network\"]"],
        }),
        ..NONE
    },
    Step {
        id: "dendritic-spikes",
        title: "A backpropagating action potential is not backprop",
        text: &[
            "Neurons do send spikes back into their own dendrites: the backpropagating \
             action potential. It carries the cell's own output to its own synapses — a \
             local signal.",
            "Backprop's δ_h is something else: the errors of other cells, weighted by the \
             weights of other synapses. The name is shared; the computation is not.",
        ],
        equation: Some("δ_h = (W_vhᵀ δ_v) ∘ f′(z_h)   — needs W_vh and δ_v, not h's own spike"),
        ..NONE
    },
    Step {
        id: "weight-transport",
        title: "(1) Weight transport, and feedback alignment",
        point: Some(Implausibility::WeightTransport),
        text: &[
            "Backprop sends the error back through W_vhᵀ: every feedback synapse must know \
             the strength of a forward synapse elsewhere. Feedback alignment sends it \
             through a fixed random matrix B instead.",
            "B never changes. The forward weights learn, and they come to agree with B: it \
             is W that aligns with B, not B with W.",
        ],
        equation: Some("backprop: δ_h = (W_vhᵀ δ_v) ∘ f′(z_h)    FA: δ_h = (B δ_v) ∘ f′(z_h)"),
        predict: Some(Question {
            ask: "Under feedback alignment, what will the angle between B and W_vhᵀ do?",
            choices: &[
                "Stay near 90°: B is random",
                "Fall, because B learns to match W",
                "Fall, because W comes to match the fixed B",
                "Rise towards 180°",
            ],
            answer: 2,
            explanation: "The angle falls from about 90° to about 30° while B stays fixed: W \
                          moves. Backprop's B is drawn but never used, and its angle stays \
                          near 90° — the control.",
        }),
        demo: Some(Demo {
            page: DemoPage::Rules,
            query: "compare=bp,fa&views=alignment",
            look_at: "the weight-angle chart: FA's ∠(B, Wᵀ) falling, backprop's staying at 90°",
            look: &["[data-view=\"alignment\"]"],
        }),
        ..NONE
    },
    Step {
        id: "derivative",
        title: "(2) Derivatives of the activation function",
        point: Some(Implausibility::Derivative),
        text: &[
            "The hidden error is multiplied by f′(z_h), the slope of the unit's activation \
             at its current input — a quantity a neuron may not have to hand. Dropping it is \
             harmless as long as it does not change the direction of the update: with \
             linear units f′ = 1 and the run is identical.",
            "On the nonlinear teacher (tanh units) it is not harmless: without f′ backprop \
             and FA end near the error of the shallow learner, whose hidden layer does not \
             learn at all.",
        ],
        equation: Some("with f′: δ_h = (W_vhᵀ δ_v) ∘ f′(z_h)    without: δ_h = W_vhᵀ δ_v"),
        predict: Some(Question {
            ask: "Without f′, on the nonlinear teacher, where will backprop's error end?",
            choices: &[
                "Where it ends with f′",
                "Somewhere between",
                "Near the shallow learner's",
            ],
            answer: 2,
            explanation:
                "Measured over 5 seeds, 5,000 steps (docs/lab.md): held-out NSE 0.016 with f′, \
                          0.16 without, the shallow learner 0.18 — although the update \
                          without f′ is only about 23° from backprop's.",
        }),
        demo: Some(Demo {
            page: DemoPage::Rules,
            query: "task=nonlinear-teacher&compare=bp,fa,shallow&noderiv=1&views=curves",
            look_at: "the error curves: all three rules end together",
            look: &["[data-view=\"curves\"]"],
        }),
        ..NONE
    },
    Step {
        id: "two-phases",
        title: "(3) Two-phase learning",
        point: Some(Implausibility::TwoPhases),
        text: &[
            "Backprop alternates a forward pass with a backward pass, and the error must not \
             disturb the forward activity while it travels back. The brain has no clock \
             that switches its neurons between two such phases.",
            "In the dendritic microcircuit the error lives in the apical dendrites while the \
             somata carry the forward activity, at the same time. Only the output is nudged \
             towards the target; every plasticity rate stays the same. (Over long runs with \
             the target on, this version's full model drifts up again, a known fault: \
             docs/science.md §4.4.)",
        ],
        equation: Some(
            "ΔW_hu ∝ (φ(u_h) − φ(v̂_B,h)) r_uᵀ   — the soma against its own basal prediction",
        ),
        predict: Some(Question {
            ask: "With the target on, what does the apical energy ‖v_A‖² do as the circuit \
                  learns?",
            choices: &[
                "Stays at zero",
                "Rises when the output is nudged, then falls as the forward weights learn",
                "Grows without bound",
            ],
            answer: 1,
            explanation: "The nudged output no longer matches what the interneurons predict: \
                          the mismatch appears in the apical dendrites as an error, and falls \
                          as the forward weights learn to close it.",
        }),
        demo: Some(Demo {
            page: DemoPage::Microcircuit,
            query: "mode=steady",
            look_at: "the ‖v_A‖² chart and the error curve",
            look: &[
                "[data-testid=\"chart-apical-energy\"]",
                "[data-testid=\"chart-loss\"]",
            ],
        }),
        ..NONE
    },
    Step {
        id: "error-network",
        title: "(4) A separate error network",
        point: Some(Implausibility::ErrorNetwork),
        text: &[
            "Backprop's errors travel through a second network running backwards, with its \
             own copy of the weights. Feedback alignment removes the copying but keeps the \
             second pathway, B.",
            "In the microcircuit the errors are carried by the same pyramidal cells, in a \
             separate compartment, with interneurons that learn to cancel the top-down \
             input: there is no second network of error neurons.",
        ],
        demo: Some(Demo {
            page: DemoPage::Microcircuit,
            query: "init=random&target=0",
            look_at: "the ‖v_A‖² chart: with no target the interneurons learn to cancel the \
                      top-down input, and the apical potentials fall towards zero",
            look: &["[data-testid=\"chart-apical-energy\"]"],
        }),
        predict: Some(Question {
            ask: "Starting from random interneuron weights with no target, what will ‖v_A‖² \
                  do?",
            choices: &[
                "Fall: the interneurons learn to predict",
                "Stay high",
                "Oscillate",
            ],
            answer: 0,
            explanation: "The interneurons learn to imitate the layer above and cancel its \
                          top-down input: the self-predicting state, where an apical \
                          potential means an error and nothing else.",
        }),
        ..NONE
    },
    Step {
        id: "locality",
        title: "(5) Non-local learning rules",
        point: Some(Implausibility::NonLocal),
        text: &[
            "A synapse can see its presynaptic activity and the state of its own cell. \
             Backprop's hidden synapse also needs the weights of other synapses; FA needs a \
             dedicated feedback pathway instead.",
            "The list below is what each rule's hidden-synapse update reads, and where each \
             quantity comes from.",
        ],
        reads_of: &["bp", "fa", "dfa", "usf"],
        ..NONE
    },
    Step {
        id: "target",
        title: "(6) The target: one area teaching another",
        point: Some(Implausibility::Target),
        text: &[
            "Supervised learning needs a target for every output, every time. Some brain \
             areas may compute teaching signals for others.",
            "Stage 1: random commands move a limb and the cerebellum learns to predict the \
             outcome, by the delta rule on outcome − prediction. Stage 2: that model teaches a \
             controller; the reach error travels back through the model, never through the \
             limb (the distal teacher, Jordan & Rumelhart 1992).",
        ],
        equation: Some(
            "Δv_j = −η (y − target) · s_j,   s_j = q_j passed through the learned model",
        ),
        predict: Some(Question {
            ask: "The model still errs by about a third on the goal's movement. Where will the \
                  controller's reach error go?",
            choices: &[
                "Stay near the model's error",
                "Close to zero",
                "Up: the model is wrong",
            ],
            answer: 1,
            explanation: "Learning stops only where the reach error is zero; the model need only \
                          point the right way. The reach error falls below 0.1 % while the \
                          model's stays near 35 %.",
        }),
        demo: Some(Demo {
            page: DemoPage::Cerebellum,
            query: "task=distal-teacher&speed=50",
            look_at: "the model's error in stage 1, then the reach error in stage 2",
            look: &[
                "[data-testid=\"chart-stage-1\"]",
                "[data-testid=\"chart-stage-2\"]",
            ],
        }),
        ..NONE
    },
    Step {
        id: "autoencoder",
        title: "(6) The target: an autoencoder needs no teacher",
        point: Some(Implausibility::Target),
        text: &[
            "Another answer needs no teacher: the target is the input itself. An autoencoder \
             squeezes each pattern through a narrow hidden layer and learns to reconstruct it.",
            "The 8-3-8 encoder (Rumelhart, Hinton & Williams 1986): 8 one-hot patterns through \
             3 hidden units. Backprop and feedback alignment both learn it.",
        ],
        equation: Some("target = u,   e = v − u,   ΔW_L = −η e h_{L−1}ᵀ"),
        predict: Some(Question {
            ask: "Can eight patterns pass through three hidden units and all come back?",
            choices: &["No", "Yes, like three bits", "Only with backprop"],
            answer: 1,
            explanation: "Three units have 2³ = 8 sign patterns: a code exists, and bp and fa \
                          both find one.",
        }),
        demo: Some(Demo {
            page: DemoPage::Rules,
            query: "task=autoencoder&views=curves,task",
            look_at: "the share of patterns reconstructed, bp and fa",
            look: &["[data-testid=\"chart-accuracy\"]"],
        }),
        ..NONE
    },
    Step {
        id: "concept-check",
        title: "Concept check",
        text: &["Before the answers to the six problems: five questions."],
        quiz: &[
            Question {
                ask: "Under feedback alignment, what comes to align?",
                choices: &[
                    "B learns to match Wᵀ",
                    "W comes to match the fixed B",
                    "Nothing: the angle stays at 90°",
                ],
                answer: 1,
                explanation: "B never changes under FA; the forward weights move until B's \
                              error signals are useful to them.",
            },
            Question {
                ask: "Which quantity can a real synapse not see under backprop?",
                choices: &[
                    "Its presynaptic activity",
                    "Its own cell's slope f′",
                    "The forward weights of other synapses",
                ],
                answer: 2,
                explanation: "W_vhᵀ is the weight transport problem: the other two are at \
                              the synapse or in its own cell.",
            },
            Question {
                ask: "Dropping f′ from the hidden error…",
                choices: &[
                    "always stops learning",
                    "never matters",
                    "is harmless with linear units, costly on the tanh teacher",
                ],
                answer: 2,
                explanation: "With f′ = 1 the run is identical; with tanh units both rules \
                              end near the shallow learner.",
            },
            Question {
                ask: "A backpropagating action potential…",
                choices: &[
                    "is how the brain implements backprop",
                    "carries a cell's own spike back into its dendrites",
                    "carries the output error to the first layer",
                ],
                answer: 1,
                explanation: "It is local to its cell; backprop's error is not.",
            },
            Question {
                ask: "In the dendritic microcircuit, a hidden cell's error lives in…",
                choices: &[
                    "a separate network of error neurons",
                    "its apical dendrite",
                    "a global reward signal",
                ],
                answer: 1,
                explanation: "The apical potential is the mismatch between the top-down input \
                              and the interneurons' prediction of it.",
            },
        ],
        ..NONE
    },
    Step {
        id: "sign-symmetry",
        title: "Sign symmetry: transport the signs only",
        point: Some(Implausibility::WeightTransport),
        text: &[
            "A middle way: the feedback synapses share only the sign of the forward ones, \
             with one magnitude (uSF) or fixed random magnitudes (frSF).",
            "Signs are enough to start aligned: the angle is well below 90° from the first \
             step.",
        ],
        equation: Some("uSF: δ_h = (s · sign(W_vh)ᵀ δ_v) ∘ f′(z_h)"),
        demo: Some(Demo {
            page: DemoPage::Rules,
            query: "compare=fa,usf,frsf&views=alignment,curves",
            look_at: "the weight-angle chart: the sign rules start aligned, FA has to get \
                      there",
            look: &["[data-view=\"alignment\"]"],
        }),
        ..NONE
    },
    Step {
        id: "kolen-pollack",
        title: "Kolen–Pollack: feedback that learns",
        point: Some(Implausibility::WeightTransport),
        text: &[
            "Let B learn too, with the transposed update of W and the same decay: both are \
             driven to the same matrix, so B → Wᵀ without ever reading W.",
            "The decay that aligns them is also a weight decay on W: an error floor.",
        ],
        equation: Some("ΔB = ΔW_vhᵀ, and both decay: W ← λW, B ← λB"),
        predict: Some(Question {
            ask: "Compared with FA, what will Kolen–Pollack's angle and error do?",
            choices: &[
                "Angle near 0°, but a higher final error",
                "Angle near 0° and a lower final error",
                "Both as FA's",
            ],
            answer: 0,
            explanation: "On the linear teacher KP's angle falls below 2° but its error \
                          stays near 1e-3, where FA's reaches float precision (λ = 0.9995).",
        }),
        demo: Some(Demo {
            page: DemoPage::Rules,
            query: "compare=fa,kp&views=alignment,curves",
            look_at: "the weight angle falling to zero, and the error curve levelling off",
            look: &["[data-view=\"alignment\"]", "[data-view=\"curves\"]"],
        }),
        ..NONE
    },
    Step {
        id: "direct-feedback",
        title: "Direct feedback alignment in a deep network",
        point: Some(Implausibility::WeightTransport),
        text: &[
            "With several hidden layers, FA's error reaches the first layer through several \
             random matrices. DFA sends the output error straight to every layer through a \
             random D_k of its own.",
            "Look at the update angle of the first hidden layer under each rule.",
        ],
        equation: Some("DFA: δ_k = (D_k e) ∘ f′(z_k),   e = v − target"),
        demo: Some(Demo {
            page: DemoPage::Rules,
            query:
                "task=nonlinear-teacher&compare=fa,dfa&layers=30-20-20-20-10&views=alignment,curves",
            look_at: "the update angles per layer",
            look: &["[data-view=\"alignment\"]"],
        }),
        ..NONE
    },
    Step {
        id: "microcircuit",
        title: "Dendritic error microcircuits",
        point: Some(Implausibility::TwoPhases),
        text: &[
            "Pyramidal cells with a basal and an apical compartment, and interneurons that \
             learn to predict the layer above. All four plasticity rules run all the time \
             and read only what is at the synapse and in its own cell.",
            "The top-down weights are fixed and random: the circuit is a form of feedback \
             alignment, computed by dendrites.",
        ],
        demo: Some(Demo {
            page: DemoPage::Microcircuit,
            query: "",
            look_at: "the circuit diagram and the traced neuron's potentials",
            look: &[
                "[data-testid=\"circuit-diagram\"]",
                "[data-testid=\"chart-traces\"]",
            ],
        }),
        ..NONE
    },
    Step {
        id: "digits",
        title: "Handwritten digits: backprop and feedback alignment",
        point: Some(Implausibility::WeightTransport),
        text: &[
            "The same rules on MNIST's handwritten digits (LeCun et al. 1998): 784 pixels u, \
             100 tanh hidden units h, 10 softmax outputs v; 12,000 images to learn from, \
             10,000 held out. FA learns them too (Lillicrap et al. 2016).",
            "Each hidden unit's incoming weights, drawn as a 28×28 image, are its receptive \
             field: strokes and blobs appear under both rules. (The microcircuit on digits is \
             not yet at its paper's error: docs/science.md §4.6.)",
        ],
        equation: Some("v = softmax(W_vh tanh(W_hu u)),   e = v − target"),
        predict: Some(Question {
            ask: "After the first 100 steps of 32 images, which rule will be ahead on the \
                  held-out digits?",
            choices: &[
                "Backprop: it follows the true gradient",
                "Feedback alignment",
                "Neither: both near chance, 10 %",
            ],
            answer: 1,
            explanation: "Measured over seeds 1 and 2 (docs/science.md §3): after 100 steps FA \
                          near 85 %, backprop near 65 % (all 10,000 held-out images); both \
                          about 89–90 % after 400. From small \
                          forward weights, FA's fixed, larger B moves the hidden layer at \
                          once; backprop's error reaches it only through W_vhᵀ, which starts \
                          small.",
        }),
        demo: Some(Demo {
            page: DemoPage::Rules,
            query: "task=digits&views=task",
            look_at: "each run's test accuracy, then its receptive fields (36 hidden \
                      units' weights as images)",
            look: &[".readouts", "[data-testid=\"receptive-fields\"]"],
        }),
        ..NONE
    },
    Step {
        id: "cerebellum-delay",
        title: "The cerebellum: when the teaching signal is late",
        point: Some(Implausibility::Target),
        text: &[
            "The retinal slip reaches the Purkinje cells late. With the error 0.3 s late at \
             1 Hz the delta rule climbs instead of descending: above about 1/(4 × delay) Hz \
             the error is more than a quarter period late.",
            "An eligibility trace, the synapse remembering its input for as long, restores \
             learning.",
        ],
        predict: Some(Question {
            ask: "The error arrives 0.3 s late, the head turns at 1 Hz. Will the gain still \
                  learn its way to 2?",
            choices: &["Yes, only more slowly", "No: the weights run away"],
            answer: 1,
            explanation: "The run diverges after about 35 s and stops with a message naming \
                          the limit; set the eligibility delay to 0.3 s and it learns again.",
        }),
        demo: Some(Demo {
            page: DemoPage::Cerebellum,
            query: "edelay=0.3",
            look_at: "the gain and the weights, then the divergence notice",
            look: &["[data-testid=\"chart-gain\"]", "[data-testid=\"weights\"]"],
        }),
        ..NONE
    },
    Step {
        id: "summary",
        title: "Summary",
        text: &[
            "Backprop is the chain rule applied to the delta rule. Feedback alignment and its \
             relatives answer weight transport; dendritic microcircuits learn in one phase \
             with local rules and no separate error network; the cerebellum shows how one \
             area can teach another.",
            "What none of them removes is the need for a teaching signal — only where it \
             comes from. The lab (docs/lab.md) turns each of these claims into a question \
             to check.",
        ],
        ..NONE
    },
];

/// The step called `id`, with its index.
pub fn find(id: &str) -> Option<(usize, &'static Step)> {
    STEPS.iter().enumerate().find(|(_, step)| step.id == id)
}

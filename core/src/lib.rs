//! bioprop: backprop and its biologically plausible rivals.
//!
//! The models, learning rules, tasks and metrics live here, free of any web
//! dependency, so they are tested natively and compiled unchanged to wasm32.
//!
//! | module | concept |
//! |---|---|
//! | [`activation`] | hidden-layer non-linearities, each with its derivative |
//! | [`linalg`] | the allocation-free, fixed-order matrix products of a training step |
//! | [`network`] | weights, biases, initialisation, the forward pass and the output layer |
//! | [`rule`] | how each learning rule sends the error back to a hidden layer |
//! | [`optimizer`] | minibatch SGD with momentum, weight decay and Kolen–Pollack decay |
//! | [`metrics`] | alignment angles, norm ratio, sign concordance, losses |
//! | [`metrics_csv`] | a run's metric history as CSV: the command line's and the page's columns |
//! | [`experiment`] | a validated config, the training loop, history and snapshots |
//! | [`task`] | the datasets a student learns from |
//! | [`streams`] | every random stream id of every model, in one table |
//! | [`microcircuit`] | dendritic error microcircuits: apical errors, interneurons, local always-on plasticity |
//! | [`cerebellum`] | the cerebellum as an adaptive filter: VOR adaptation, a forward model |
//! | [`exercise`] | the gradient exercise: a small network's numbers, ∂E/∂w by the chain rule |
//!
//! Sign conventions follow `docs/science.md` §0: the output error is `e = a_L - y` and
//! every update descends, `ΔW_k = -η δ_k a_{k-1}ᵀ`.

pub mod activation;
pub mod cerebellum;
pub mod exercise;
pub mod experiment;
pub(crate) mod hash;
pub(crate) mod limits;
pub mod linalg;
pub mod metrics;
pub mod metrics_csv;
pub mod microcircuit;
pub(crate) mod named;
pub mod network;
pub mod optimizer;
pub mod rule;
pub mod session;
pub mod streams;
pub mod task;

pub use activation::Activation;
pub use cerebellum::{Cerebellum, CerebellumConfig, CerebellumTask};
pub use experiment::{ConfigError, Experiment, ExperimentConfig, Matrix, Snapshot, StepError};
pub use metrics::{Evaluation, LayerMetrics, Metrics};
// At the crate root the microcircuit's types carry the model's name, as
// `ExperimentConfig` and `CerebellumConfig` do; inside the module they are
// `microcircuit::{Config, ConfigError, StepError, Snapshot}`.
pub use microcircuit::{
    Config as MicrocircuitConfig, Microcircuit, Snapshot as MicrocircuitSnapshot,
};
pub use named::{Named, UnknownName};
pub use network::{Network, OutputLayer};
pub use rule::RuleKind;
pub use task::{Dataset, InitSpec, OutputKind, TaskConfig, TaskKind};

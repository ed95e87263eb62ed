//! The circuit as SVG, its signals animated: mossy fibre → granule cells (the basis
//! `p_i`) → parallel fibres → Purkinje cell (`z = Σ w_i p_i`) ← climbing fibre (the
//! error); the brainstem pathway (VOR) or the plant (forward model) beside it.
//!
//! Line widths follow the latest values (|signal| over the task's scale); a parallel
//! fibre's synapse grows with `|w_i|`, red for positive, blue for negative.

use std::rc::Rc;

use bioprop::cerebellum::{CerebellumTask, Snapshot};
use yew::prelude::*;

use crate::widgets::number::signed;

const WIDTH: f64 = 700.0;
const HEIGHT: f64 = 330.0;
const GRANULE_X: f64 = 190.0;
const PURKINJE_X: f64 = 470.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 250.0;
const POSITIVE: &str = "#b2182b";
const NEGATIVE: &str = "#2166ac";
const ERROR: &str = "#e66101";

#[derive(Properties, PartialEq)]
pub struct CircuitDiagramProps {
    pub snapshot: Rc<Snapshot>,
    /// τ of `p_1 .. p_n`, seconds.
    pub taus: Rc<Vec<f64>>,
    pub brainstem_gain: f64,
}

/// `|value| / scale` clamped to `[0, 1]`: what the drawing may use of a value, however
/// large (a non-finite value counts as full size).
pub fn fraction(value: f64, scale: f64) -> f64 {
    let f = value.abs() / scale;
    if f.is_nan() {
        1.0
    } else {
        f.min(1.0)
    }
}

/// A stroke width for `value` on a scale where `scale` is a full-size signal.
fn width(value: f64, scale: f64) -> f64 {
    0.8 + 5.0 * fraction(value, scale)
}

fn sign_colour(value: f64) -> &'static str {
    if value >= 0.0 {
        POSITIVE
    } else {
        NEGATIVE
    }
}

#[component]
pub fn CircuitDiagram(props: &CircuitDiagramProps) -> Html {
    let s = &*props.snapshot;
    let vor = s.task == CerebellumTask::Vor;
    let scale = s.target_gain.abs().max(1.0);
    let n = s.basis_signals.len().max(1);
    let y_of = |i: usize| TOP + (BOTTOM - TOP) * (i as f64 + 0.5) / n as f64;
    let max_weight = s
        .weights
        .iter()
        .fold(0.0_f64, |m, w| m.max(w.abs()))
        .max(1e-9);
    let (input_name, output_name, behaviour_name, error_name) = if vor {
        ("head velocity H", "eye E", "eye velocity", "retinal slip S")
    } else {
        ("motor command u", "prediction z", "z", "y − z")
    };
    let fibres = s.basis_signals.iter().enumerate().map(|(i, &p)| {
        let y = y_of(i);
        let w = s.weights.get(i).copied().unwrap_or(0.0);
        let radius = 2.0 + 9.0 * fraction(w, max_weight).sqrt();
        let label = if i == 0 {
            "raw".to_owned()
        } else {
            props
                .taus
                .get(i - 1)
                .map(|tau| format!("τ {:.0} ms", tau * 1000.0))
                .unwrap_or_default()
        };
        html! {
            <g class="cb-fibre">
                <path class="cb-mossy" d={format!("M 120 145 C 150 145, 150 {y}, {} {y}", GRANULE_X - 9.0)}
                    stroke-width={format!("{:.2}", width(s.input, 1.0) * 0.6)} />
                <circle class="cb-granule" cx={GRANULE_X.to_string()} cy={y.to_string()} r="8"
                    fill={sign_colour(p)} fill-opacity={format!("{:.2}", 0.15 + 0.85 * fraction(p, 1.0))} />
                <text class="cb-small" x={(GRANULE_X + 12.0).to_string()} y={(y - 5.0).to_string()}>
                    {format!("p{i} {label}")}</text>
                <line class="cb-parallel" x1={(GRANULE_X + 8.0).to_string()} y1={y.to_string()}
                    x2={(PURKINJE_X + 40.0).to_string()} y2={y.to_string()}
                    stroke={sign_colour(p)} stroke-width={format!("{:.2}", width(p, 1.0))} />
                <circle class="cb-synapse" cx={PURKINJE_X.to_string()} cy={y.to_string()}
                    r={format!("{radius:.2}")} fill={sign_colour(w)}>
                    <title>{format!("w{i} = {}, p{i} = {}", signed(w, 4), signed(p, 3))}</title>
                </circle>
            </g>
        }
    });
    let soma_y = BOTTOM + 28.0;
    let error_width = width(s.error, scale);
    html! {
        <svg class="cb-diagram" viewBox={format!("0 0 {WIDTH} {HEIGHT}")} role="img"
            aria-label="The cerebellar circuit with its signals" data-testid="circuit">
            // Input box.
            <rect class="cb-box" x="10" y="125" width="110" height="40" rx="5" />
            <text class="cb-label" x="65" y="141" text-anchor="middle">{input_name}</text>
            <text class="cb-value" x="65" y="157" text-anchor="middle">{signed(s.input, 3)}</text>
            <text class="cb-small" x="72" y="185">{"mossy fibres"}</text>
            <text class="cb-small" x={(GRANULE_X - 20.0).to_string()} y="22">{"granule cells → parallel fibres"}</text>
            { for fibres }
            // Purkinje dendrite and soma.
            <line class="cb-dendrite" x1={PURKINJE_X.to_string()} y1={(TOP - 15.0).to_string()}
                x2={PURKINJE_X.to_string()} y2={(soma_y - 14.0).to_string()} />
            <circle class="cb-soma" cx={PURKINJE_X.to_string()} cy={soma_y.to_string()} r="14"
                fill={sign_colour(s.output)} fill-opacity={format!("{:.2}", 0.2 + 0.8 * fraction(s.output, scale))} />
            <text class="cb-label" x={(PURKINJE_X - 20.0).to_string()} y={(soma_y + 4.0).to_string()} text-anchor="end">
                {format!("Purkinje z = Σ wᵢpᵢ = {}", signed(s.output, 3))}</text>
            // Purkinje output to the behaviour box.
            <path class="cb-output" d={format!("M {} {soma_y} H 590 V 250", PURKINJE_X + 14.0)}
                stroke={sign_colour(s.output)} stroke-width={format!("{:.2}", width(s.output, scale))} />
            <rect class="cb-box" x="560" y="210" width="130" height="40" rx="5" />
            <text class="cb-label" x="625" y="226" text-anchor="middle">{output_name}</text>
            <text class="cb-value" x="625" y="242" text-anchor="middle">{format!("{behaviour_name} {}", signed(if vor { s.behaviour } else { s.output }, 3))}</text>
            // Brainstem (VOR) or plant (forward model), from the input along the bottom.
            <path class="cb-brainstem" d="M 65 165 V 318 H 625 V 250" />
            <text class="cb-small" x="260" y="313">{
                if vor { format!("brainstem pathway, gain B = {}", props.brainstem_gain) }
                else { format!("plant (damped 2nd order) → outcome y = {}", signed(s.behaviour, 3)) }
            }</text>
            // Comparator and climbing fibre.
            <rect class="cb-box cb-error-box" x="560" y="40" width="130" height="40" rx="5" />
            <text class="cb-label" x="625" y="56" text-anchor="middle">{error_name}</text>
            <text class="cb-value" x="625" y="72" text-anchor="middle">{signed(s.error, 4)}</text>
            <line class="cb-compare" x1="625" y1="210" x2="625" y2="82" />
            <path class="cb-climbing" d={format!("M 560 60 H {} V {}", PURKINJE_X + 10.0, soma_y - 12.0)}
                stroke={ERROR} stroke-width={format!("{error_width:.2}")} />
            <text class="cb-small" x="500" y="100">{"climbing fibre (teacher)"}</text>
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drawing_sizes_stay_bounded_for_a_diverged_run() {
        for v in [0.0, 0.5, -3.0, 2_131_338.74, f64::INFINITY, f64::NAN] {
            let f = fraction(v, 2.0);
            assert!((0.0..=1.0).contains(&f), "{v}: {f}");
            assert!((0.8..=5.8).contains(&width(v, 2.0)), "{v}");
        }
        assert_eq!(fraction(-1.0, 2.0), 0.5);
    }
}

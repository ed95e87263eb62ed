//! The circuit diagram: one hidden layer `k` of the microcircuit as an SVG, with the
//! layer above (`k+1`) on top and the input `r_{k-1}` below.
//!
//! Each pyramidal cell is drawn as three compartments — an apical dendrite (top box),
//! a soma (triangle) and a basal dendrite (bottom box) — filled by their potentials
//! `v_A`, `u^P`, `v_B` on a diverging scale. Interneurons (circles, `u^I`) sit beside
//! them. The four weight groups are drawn as one bundle each:
//!
//! ```text
//! W^PP_{k+1,k}  pyramidal soma ─▶ layer above        (forward, up)
//! W^PP_{k,k+1}  layer above ─▶ apical dendrites      (top-down)
//! W^IP          pyramidal soma ─▶ interneurons
//! W^PI          interneurons ─▶ apical dendrites     (cancels the top-down input)
//! ```
//!
//! At most [`SHOWN`] pyramidal cells are drawn (the traced one always among them).

use std::rc::Rc;

use bioprop::MicrocircuitSnapshot;
use yew::prelude::*;

use crate::widgets::colour::{diverging, hex};

/// Pyramidal cells drawn.
pub const SHOWN: usize = 8;
const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 380.0;
const UP: &str = "#2b8a3e";
const DOWN: &str = "#7048e8";
const TO_INTER: &str = "#e8590c";
const INHIBIT: &str = "#c92a2a";

/// Which pyramidal cells to draw: the first [`SHOWN`], with the traced cell replacing
/// the last if it is further along.
pub fn shown_cells(count: usize, traced: usize) -> Vec<usize> {
    let mut cells: Vec<usize> = (0..count.min(SHOWN)).collect();
    if traced < count && !cells.contains(&traced) {
        if let Some(last) = cells.last_mut() {
            *last = traced;
        }
    }
    cells
}

/// The colour scale: the largest |potential| in the layer, at least 0.1.
fn scale(values: &[&[f32]]) -> f32 {
    values
        .iter()
        .flat_map(|v| v.iter())
        .filter(|v| v.is_finite())
        .fold(0.1_f32, |m, v| m.max(v.abs()))
}

#[derive(Properties, PartialEq)]
pub struct CircuitDiagramProps {
    pub snapshot: Rc<MicrocircuitSnapshot>,
}

#[component]
pub fn CircuitDiagram(props: &CircuitDiagramProps) -> Html {
    let s = &*props.snapshot;
    let cells = shown_cells(s.soma.len(), s.probe.neuron);
    let interneurons: Vec<usize> = (0..s.interneuron.len().min(SHOWN)).collect();
    let above = s.interneuron_target.len().min(SHOWN);
    let u_scale = scale(&[&s.soma, &s.basal, &s.interneuron, &s.interneuron_target]);
    // The apical potential is the error: its own scale so a small one still shows.
    let a_scale = scale(&[&s.apical]);
    let fill = |v: f32, sc: f32| hex(diverging(v, sc));

    let left = 40.0;
    let cell_span = 470.0;
    let x_cell = |i: usize| left + cell_span * (i as f64 + 0.5) / cells.len().max(1) as f64;
    let x_above = |j: usize| left + cell_span * (j as f64 + 0.5) / above.max(1) as f64;
    let x_inter = |j: usize| 560.0 + 180.0 * (j as f64 + 0.5) / interneurons.len().max(1) as f64;
    let (y_above, y_apical, y_soma, y_basal, y_input, y_inter) =
        (40.0, 120.0, 215.0, 285.0, 350.0, 250.0);
    let line = |x1: f64, y1: f64, x2: f64, y2: f64, colour: &str, dash: bool| {
        html! {
            <line x1={x1.to_string()} y1={y1.to_string()} x2={x2.to_string()} y2={y2.to_string()}
                stroke={colour.to_owned()} stroke-width="1.2" stroke-opacity="0.55"
                stroke-dasharray={if dash { "4 3" } else { "" }} />
        }
    };

    let mut bundles = Vec::new();
    for (slot, &i) in cells.iter().enumerate() {
        let x = x_cell(slot);
        for j in 0..above {
            if (i + j) % 3 == 0 {
                bundles.push(line(
                    x + 4.0,
                    y_soma - 18.0,
                    x_above(j),
                    y_above + 12.0,
                    UP,
                    false,
                ));
                bundles.push(line(
                    x_above(j) - 4.0,
                    y_above + 12.0,
                    x - 4.0,
                    y_apical - 16.0,
                    DOWN,
                    true,
                ));
            }
        }
        for (slot_j, _) in interneurons.iter().enumerate() {
            if (i + slot_j) % 4 == 0 {
                bundles.push(line(
                    x + 12.0,
                    y_soma,
                    x_inter(slot_j),
                    y_inter,
                    TO_INTER,
                    false,
                ));
                bundles.push(line(
                    x_inter(slot_j),
                    y_inter - 12.0,
                    x + 12.0,
                    y_apical,
                    INHIBIT,
                    true,
                ));
            }
        }
    }

    let pyramids = cells.iter().enumerate().map(|(slot, &i)| {
        let x = x_cell(slot);
        let traced = i == s.probe.neuron;
        let soma = s.soma.get(i).copied().unwrap_or(f32::NAN);
        let basal = s.basal.get(i).copied().unwrap_or(f32::NAN);
        let apical = s.apical.get(i).copied().unwrap_or(f32::NAN);
        let tri = format!(
            "{},{} {},{} {},{}",
            x - 16.0,
            y_soma + 14.0,
            x + 16.0,
            y_soma + 14.0,
            x,
            y_soma - 18.0
        );
        html! {
            <g class={classes!("mc-cell", traced.then_some("traced"))} data-testid={format!("cell-{i}")}>
                <line x1={x.to_string()} y1={(y_apical + 16.0).to_string()} x2={x.to_string()} y2={(y_soma - 18.0).to_string()} class="mc-trunk" />
                <line x1={x.to_string()} y1={(y_soma + 14.0).to_string()} x2={x.to_string()} y2={(y_basal - 12.0).to_string()} class="mc-trunk" />
                <rect class="mc-apical" x={(x - 18.0).to_string()} y={(y_apical - 16.0).to_string()} width="36" height="32" rx="8"
                    fill={fill(apical, a_scale)} data-value={apical.to_string()}>
                    <title>{format!("cell {i}: apical v_A = {apical:.4}")}</title>
                </rect>
                <polygon class="mc-soma" points={tri} fill={fill(soma, u_scale)}>
                    <title>{format!("cell {i}: soma u = {soma:.4}")}</title>
                </polygon>
                <rect class="mc-basal" x={(x - 16.0).to_string()} y={(y_basal - 12.0).to_string()} width="32" height="22" rx="3"
                    fill={fill(basal, u_scale)}>
                    <title>{format!("cell {i}: basal v_B = {basal:.4}")}</title>
                </rect>
                <text class="mc-tiny" x={x.to_string()} y={(y_basal + 24.0).to_string()} text-anchor="middle">{format!("#{i}")}</text>
            </g>
        }
    });
    let inters = interneurons.iter().map(|&j| {
        let x = x_inter(j);
        let v = s.interneuron.get(j).copied().unwrap_or(f32::NAN);
        html! {
            <g class="mc-interneuron">
                <circle cx={x.to_string()} cy={y_inter.to_string()} r="11" fill={fill(v, u_scale)} class="mc-inter" >
                    <title>{format!("interneuron {j}: u^I = {v:.4}")}</title>
                </circle>
                <text class="mc-tiny" x={x.to_string()} y={(y_inter + 26.0).to_string()} text-anchor="middle">{format!("{j}")}</text>
            </g>
        }
    });
    let tops = (0..above).map(|j| {
        let v = s.interneuron_target.get(j).copied().unwrap_or(f32::NAN);
        html! {
            <circle cx={x_above(j).to_string()} cy={y_above.to_string()} r="11" fill={fill(v, u_scale)} class="mc-above">
                <title>{format!("layer above, cell {j}: u = {v:.4}")}</title>
            </circle>
        }
    });
    let legend = [
        (UP, false, "W^PP up: soma → layer above"),
        (DOWN, true, "W^PP down: top-down → apical"),
        (TO_INTER, false, "W^IP: pyramidal → interneuron"),
        (INHIBIT, true, "W^PI: interneuron → apical"),
    ]
    .into_iter()
    .enumerate()
    .map(|(n, (colour, dash, label))| {
        let y = 308.0 + 13.0 * n as f64;
        html! {
            <g>
                { line(530.0, y, 555.0, y, colour, dash) }
                <text class="mc-small" x="560" y={(y + 4.0).to_string()}>{label}</text>
            </g>
        }
    });
    html! {
        <svg class="mc-diagram" viewBox={format!("0 0 {WIDTH} {HEIGHT}")} role="img" data-testid="circuit-diagram"
            aria-label="One hidden layer: pyramidal cells with apical, soma and basal compartments, interneurons and the four weight groups">
            { for bundles }
            <text class="mc-label" x="4" y={(y_above + 4.0).to_string()}>{"k+1"}</text>
            { for tops }
            <text class="mc-label" x="4" y={(y_apical + 4.0).to_string()}>{"v_A"}</text>
            <text class="mc-label" x="4" y={(y_soma + 4.0).to_string()}>{"u^P"}</text>
            <text class="mc-label" x="4" y={(y_basal + 4.0).to_string()}>{"v_B"}</text>
            { for pyramids }
            <text class="mc-label" x={(WIDTH - 4.0).to_string()} y={(y_inter + 42.0).to_string()} text-anchor="end">{"interneurons u^I (one per cell above)"}</text>
            { for inters }
            { for legend }
            <rect class="mc-input" x={left.to_string()} y={(y_input - 8.0).to_string()} width={cell_span.to_string()} height="16" rx="3" />
            <text class="mc-small" x={(left + cell_span / 2.0).to_string()} y={(y_input + 4.0).to_string()} text-anchor="middle">{"input r_{k−1} → basal dendrites (W^PP_{k,k−1})"}</text>
            <text class="mc-small" x="4" y={(HEIGHT - 4.0).to_string()}>{format!(
                "colour: potentials ±{u_scale:.2}, apical ±{a_scale:.3} (blue −, red +); {} of {} cells shown, traced cell outlined",
                cells.len(), s.soma.len()
            )}</text>
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_traced_cell_is_always_shown() {
        assert_eq!(shown_cells(50, 3), vec![0, 1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(shown_cells(50, 30), vec![0, 1, 2, 3, 4, 5, 6, 30]);
        assert_eq!(shown_cells(4, 3), vec![0, 1, 2, 3]);
        assert_eq!(shown_cells(0, 0), Vec::<usize>::new());
    }

    #[test]
    fn the_scale_ignores_non_finite_values_and_has_a_floor() {
        assert_eq!(scale(&[&[0.01, f32::NAN]]), 0.1);
        assert_eq!(scale(&[&[-2.0], &[1.0]]), 2.0);
    }
}

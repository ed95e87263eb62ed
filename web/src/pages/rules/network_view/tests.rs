//! The network view's scene, built natively: units shown, edges kept, dots, notes.

use super::*;
use bioprop::RuleKind;

fn matrix(rows: usize, cols: usize, f: impl Fn(usize, usize) -> f32) -> Matrix {
    Matrix {
        rows,
        cols,
        data: (0..rows * cols).map(|e| f(e / cols, e % cols)).collect(),
    }
}

/// Layers `sizes` with `W_l[i][j] = 10 l + i + j / 100` and
/// `B_{k+1}[i][j] = -(i + j / 100)` (or `D_k` under DFA, `(n_k, n_L)`).
fn snapshot(rule: RuleKind, sizes: &[usize]) -> Snapshot {
    let depth = sizes.len() - 1;
    let weights = (1..=depth)
        .map(|l| {
            Some(matrix(sizes[l], sizes[l - 1], |i, j| {
                10.0 * l as f32 + i as f32 + j as f32 / 100.0
            }))
        })
        .collect();
    let feedback = (1..depth)
        .map(|k| {
            let cols = if rule == RuleKind::DirectFeedbackAlignment {
                sizes[depth]
            } else {
                sizes[k + 1]
            };
            Some(matrix(sizes[k], cols, |i, j| {
                -(i as f32 + j as f32 / 100.0)
            }))
        })
        .collect();
    Snapshot {
        step: 1,
        rule,
        layers: sizes.to_vec(),
        diverged: false,
        probe_input: vec![0.5; sizes[0]],
        probe_target: vec![0.0; sizes[depth]],
        activations: sizes
            .iter()
            .map(|&n| (0..n).map(|u| u as f32 / n as f32).collect())
            .collect(),
        deltas: sizes[1..]
            .iter()
            .map(|&n| (0..n).map(|u| (u as f32 + 1.0) / 10.0).collect())
            .collect(),
        weights,
        biases: sizes[1..].iter().map(|&n| vec![0.0; n]).collect(),
        feedback,
        metrics: None,
    }
}

#[test]
fn wide_layers_show_both_ends_around_an_ellipsis() {
    let s = shown_units(784, 24);
    assert_eq!(s.units.len(), 24);
    assert_eq!(&s.units[..12], &(0..12).collect::<Vec<_>>()[..]);
    assert_eq!(&s.units[12..], &(772..784).collect::<Vec<_>>()[..]);
    assert_eq!(s.ellipsis, Some(12));
    assert_eq!(s.slots(), 25);
    assert_eq!(s.slot(11), 11);
    assert_eq!(s.slot(12), 13, "the ellipsis takes slot 12");
    let s = shown_units(5, 24);
    assert_eq!((s.units, s.ellipsis), (vec![0, 1, 2, 3, 4], None));
    assert_eq!(shown_units(25, 5).units, vec![0, 1, 2, 23, 24]);
}

#[test]
fn strongest_edges_keeps_the_largest_magnitudes_weakest_first() {
    // 3×3 with entries (i - 1)·3 + (j - 1): |values| 4, 3, 2, 1, 0, 1, 2, 3, 4.
    let m = matrix(3, 3, |i, j| (i as f32 - 1.0) * 3.0 + (j as f32 - 1.0));
    let all = strongest_edges(&m, &[0, 1, 2], &[0, 1, 2], 100);
    assert_eq!(all.len(), 9);
    let top = strongest_edges(&m, &[0, 1, 2], &[0, 1, 2], 2);
    let values: Vec<f32> = top.iter().map(|e| e.value).collect();
    assert_eq!(values.len(), 2);
    assert!(values.iter().all(|v| v.abs() == 4.0), "{values:?}");
    let top = strongest_edges(&m, &[0, 1, 2], &[0, 1, 2], 4);
    let magnitudes: Vec<f32> = top.iter().map(|e| e.value.abs()).collect();
    assert_eq!(magnitudes, vec![3.0, 3.0, 4.0, 4.0]);
    // Positions index the lists passed in: rows [2] and cols [0, 2] of m.
    let some = strongest_edges(&m, &[2], &[0, 2], 10);
    assert_eq!(
        some[1],
        Edge {
            row: 0,
            col: 1,
            value: 4.0
        }
    );
    assert_eq!(
        some[0],
        Edge {
            row: 0,
            col: 0,
            value: 2.0
        }
    );
    assert!(strongest_edges(&m, &[0], &[0], 0).is_empty());
    // A NaN entry is the weakest, not the strongest.
    let mut n = m.clone();
    n.data[4] = f32::NAN;
    let top = strongest_edges(&n, &[0, 1, 2], &[0, 1, 2], 8);
    assert!(top.iter().all(|e| !e.value.is_nan()));
}

#[test]
fn budgets_are_shared_and_capped() {
    assert_eq!(allocate(&[480, 200], 640, 600), vec![440, 200]);
    assert_eq!(allocate(&[576, 576, 576], 640, 600), vec![213, 213, 214]);
    assert_eq!(allocate(&[1000], 640, 600), vec![600]);
    assert_eq!(allocate(&[0, 10], 640, 600), vec![0, 10]);
    assert!(allocate(&[], 640, 600).is_empty());
}

#[test]
fn scene_counts_nodes_and_keeps_feedback_apart() {
    let s = snapshot(RuleKind::FeedbackAlignment, &[2, 4, 3]);
    let sc = scene(&s, FeedbackView::B);
    assert_eq!(sc.nodes.len(), 2 + 4 + 3);
    assert_eq!(sc.delta_nodes.len(), 4 + 3, "no δ for the input");
    assert_eq!(sc.forward_edges.len(), 2 * 4 + 4 * 3);
    assert_eq!(
        sc.feedback_edges.len(),
        4 * 3,
        "B₂ only: no feedback to the input"
    );
    // Feedback edges live in the lower band, below every forward node.
    let lowest_forward = sc.nodes.iter().map(|n| n.y).fold(0.0, f32::max);
    let top_delta = sc.delta_nodes.iter().map(|n| n.y).fold(f32::MAX, f32::min);
    assert!(top_delta > lowest_forward);
    assert!(sc.height > top_delta);
    assert!(!sc.dots.is_empty() && sc.dots.len() <= DOTS_PER_PAIR);
    assert!(
        sc.dots.iter().all(|d| d.end.0 < 0.0),
        "dots run right to left"
    );
}

#[test]
fn feedback_views_carry_b_transpose_and_difference_in_one_orientation() {
    let s = snapshot(RuleKind::FeedbackAlignment, &[2, 4, 3]);
    let value_of = |view, i: usize, j: usize| {
        let sc = scene(&s, view);
        let name = match view {
            FeedbackView::B => "B₂".to_string(),
            FeedbackView::Transpose => "W₂ᵀ".to_string(),
            FeedbackView::Difference => "(B₂ − W₂ᵀ)".to_string(),
        };
        let prefix = format!("{name}[{i}, {j}] = ");
        sc.feedback_edges
            .iter()
            .find(|e| e.info().starts_with(&prefix))
            .unwrap_or_else(|| panic!("no edge {prefix}"))
            .value
    };
    // Edge from unit j = 2 of layer 2 back to unit i = 3 of layer 1:
    // B₂[3][2] = -(3 + 0.02); W₂ᵀ[3][2] = W₂[2][3] = 20 + 2 + 0.03.
    assert!((value_of(FeedbackView::B, 3, 2) + 3.02).abs() < 1e-5);
    assert!((value_of(FeedbackView::Transpose, 3, 2) - 22.03).abs() < 1e-4);
    assert!((value_of(FeedbackView::Difference, 3, 2) + 25.05).abs() < 1e-4);
    // And the forward W₂[2][3] is the same number as W₂ᵀ[3][2].
    let sc = scene(&s, FeedbackView::B);
    let w = sc
        .forward_edges
        .iter()
        .find(|e| e.info().starts_with("W₂[2, 3] = "))
        .unwrap();
    assert!((w.value - 22.03).abs() < 1e-4);
    // The colours follow the view.
    let strokes = |view| {
        scene(&s, view)
            .feedback_edges
            .iter()
            .map(|e| e.stroke)
            .collect::<Vec<_>>()
    };
    assert_ne!(strokes(FeedbackView::B), strokes(FeedbackView::Transpose));
}

#[test]
fn a_small_difference_is_drawn_faint() {
    // B₂ = W₂ᵀ + 0.01: the difference is 1/2000 of the largest |entry| (about 22).
    let mut s = snapshot(RuleKind::KolenPollack, &[2, 4, 3]);
    let w2 = s.weights[1].clone().unwrap();
    let mut b = transpose(&w2);
    b.data.iter_mut().for_each(|v| *v += 0.01);
    s.feedback[0] = Some(b);
    let sc = scene(&s, FeedbackView::Difference);
    assert_eq!(sc.feedback_edges.len(), 12);
    for e in &sc.feedback_edges {
        assert!((e.value - 0.01).abs() < 1e-4);
        assert!(e.width < 0.31, "{}", e.width);
        assert_eq!(e.stroke, diverging(0.0, 1.0), "as neutral as zero");
    }
}

#[test]
fn dfa_edges_come_from_the_output_and_bow_below() {
    let s = snapshot(RuleKind::DirectFeedbackAlignment, &[2, 4, 4, 3]);
    let sc = scene(&s, FeedbackView::B);
    // D₁ (4, 3) from the output to h₁, and D₂ (4, 3) from the output to h₂.
    assert_eq!(sc.feedback_edges.len(), 4 * 3 + 4 * 3);
    assert_eq!(
        sc.feedback_edges
            .iter()
            .filter(|e| e.path().contains('Q'))
            .count(),
        12
    );
    let sc = scene(&s, FeedbackView::Difference);
    assert_eq!(sc.feedback_edges.len(), 4 * 3, "only D₂ matches W₃ᵀ");
    assert!(
        sc.notes
            .iter()
            .any(|n| n.contains("D₁ − W₂ᵀ does not apply")),
        "{:?}",
        sc.notes
    );
}

#[test]
fn big_networks_stay_within_the_element_budget() {
    let sizes = [784, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 10];
    let mut s = snapshot(RuleKind::FeedbackAlignment, &sizes);
    s.weights[0] = None; // 78,400 entries: over the snapshot limit.
    let sc = scene(&s, FeedbackView::B);
    assert!(sc.nodes.iter().all(|n| n.r > 0.0));
    assert_eq!(sc.nodes.len(), 24 * 11 + 10);
    assert!(sc.forward_edges.len() <= FORWARD_EDGE_BUDGET);
    assert!(sc.feedback_edges.len() <= FEEDBACK_EDGE_BUDGET);
    let elements = sc.nodes.len()
        + sc.delta_nodes.len()
        + sc.forward_edges.len()
        + sc.feedback_edges.len()
        + sc.dots.len()
        + sc.labels.len();
    assert!(elements < 2000, "{elements} SVG elements");
    assert!(
        sc.notes.iter().any(|n| n.contains("W₁ is too big")),
        "{:?}",
        sc.notes
    );
    assert!(sc
        .notes
        .iter()
        .any(|n| n.contains("760 of 784 units not drawn")));
    assert!(sc.travel_seconds <= MAX_TRAVEL_SECONDS + HOP_SECONDS);
}

#[test]
fn backprops_band_draws_and_names_the_transpose_it_uses() {
    let s = snapshot(RuleKind::Backprop, &[2, 4, 3, 2]);
    for view in FeedbackView::ALL {
        let shown = shown_view(RuleKind::Backprop, view);
        assert_eq!(shown, FeedbackView::Transpose, "{view:?}");
        assert_eq!(edge_name(RuleKind::Backprop, shown), "Wᵀ");
        let sc = scene(&s, shown);
        let title = "feedback pathway: error δ sent back through Wᵀ";
        assert!(sc.labels.iter().any(|l| l.text == title), "{view:?}");
        assert!(sc.notes.is_empty(), "{:?}", sc.notes);
        assert!(!sc.dots.is_empty(), "the error travels back along Wᵀ");
        let names: Vec<&str> = sc.labels.iter().map(|l| l.text.as_str()).collect();
        assert!(!names.iter().any(|n| n.contains('B')), "{names:?}");
    }
    // The other rules still draw what the page asks for.
    assert_eq!(
        shown_view(RuleKind::FeedbackAlignment, FeedbackView::Difference),
        FeedbackView::Difference
    );
    assert_eq!(
        edge_name(RuleKind::DirectFeedbackAlignment, FeedbackView::B),
        "D"
    );
}

#[test]
fn dots_follow_only_the_path_the_rule_uses() {
    let s = snapshot(RuleKind::Backprop, &[2, 4, 3]);
    assert!(scene(&s, FeedbackView::B).dots.is_empty());
    assert!(!scene(&s, FeedbackView::Transpose).dots.is_empty());
    let s = snapshot(RuleKind::Shallow, &[2, 4, 3]);
    assert!(scene(&s, FeedbackView::B).dots.is_empty());
    let s = snapshot(RuleKind::FeedbackAlignment, &[2, 4, 3]);
    assert!(scene(&s, FeedbackView::Difference).dots.is_empty());
}

#[test]
fn edges_of_one_shade_are_drawn_as_one_path_thinnest_first() {
    let s = snapshot(RuleKind::FeedbackAlignment, &[6, 8, 5]);
    let sc = scene(&s, FeedbackView::B);
    for edges in [&sc.forward_edges, &sc.feedback_edges] {
        let groups = edge_groups(edges);
        // At most one path per step of the scale, each holding its edges' data.
        assert!(
            groups.len() <= 2 * EDGE_SHADES as usize + 1,
            "{}",
            groups.len()
        );
        assert!(groups.len() < edges.len());
        for e in edges.iter() {
            let holding: Vec<&EdgeGroup> =
                groups.iter().filter(|g| g.d.contains(&e.path())).collect();
            assert_eq!(holding.len(), 1, "{}", e.path());
            assert_eq!((holding[0].stroke, holding[0].width), (e.stroke, e.width));
        }
        let total: usize = groups.iter().map(|g| g.d.matches('M').count()).sum();
        assert_eq!(total, edges.len());
        assert!(groups.windows(2).all(|w| w[0].width <= w[1].width));
    }
    // The shade is the value's nearest of 16 steps: W₂'s largest entry (24.07) is
    // the darkest, and an entry 1/40 of it (below half a step) as neutral as zero.
    assert_eq!(shade(24.07, 24.07), 24.07);
    assert_eq!(shade(24.07 / 40.0, 24.07), 0.0);
    assert_eq!(shade(-12.0, 24.0), -12.0);
    assert!(shade(f32::NAN, 1.0).is_nan());
}

#[test]
fn the_pointer_finds_the_edge_under_it_straight_or_curved() {
    let s = snapshot(RuleKind::DirectFeedbackAlignment, &[2, 4, 4, 3]);
    let sc = scene(&s, FeedbackView::B);
    let middle = |e: &EdgeShape| ((e.from.0 + e.to.0) / 2.0, (e.from.1 + e.to.1) / 2.0);
    let w = &sc.forward_edges[0];
    let (x, y) = middle(w);
    let found = edge_at(&sc, x, y + 1.0, 4.0).expect("an edge");
    assert!(found.info().starts_with("W"), "{}", found.info());
    assert_eq!(edge_at(&sc, x, y, 4.0), Some(w));
    // A DFA edge bows below the band: its curve's middle, not the chord's.
    let d = sc
        .feedback_edges
        .iter()
        .find(|e| e.control.is_some())
        .unwrap();
    let c = d.control.unwrap();
    let curve_middle = (
        0.25 * d.from.0 + 0.5 * c.0 + 0.25 * d.to.0,
        0.25 * d.from.1 + 0.5 * c.1 + 0.25 * d.to.1,
    );
    let found = edge_at(&sc, curve_middle.0, curve_middle.1, 4.0).expect("a curved edge");
    assert!(
        found.control.is_some() && found.info().starts_with('D'),
        "{}",
        found.info()
    );
    // Far from every edge: nothing.
    assert_eq!(edge_at(&sc, -50.0, -50.0, 4.0), None);
}

#[test]
fn the_pointer_finds_the_unit_under_it_activity_or_delta() {
    let s = snapshot(RuleKind::FeedbackAlignment, &[2, 4, 3]);
    let sc = scene(&s, FeedbackView::B);
    let h0 = sc
        .nodes
        .iter()
        .find(|n| n.layer == 1 && n.unit == 0)
        .unwrap();
    assert_eq!(node_at(&sc, h0.x, h0.y, 4.0), Some(h0));
    // Just inside the widened disc, on its rim.
    let rim = h0.r + 3.9;
    assert_eq!(node_at(&sc, h0.x + rim, h0.y, 4.0), Some(h0));
    assert!(h0.info.starts_with("h₁ unit 0: a = "), "{}", h0.info);
    let d = &sc.delta_nodes[0];
    assert_eq!(node_at(&sc, d.x, d.y + 0.5, 4.0), Some(d));
    assert!(d.info.contains("δ = "), "{}", d.info);
    // Between units, on an edge: no unit, so the edge reads out.
    let w = &sc.forward_edges[0];
    let (x, y) = ((w.from.0 + w.to.0) / 2.0, (w.from.1 + w.to.1) / 2.0);
    assert_eq!(node_at(&sc, x, y, 4.0), None);
    assert!(edge_at(&sc, x, y, 4.0).is_some());
}

//! Browser tests for the view components (heatmaps, feedback matrices, decision
//! boundary, network view), run by wasm-bindgen-test in headless Chromium:
//!
//! ```text
//! CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_WEBDRIVER_JSON=tests/webdriver.json \
//!     cargo test --target wasm32-unknown-unknown -p bioprop-web --test views
//! ```
//!
//! Expected colours come from `bioprop_web::widgets::colour` (unit-tested natively against
//! ColorBrewer's stops) and expected shapes from the snapshot's documented
//! orientations.
#![cfg(target_arch = "wasm32")]

mod common;

use std::rc::Rc;

use bioprop::{Experiment, ExperimentConfig, Matrix, RuleKind, Snapshot, TaskKind};
use bioprop_web::pages::rules::network_view::{FeedbackView, NetworkView, NetworkViewProps};
use bioprop_web::widgets::colour::diverging;
use bioprop_web::widgets::heatmap::{
    compare_layer, grid_rgba, rgba_for_matrix, DecisionBoundary, DecisionBoundaryProps, Extent,
    FeedbackMatrices, FeedbackMatricesProps, GridValues, MatrixHeatmap, MatrixHeatmapProps,
};
use common::{count, has, pixels, until};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlCanvasElement, MouseEvent, MouseEventInit};

wasm_bindgen_test_configure!(run_in_browser);

/// Views are drawn in a 640-pixel column.
fn container() -> Element {
    common::container(Some(640))
}

/// Whether every canvas under `root` matching `selector` has been drawn on (the
/// heatmaps draw in an effect after the render that creates their canvas).
fn painted(root: &Element, selector: &str) -> bool {
    let list = root.query_selector_all(selector).unwrap();
    list.length() > 0
        && (0..list.length()).all(|i| {
            let canvas: HtmlCanvasElement = list.item(i).unwrap().dyn_into().unwrap();
            pixels(&canvas).chunks_exact(4).any(|p| p[3] != 0)
        })
}

fn canvas(root: &Element, selector: &str) -> HtmlCanvasElement {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
        .dyn_into()
        .unwrap()
}

/// All of a canvas's pixels, RGBA.
/// Sends a bubbling mouse event of `kind` at the viewport point `(x, y)` to `target`.
fn mouse(target: &Element, kind: &str, x: f64, y: f64) {
    let init = MouseEventInit::new();
    init.set_bubbles(true);
    init.set_client_x(x as i32);
    init.set_client_y(y as i32);
    let event = MouseEvent::new_with_mouse_event_init_dict(kind, &init).unwrap();
    target.dispatch_event(&event).unwrap();
}

fn matrix(rows: usize, cols: usize, data: &[f32]) -> Matrix {
    Matrix {
        rows,
        cols,
        data: data.to_vec(),
    }
}

/// A 2-4-3 network under feedback alignment whose entries are easy to tell apart:
/// `W_l[i][j] = (-1)^(i+j) (0.1 l + 0.05 i + 0.01 j)`, `B₂[i][j] = -0.3 + 0.1 i + 0.05 j`.
fn small_snapshot() -> Snapshot {
    let sizes = [2usize, 4, 3];
    let w = |l: usize| {
        let (rows, cols) = (sizes[l], sizes[l - 1]);
        let data: Vec<f32> = (0..rows * cols)
            .map(|e| {
                let (i, j) = (e / cols, e % cols);
                let sign = if (i + j) % 2 == 0 { 1.0 } else { -1.0 };
                sign * (0.1 * l as f32 + 0.05 * i as f32 + 0.01 * j as f32)
            })
            .collect();
        Some(matrix(rows, cols, &data))
    };
    let b: Vec<f32> = (0..12)
        .map(|e| -0.3 + 0.1 * (e / 3) as f32 + 0.05 * (e % 3) as f32)
        .collect();
    Snapshot {
        step: 7,
        rule: RuleKind::FeedbackAlignment,
        layers: sizes.to_vec(),
        diverged: false,
        probe_input: vec![0.5, -0.5],
        probe_target: vec![1.0, 0.0, 0.0],
        activations: vec![
            vec![0.5, -0.5],
            vec![0.9, -0.2, 0.0, 0.4],
            vec![0.3, 0.1, -0.6],
        ],
        deltas: vec![vec![0.01, -0.03, 0.0, 0.02], vec![-0.7, 0.1, -0.4]],
        weights: vec![w(1), w(2)],
        biases: vec![vec![0.0; 4], vec![0.0; 3]],
        feedback: vec![Some(matrix(4, 3, &b))],
        metrics: None,
    }
}

/// A real snapshot of XOR's default network after a few steps under `rule`.
fn xor_snapshot(rule: RuleKind) -> Snapshot {
    let mut config = ExperimentConfig::for_task(TaskKind::Xor);
    config.rule = rule;
    let mut experiment = Experiment::new(&config).expect("XOR's defaults are valid");
    experiment.step(5).expect("five steps do not diverge");
    experiment.snapshot()
}

#[wasm_bindgen_test]
async fn matrix_heatmap_pixels_are_the_entries_colours() {
    let root = container();
    let m = matrix(2, 3, &[0.0, 1.0, -1.0, 0.5, -2.0, 0.25]);
    let props = MatrixHeatmapProps {
        matrix: Rc::new(m.clone()),
        scale: 1.0,
        title: "M".into(),
        testid: "heatmap".into(),
    };
    yew::Renderer::<MatrixHeatmap>::with_root_and_props(root.clone(), props).render();
    until("the heatmap drawn", || {
        painted(&root, "[data-testid=heatmap] canvas")
    })
    .await;
    let canvas = canvas(&root, "[data-testid=heatmap] canvas");
    assert_eq!(
        (canvas.width(), canvas.height()),
        (3, 2),
        "one pixel per entry"
    );
    let drawn = pixels(&canvas);
    assert_eq!(drawn, rgba_for_matrix(&m, 1.0));
    // Hand-checked: (0, 1) holds 1 → RdBu's red end; (1, 1) holds -2 → clamped blue end.
    assert_eq!(&drawn[4..8], &[103, 0, 31, 255]);
    assert_eq!(&drawn[16..20], &[5, 48, 97, 255]);
    assert_eq!(&drawn[0..3], &diverging(0.0, 1.0));

    // Hovering the middle of the bottom-right cell reads out entry (1, 2).
    let rect = canvas.get_bounding_client_rect();
    assert!(rect.width() > 3.0, "scaled up by CSS: {}px", rect.width());
    let (x, y) = (
        rect.left() + rect.width() * 5.0 / 6.0,
        rect.top() + rect.height() * 3.0 / 4.0,
    );
    mouse(&canvas, "mousemove", x, y);
    until("the readout", || {
        root.query_selector(".heatmap-readout")
            .unwrap()
            .is_some_and(|r| r.text_content().unwrap().contains("M["))
    })
    .await;
    let readout = root.query_selector(".heatmap-readout").unwrap().unwrap();
    assert_eq!(readout.text_content().unwrap(), "M[1, 2] = 0.2500");
    mouse(&canvas, "mouseleave", x, y);
    until("the readout cleared", || {
        !readout.text_content().unwrap().contains("M[")
    })
    .await;
    assert!(!readout.text_content().unwrap().contains("M["));
}

#[wasm_bindgen_test]
async fn feedback_matrices_show_transpose_feedback_and_difference_per_hidden_layer() {
    let root = container();
    let snapshot = xor_snapshot(RuleKind::FeedbackAlignment);
    let hidden = snapshot.layers.len() - 2;
    assert!(
        hidden >= 2,
        "XOR's default has two hidden layers: {:?}",
        snapshot.layers
    );
    let props = FeedbackMatricesProps {
        snapshot: Rc::new(snapshot.clone()),
        testid: "feedback".into(),
        layer: None,
    };
    yew::Renderer::<FeedbackMatrices>::with_root_and_props(root.clone(), props).render();
    until("the feedback matrices drawn", || {
        count(&root, ".feedback-layer canvas") == 3 * hidden as u32
            && painted(&root, ".feedback-layer canvas")
    })
    .await;
    assert_eq!(count(&root, ".feedback-layer"), hidden as u32);
    assert_eq!(count(&root, ".feedback-layer canvas"), 3 * hidden as u32);
    assert_eq!(
        count(&root, ".colour-legend"),
        hidden as u32,
        "one legend per layer"
    );
    for k in 1..=hidden {
        let layer = root
            .query_selector(&format!("[data-testid=feedback-layer-{k}]"))
            .unwrap()
            .expect("a block per hidden layer");
        assert_eq!(count(&layer, "canvas"), 3, "layer {k}");
        let c = compare_layer(&snapshot, k);
        // W_{k+1}ᵀ is (n_k, n_{k+1}): canvas n_{k+1} wide, n_k high, like B_{k+1}.
        for (name, m) in [
            ("wt", c.transpose.as_ref().unwrap()),
            ("b", c.feedback.as_ref().unwrap()),
            ("diff", c.difference.as_ref().unwrap()),
        ] {
            let canvas = canvas(&layer, &format!("[data-testid=heatmap-{k}-{name}] canvas"));
            assert_eq!(canvas.height() as usize, snapshot.layers[k], "{name} rows");
            assert_eq!(
                canvas.width() as usize,
                snapshot.layers[k + 1],
                "{name} cols"
            );
            assert_eq!(
                pixels(&canvas),
                rgba_for_matrix(m, c.scale),
                "{name} pixels"
            );
        }
        // Spot check the orientation: pixel (row i, col j) of Wᵀ is W_{k+1}[j][i].
        let w = snapshot.weights[k].as_ref().unwrap();
        let (i, j) = (1, 0);
        let expected = diverging(w.data[j * w.cols + i], c.scale);
        let drawn = pixels(&canvas(
            &layer,
            &format!("[data-testid=heatmap-{k}-wt] canvas"),
        ));
        let at = (i * snapshot.layers[k + 1] + j) * 4;
        assert_eq!(&drawn[at..at + 3], &expected);
    }
}

#[wasm_bindgen_test]
async fn feedback_matrices_of_one_chosen_layer() {
    // Presentation mode's layer buttons: only that hidden layer's Wᵀ | B | B − Wᵀ.
    let root = container();
    let snapshot = xor_snapshot(RuleKind::FeedbackAlignment);
    assert!(snapshot.layers.len() - 2 >= 2, "{:?}", snapshot.layers);
    let props = FeedbackMatricesProps {
        snapshot: Rc::new(snapshot),
        testid: "feedback".into(),
        layer: Some(2),
    };
    yew::Renderer::<FeedbackMatrices>::with_root_and_props(root.clone(), props).render();
    until("layer 2's matrices", || {
        count(&root, "[data-testid=feedback-layer-2] canvas") == 3
    })
    .await;
    assert_eq!(count(&root, ".feedback-layer"), 1);
    assert!(!has(&root, "[data-testid=feedback-layer-1]"));
}

#[wasm_bindgen_test]
async fn feedback_matrices_explain_dfa_shapes_and_missing_matrices() {
    let root = container();
    let mut snapshot = xor_snapshot(RuleKind::DirectFeedbackAlignment);
    let depth = snapshot.layers.len() - 1;
    // Under DFA D₁ is (n₁, n_L): not W₂ᵀ's shape unless n₂ = n_L.
    assert_ne!(snapshot.layers[2], snapshot.layers[depth]);
    snapshot.weights[depth - 1] = None; // pretend W_L was too big to send
    let props = FeedbackMatricesProps {
        snapshot: Rc::new(snapshot.clone()),
        testid: "feedback".into(),
        layer: None,
    };
    yew::Renderer::<FeedbackMatrices>::with_root_and_props(root.clone(), props).render();
    until("the first layer", || {
        has(&root, "[data-testid=feedback-layer-1]")
    })
    .await;
    let first = root
        .query_selector("[data-testid=feedback-layer-1]")
        .unwrap()
        .unwrap();
    assert_eq!(count(&first, "canvas"), 2, "W₂ᵀ and D₁, no difference");
    let text = first.text_content().unwrap();
    assert!(text.contains("D₁"), "{text}");
    assert!(text.contains("does not apply"), "{text}");
    let b = canvas(&first, "[data-testid=heatmap-1-b] canvas");
    assert_eq!(
        b.width() as usize,
        snapshot.layers[depth],
        "D₁ has n_L columns"
    );
    let last = root
        .query_selector(&format!("[data-testid=feedback-layer-{}]", depth - 1))
        .unwrap()
        .unwrap();
    let text = last.text_content().unwrap();
    assert!(text.contains("was not sent"), "{text}");
}

#[wasm_bindgen_test]
async fn decision_boundary_draws_the_grid_and_the_points() {
    let root = container();
    let n = 4;
    // Class-1 probability rising left to right.
    let predictions: Vec<f32> = (0..n * n)
        .map(|e| (e % n) as f32 / (n - 1) as f32)
        .collect();
    let props = DecisionBoundaryProps {
        predictions: Rc::new(predictions.clone()),
        resolution: n,
        points: Rc::new(vec![(0.0, 0.0, 1), (-1.0, 1.0, 0)]),
        extent: Extent::DEFAULT,
        values: GridValues::Probability,
        title: "boundary".into(),
        testid: "boundary".into(),
    };
    yew::Renderer::<DecisionBoundary>::with_root_and_props(root.clone(), props).render();
    until("the boundary drawn", || painted(&root, ".boundary-grid")).await;
    let grid = canvas(&root, ".boundary-grid");
    assert_eq!((grid.width(), grid.height()), (4, 4));
    let drawn = pixels(&grid);
    assert_eq!(drawn, grid_rgba(&predictions, GridValues::Probability));
    assert!(drawn[2] > drawn[0], "left column (p = 0) is blue");
    assert!(drawn[12] > drawn[14], "right column (p = 1) is red");
    // The class-1 point at the origin sits in the middle of the point layer.
    let points = canvas(&root, ".boundary-points");
    let layer = pixels(&points);
    let side = points.width() as usize;
    let centre = (side / 2 * side + side / 2) * 4;
    assert_eq!(
        &layer[centre..centre + 4],
        &[178, 24, 43, 255],
        "class 1 fill"
    );
    let empty = (5 * side + side - 5) * 4;
    assert_eq!(layer[empty + 3], 0, "no point at the top-right corner");
}

#[wasm_bindgen_test]
async fn network_view_draws_nodes_and_separate_feedback_edges() {
    let root = container();
    let snapshot = Rc::new(small_snapshot());
    let props = NetworkViewProps {
        snapshot: snapshot.clone(),
        feedback_view: FeedbackView::B,
        testid: "network".into(),
        compact: false,
        max_band: None,
        inspect: None,
        on_inspect: None,
    };
    let mut app =
        yew::Renderer::<NetworkView>::with_root_and_props(root.clone(), props.clone()).render();
    until("the network", || count(&root, ".nv-nodes > circle") > 0).await;
    assert_eq!(
        count(&root, ".nv-nodes > circle"),
        2 + 4 + 3,
        "a node per unit"
    );
    assert_eq!(
        count(&root, ".nv-deltas > circle"),
        4 + 3,
        "a δ per non-input unit"
    );
    // Edges of one shade are one path: every edge is one subpath of its band's.
    assert_eq!(edges_in(&root, "nv-forward"), 2 * 4 + 4 * 3);
    assert_eq!(
        edges_in(&root, "nv-feedback"),
        4 * 3,
        "B₂ only, drawn apart"
    );
    assert!(count(&root, "circle.nv-dot") > 0, "δ travels back under FA");

    // A node's fill is its activity's colour: h₁ unit 0 (after x's two units) has
    // a = 0.9 on scale 1.
    let node = root
        .query_selector(".nv-nodes > circle:nth-child(3)")
        .unwrap()
        .unwrap();
    let [r, g, b] = diverging(0.9, 1.0);
    assert_eq!(
        node.get_attribute("fill").unwrap(),
        format!("#{r:02x}{g:02x}{b:02x}")
    );
    // Pointing at it reads out its value.
    let rect = node.get_bounding_client_rect();
    let svg = root.query_selector("svg.nv-svg").unwrap().unwrap();
    mouse(
        &svg,
        "mousemove",
        rect.left() + rect.width() / 2.0,
        rect.top() + rect.height() / 2.0,
    );
    let readout = root.query_selector(".nv-readout").unwrap().unwrap();
    assert_eq!(readout.text_content().unwrap(), "h₁ unit 0: a = 0.9000");

    // Halfway between δ₂ unit 0 (the fifth δ drawn) and δ₁ unit 0 is the feedback
    // edge that joins them; the readout names the matrix the view draws.
    let feedback_edge = |root: &Element| {
        let deltas = root.query_selector_all(".nv-deltas > circle").unwrap();
        let centre = |i: u32| {
            let e: Element = deltas.item(i).unwrap().dyn_into().unwrap();
            let r = e.get_bounding_client_rect();
            (r.left() + r.width() / 2.0, r.top() + r.height() / 2.0)
        };
        let ((x0, y0), (x1, y1)) = (centre(0), centre(4));
        let svg = root.query_selector("svg.nv-svg").unwrap().unwrap();
        mouse(&svg, "mousemove", (x0 + x1) / 2.0, (y0 + y1) / 2.0);
        root.query_selector(".nv-readout")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap()
    };
    let strokes = |root: &Element| {
        let paths = root.query_selector_all(".nv-feedback > path").unwrap();
        (0..paths.length())
            .map(|i| {
                let e: Element = paths.item(i).unwrap().dyn_into().unwrap();
                e.get_attribute("stroke").unwrap()
            })
            .collect::<Vec<_>>()
    };
    assert!(
        feedback_edge(&root).starts_with("B₂[0, 0] = "),
        "{}",
        feedback_edge(&root)
    );
    let b_strokes = strokes(&root);
    app.update(NetworkViewProps {
        feedback_view: FeedbackView::Transpose,
        ..props.clone()
    });
    until("the Wᵀ edges", || {
        feedback_edge(&root).starts_with("W₂ᵀ[0, 0] = ")
    })
    .await;
    let wt_strokes = strokes(&root);
    assert_eq!(edges_in(&root, "nv-feedback"), 12);
    assert_ne!(
        b_strokes, wt_strokes,
        "the feedback edges recolour when the view changes"
    );
    assert_eq!(
        count(&root, ".nv-nodes > circle"),
        9,
        "the forward pass is untouched"
    );
    assert_eq!(
        count(&root, "circle.nv-dot"),
        0,
        "FA's error does not travel along Wᵀ"
    );
    app.update(NetworkViewProps {
        feedback_view: FeedbackView::Difference,
        ..props
    });
    until("the difference edges", || {
        feedback_edge(&root).starts_with("(B₂ − W₂ᵀ)[0, 0] = ")
    })
    .await;
    assert_ne!(strokes(&root), wt_strokes);
}

/// Edges drawn in the diagram's band `group` (`nv-forward`, `nv-feedback`): the
/// subpaths of its paths, one per edge.
fn edges_in(root: &Element, group: &str) -> usize {
    let paths = root
        .query_selector_all(&format!(".{group} > path"))
        .unwrap();
    (0..paths.length())
        .map(|i| {
            let e: Element = paths.item(i).unwrap().dyn_into().unwrap();
            e.get_attribute("d")
                .unwrap_or_default()
                .matches('M')
                .count()
        })
        .sum()
}

#[wasm_bindgen_test]
async fn network_view_of_a_real_experiment_has_a_node_per_unit() {
    let root = container();
    let snapshot = xor_snapshot(RuleKind::FeedbackAlignment);
    let units: usize = snapshot.layers.iter().sum();
    let hidden_pairs: usize = snapshot.layers[1..]
        .windows(2)
        .map(|pair| pair[0] * pair[1])
        .sum();
    let props = NetworkViewProps {
        snapshot: Rc::new(snapshot.clone()),
        feedback_view: FeedbackView::B,
        testid: "network".into(),
        compact: false,
        max_band: None,
        inspect: None,
        on_inspect: None,
    };
    yew::Renderer::<NetworkView>::with_root_and_props(root.clone(), props).render();
    until("the network", || count(&root, ".nv-nodes > circle") > 0).await;
    assert_eq!(count(&root, ".nv-nodes > circle") as usize, units);
    assert_eq!(
        count(&root, ".nv-deltas > circle") as usize,
        units - snapshot.layers[0]
    );
    assert_eq!(edges_in(&root, "nv-feedback"), hidden_pairs);
    assert!(count(&root, "svg *") < 2000);
}

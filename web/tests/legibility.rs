//! Legible from the back of a lecture hall: the sizes and colours set in code.
//!
//! The browser side (`tests/e2e/lecture.test.mjs`) measures the rendered SVG text
//! and the travelling markers at 1280×720; this file checks the constants those
//! drawings are built from, so a smaller font or a borrowed colour fails here first.
#![cfg(not(target_arch = "wasm32"))]

use bioprop::rule::RuleKind;
use bioprop_web::pages::rules::delta_view::LABEL_SIZE as DELTA_LABEL_SIZE;
use bioprop_web::pages::rules::network_view::{DOT_FILL, DOT_OUTLINE, DOT_RADIUS, LABEL_SIZE};
use bioprop_web::widgets::chart::{AXIS_TITLE_PX, LEGEND_PX, TICK_PX, TITLE_PX};
use bioprop_web::widgets::colour::{categorical, diverging, sequential};

/// The smallest text a projected slide should carry, in CSS pixels.
const MIN_TEXT_PX: f32 = 14.0;

/// The smallest scale (rendered px per viewBox unit) at which the network diagram
/// is drawn at 1280×720: about 0.71 in presentation mode (two runs beside the
/// charts) and 0.76 on the default page, measured in the browser.
const MIN_NETWORK_SCALE: f32 = 0.64;

/// WCAG 2 relative luminance of an sRGB colour.
fn luminance([r, g, b]: [u8; 3]) -> f32 {
    let channel = |c: u8| {
        let c = f32::from(c) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
}

/// WCAG 2 contrast ratio, 1 to 21.
fn contrast(a: [u8; 3], b: [u8; 3]) -> f32 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

fn distance(a: [u8; 3], b: [u8; 3]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(&x, y)| (f32::from(x) - f32::from(y)).powi(2))
        .sum::<f32>()
        .sqrt()
}

#[test]
fn contrast_follows_the_published_formula() {
    // WCAG's own end points: black on white is 21:1, a colour on itself 1:1.
    assert!((contrast([0, 0, 0], [255, 255, 255]) - 21.0).abs() < 1e-3);
    assert!((contrast([91, 104, 118], [91, 104, 118]) - 1.0).abs() < 1e-6);
}

#[test]
fn chart_text_is_at_least_14_px() {
    for (what, px) in [
        ("title", TITLE_PX),
        ("ticks", TICK_PX),
        ("axis titles", AXIS_TITLE_PX),
        ("legend", LEGEND_PX),
    ] {
        assert!(px as f32 >= MIN_TEXT_PX, "chart {what}: {px} px");
    }
    // The title stands out from the ticks.
    const { assert!(TITLE_PX > TICK_PX) };
}

#[test]
fn network_labels_and_markers_are_big_enough_where_the_diagram_is_smallest() {
    let label_px = LABEL_SIZE * MIN_NETWORK_SCALE;
    assert!(label_px >= MIN_TEXT_PX, "labels {label_px} px");
    let marker_px = 2.0 * DOT_RADIUS * MIN_NETWORK_SCALE;
    assert!(marker_px >= 10.0, "markers {marker_px} px across");
}

/// The smallest scale at which the delta rule's one-layer diagram is drawn: 0.78 in
/// presentation mode at 1280×720, 0.87 on the page (0.83 on a 390-px phone), measured
/// in the browser.
const MIN_DELTA_SCALE: f32 = 0.75;

#[test]
fn the_delta_diagrams_labels_are_big_enough_where_it_is_smallest() {
    let label_px = DELTA_LABEL_SIZE * MIN_DELTA_SCALE;
    assert!(label_px >= MIN_TEXT_PX, "labels {label_px} px");
}

#[test]
fn the_diagram_text_colours_contrast_with_the_panel() {
    // static/style.css: --ink and --muted on the white panel.
    let white = [255, 255, 255];
    for (name, colour) in [("ink", [0x1d, 0x27, 0x33]), ("muted", [0x5b, 0x68, 0x76])] {
        let ratio = contrast(colour, white);
        assert!(ratio >= 4.5, "{name} on white: {ratio:.2}:1");
    }
}

#[test]
fn the_error_markers_colour_is_used_for_nothing_else() {
    // Far from every colour the page draws with: the diverging scale of edges,
    // nodes and heatmaps, the sequential scale, the data classes, the rules.
    let mut others: Vec<(String, [u8; 3])> = Vec::new();
    for i in 0..=200 {
        let t = i as f32 / 100.0 - 1.0;
        others.push((format!("diverging({t})"), diverging(t, 1.0)));
        others.push((format!("sequential({t})"), sequential(t + 1.0, 2.0)));
    }
    for class in 0..6 {
        others.push((format!("class {class}"), categorical(class)));
    }
    for rule in RuleKind::ALL {
        others.push((rule.name().to_string(), rule.facts().colour));
    }
    for (what, colour) in others {
        let d = distance(DOT_FILL, colour);
        assert!(
            d >= 60.0,
            "marker {DOT_FILL:?} is {d:.0} from {what} {colour:?}"
        );
    }
    // Its outline stands out from the fill, and the fill from the white panel's edges.
    assert!(contrast(DOT_FILL, DOT_OUTLINE) >= 4.5);
}

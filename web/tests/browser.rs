//! Browser tests for the app's components, run by wasm-bindgen-test in
//! headless Chromium (`make test`).
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use bioprop_web::panic::{show_crash_box, CRASH_BOX_ID};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{CanvasRenderingContext2d, Element, HtmlCanvasElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    gloo::utils::document()
}

/// A fresh, attached container to mount a component into.
fn container() -> Element {
    let div = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&div).unwrap();
    div
}

/// Lets Yew render and effects run.
async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(50)).await;
}

#[wasm_bindgen_test]
fn crash_box_shows_the_detail_and_replaces_an_older_one() {
    show_crash_box("first failure");
    show_crash_box("index out of bounds: the len is 3 but the index is 7");
    let boxes = document()
        .query_selector_all(&format!("#{CRASH_BOX_ID}"))
        .unwrap();
    assert_eq!(boxes.length(), 1, "one box at a time");
    let panel = document().get_element_by_id(CRASH_BOX_ID).unwrap();
    assert_eq!(panel.get_attribute("role").as_deref(), Some("alert"));
    let text = panel.text_content().unwrap();
    assert!(text.contains("the len is 3 but the index is 7"), "{text}");
    assert!(!text.contains("first failure"), "{text}");
    assert!(text.contains("Reload"), "offers a way out: {text}");
    panel.remove();
}

#[wasm_bindgen_test]
async fn app_shell_has_header_main_and_footer_with_version() {
    let root = container();
    yew::Renderer::<bioprop_web::app::App>::with_root(root.clone()).render();
    settle().await;
    assert!(root.query_selector("header.header").unwrap().is_some());
    assert!(root.query_selector("main.main").unwrap().is_some());
    let version = root
        .query_selector("[data-testid=version]")
        .unwrap()
        .expect("version in the footer")
        .text_content()
        .unwrap();
    assert_eq!(version, format!("bioprop {}", env!("CARGO_PKG_VERSION")));
    let source = root
        .query_selector("[data-testid=source-link]")
        .unwrap()
        .unwrap();
    assert_eq!(
        source.get_attribute("href").as_deref(),
        Some(bioprop_web::app::SOURCE_ARCHIVE)
    );
}

#[wasm_bindgen_test]
async fn line_chart_draws_its_series_onto_the_canvas() {
    use std::rc::Rc;

    use bioprop_web::chart::{LineChart, LineChartProps, Series};
    use plotters::style::RGBColor;

    let root = container();
    root.set_attribute("style", "width: 400px").unwrap();
    let props = LineChartProps {
        title: "test".into(),
        x_label: "step".into(),
        y_label: "value".into(),
        series: Rc::new(vec![Series {
            label: "rising".into(),
            colour: RGBColor(200, 0, 0),
            points: Rc::new((0..50).map(|i| (i as f32, (i * i) as f32)).collect()),
        }]),
        y_range: None,
        log_y: false,
        reference: None,
        testid: "under-test".into(),
    };
    yew::Renderer::<LineChart>::with_root_and_props(root.clone(), props).render();
    settle().await;
    let canvas: HtmlCanvasElement = root
        .query_selector("canvas")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    let context: CanvasRenderingContext2d = canvas
        .get_context("2d")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    let (w, h) = (canvas.width(), canvas.height());
    let pixels = context
        .get_image_data(0.0, 0.0, w as f64, h as f64)
        .unwrap()
        .data();
    // The series colour (200, 0, 0) must appear: the line was drawn.
    let red = pixels
        .chunks_exact(4)
        .filter(|p| p[0] > 150 && p[1] < 60 && p[2] < 60)
        .count();
    assert!(red > 50, "only {red} red pixels on a {w}x{h} canvas");
}

//! Browser tests for the app's components, run by wasm-bindgen-test in
//! headless Chromium (`make test`).
#![cfg(target_arch = "wasm32")]

mod common;

use bioprop_web::pages::rules::RulesPage;
use bioprop_web::shell::panic::{show_crash_box, CRASH_BOX_ID};
use common::{has, mount_with, open_page, pixels, search, set_query, until};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlCanvasElement;

wasm_bindgen_test_configure!(run_in_browser);

/// What `rules.js` mounts: the rules page (the loader's default).
#[yew::component]
fn App() -> yew::Html {
    yew::html! { <RulesPage /> }
}

fn document() -> web_sys::Document {
    gloo::utils::document()
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
    let root = open_page::<App>("").await;
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
        Some(bioprop_web::shell::SOURCE_ARCHIVE)
    );
}

#[wasm_bindgen_test]
async fn line_chart_draws_its_series_onto_the_canvas() {
    use std::rc::Rc;

    use bioprop_web::widgets::chart::{Dash, LineChart, LineChartProps, Series};
    use plotters::style::RGBColor;

    let props = LineChartProps {
        title: "test".into(),
        x_label: "step".into(),
        y_label: "value".into(),
        series: Rc::new(vec![Series {
            label: "rising".into(),
            colour: RGBColor(200, 0, 0),
            dash: Dash::Solid,
            points: Rc::new((0..50).map(|i| (i as f32, (i * i) as f32)).collect()),
        }]),
        y_range: None,
        log_y: false,
        reference: None,
        testid: "under-test".into(),
    };
    let root = mount_with::<LineChart>(props, Some(400)).await;
    until("the chart's canvas", || has(&root, "canvas")).await;
    let canvas: HtmlCanvasElement = root
        .query_selector("canvas")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    // The series colour (200, 0, 0) must appear: the line was drawn.
    let red = || {
        pixels(&canvas)
            .chunks_exact(4)
            .filter(|p| p[0] > 150 && p[1] < 60 && p[2] < 60)
            .count()
    };
    until("the line drawn", || red() > 0).await;
    let (w, h, red) = (canvas.width(), canvas.height(), red());
    assert!(red > 50, "only {red} red pixels on a {w}x{h} canvas");
}

#[wasm_bindgen_test]
async fn the_app_reads_its_settings_from_the_url_and_names_bad_parameters() {
    let root = open_page::<App>("?task=xor&rule=telepathy&lr=abc&seed=42").await;
    // The address bar is rewritten once the page has applied its settings.
    until("the address bar rewritten", || {
        !search().contains("telepathy")
    })
    .await;
    let notice = root
        .query_selector("[data-testid=notice]")
        .unwrap()
        .expect("a notice area")
        .text_content()
        .unwrap();
    assert!(
        notice.contains("rule") && notice.contains("telepathy"),
        "{notice}"
    );
    assert!(notice.contains("lr") && notice.contains("abc"), "{notice}");
    let seed: web_sys::HtmlInputElement = root
        .query_selector("[data-testid=seed]")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    assert_eq!(seed.value(), "42", "good parameters are kept");
    let task: web_sys::HtmlSelectElement = root
        .query_selector("[data-testid=task]")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    assert_eq!(task.value(), "xor");
    // The address bar is rewritten to the settings actually used.
    let search = search();
    assert!(
        !search.contains("telepathy") && search.contains("seed=42"),
        "{search}"
    );
    set_query("");
}

#[wasm_bindgen_test]
async fn controls_hand_up_a_changed_setting_or_a_notice_for_bad_input() {
    use std::cell::RefCell;
    use std::rc::Rc;

    use bioprop_web::pages::rules::controls::{Action, Controls, ControlsProps};
    use bioprop_web::pages::rules::settings::Settings;
    use yew::Callback;

    let actions = Rc::new(RefCell::new(Vec::new()));
    let sink = actions.clone();
    let settings = Settings::from_query_unchecked("?task=xor&rule=fa&layers=2-6-2").0;
    let props = ControlsProps {
        settings: settings.clone(),
        playing: false,
        on_action: Callback::from(move |a: Action| sink.borrow_mut().push(a)),
    };
    let root = mount_with::<Controls>(props, None).await;
    let layers: web_sys::HtmlInputElement = root
        .query_selector("[data-testid=layers]")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    assert_eq!(layers.value(), "2-6-2");
    let change = || web_sys::Event::new("change").unwrap();

    layers.set_value("2-x-2");
    layers.dispatch_event(&change()).unwrap();
    layers.set_value("2-10-10-2");
    layers.dispatch_event(&change()).unwrap();
    let play: web_sys::HtmlElement = root
        .query_selector("[data-testid=play]")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    // "▶ Play": the triangle is hidden from screen readers, the name is "Play".
    assert!(play.text_content().unwrap().ends_with("Play"));
    play.click();

    let actions = actions.borrow();
    assert_eq!(actions.len(), 3, "{actions:?}");
    assert!(
        matches!(&actions[0], Action::Notice(m) if m.contains("layers") && m.contains("2-x-2")),
        "{:?}",
        actions[0]
    );
    let Action::Change(next) = &actions[1] else {
        panic!("a change, got {:?}", actions[1])
    };
    assert_eq!(next.layers, Some(vec![2, 10, 10, 2]));
    assert_eq!(
        Settings {
            layers: None,
            ..next.clone()
        },
        Settings {
            layers: None,
            ..settings
        },
        "only the layers changed"
    );
    assert_eq!(actions[2], Action::TogglePlay);
}

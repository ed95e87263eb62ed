//! Browser tests for the cerebellum page: the URL sets the controls, a bad parameter
//! gives a notice, and stepping advances the simulation.
#![cfg(target_arch = "wasm32")]

mod common;

use bioprop_web::pages::cerebellum::CerebellumPage;
use common::{click, find, input_value, open_page, select_value, text, until};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn mount(query: &str) -> web_sys::Element {
    open_page::<CerebellumPage>(query).await
}

#[wasm_bindgen_test]
async fn the_controls_reflect_the_query() {
    let root =
        mount("?page=cerebellum&spectacles=1.5&freq=3&edelay=0.1&eldelay=0.05&speed=50").await;
    assert_eq!(input_value(&root, "spectacles"), "1.5");
    assert_eq!(input_value(&root, "freq"), "3");
    assert_eq!(input_value(&root, "edelay"), "0.1");
    assert_eq!(input_value(&root, "eldelay"), "0.05");
    assert_eq!(input_value(&root, "speed"), "50");
    assert_eq!(input_value(&root, "beta"), "1");
    assert_eq!(select_value(&root, "task"), "vor");
    assert_eq!(find(&root, "metric-target").text_content().unwrap(), "1.5");
    assert_eq!(find(&root, "metric-time").text_content().unwrap(), "0.0");
    assert!(find(&root, "notice")
        .query_selector("li")
        .unwrap()
        .is_none());
    // The address bar keeps the settings.
    let search = gloo::utils::window().location().search().unwrap();
    assert!(
        search.contains("spectacles=1.5") && search.contains("edelay=0.1"),
        "{search}"
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn a_bad_parameter_gives_a_notice_and_the_default() {
    let root = mount("?page=cerebellum&spectacles=99&task=saccade").await;
    let notice = find(&root, "notice").text_content().unwrap();
    assert!(
        notice.contains("spectacles") && notice.contains("[-10, 10]"),
        "{notice}"
    );
    assert!(
        notice.contains("task") && notice.contains("vor or forward-model"),
        "{notice}"
    );
    assert_eq!(input_value(&root, "spectacles"), "2");
    root.remove();
}

#[wasm_bindgen_test]
async fn step_advances_one_frame_and_reset_returns_to_zero() {
    let root = mount("?page=cerebellum&speed=500&beta=0").await;
    click(&root, "step");
    until("a step", || text(&root, "metric-time") != "0.0").await;
    assert_eq!(find(&root, "metric-time").text_content().unwrap(), "0.5");
    let gain: f64 = find(&root, "metric-gain")
        .text_content()
        .unwrap()
        .parse()
        .unwrap();
    // With beta = 0 the eye follows the brainstem alone: E = -B H, gain exactly B = 1.
    assert_eq!(gain, 1.0);
    click(&root, "reset");
    until("the reset", || text(&root, "metric-time") == "0.0").await;
    assert_eq!(find(&root, "metric-time").text_content().unwrap(), "0.0");
    // The diagram has one synapse per basis signal (raw plus six leaky).
    let synapses = root.query_selector_all(".cb-synapse").unwrap().length();
    assert_eq!(synapses, 7);
    root.remove();
}

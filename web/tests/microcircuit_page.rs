//! Browser tests for the microcircuit page: the URL sets the controls, bad parameters
//! give notices naming the key, stepping advances the circuit, reset starts again and
//! the target toggle switches the nudging.
#![cfg(target_arch = "wasm32")]

mod common;

use bioprop_web::pages::microcircuit::MicrocircuitPage;
use common::{change, click, find, notices, open_page, search, select_value, text, until};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

async fn mount(query: &str) -> Element {
    open_page::<MicrocircuitPage>(query).await
}

#[wasm_bindgen_test]
async fn the_controls_reflect_the_query() {
    let root =
        mount("?page=microcircuit&task=xor&mode=steady&init=random&target=0&speed=1000&neuron=3")
            .await;
    assert_eq!(select_value(&root, "task"), "xor");
    assert_eq!(select_value(&root, "mode"), "steady");
    assert_eq!(select_value(&root, "init"), "random");
    assert_eq!(select_value(&root, "speed"), "1000");
    let neuron = find(&root, "neuron")
        .dyn_into::<HtmlInputElement>()
        .unwrap();
    assert_eq!(neuron.value(), "3");
    assert_eq!(
        find(&root, "target-toggle")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("false")
    );
    assert_eq!(text(&root, "metric-step"), "0");
    assert!(notices(&root).is_empty(), "{:?}", notices(&root));
    let search = gloo::utils::window().location().search().unwrap();
    assert!(
        search.contains("task=xor")
            && search.contains("mode=steady")
            && search.contains("target=0"),
        "{search}"
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn bad_parameters_give_notices_naming_the_key() {
    let root = mount("?page=microcircuit&mode=fast&neuron=500&bogus=1").await;
    let list = notices(&root);
    assert_eq!(list.len(), 3, "{list:?}");
    assert!(
        list[0].starts_with("mode:") && list[0].contains("full or steady"),
        "{list:?}"
    );
    assert!(list[1].starts_with("bogus:"), "{list:?}");
    assert!(
        list[2].starts_with("neuron:") && list[2].contains("0 to 49"),
        "{list:?}"
    );
    // Defaults are used instead.
    assert_eq!(select_value(&root, "mode"), "full");
    root.remove();
}

#[wasm_bindgen_test]
async fn step_reset_and_the_target_toggle() {
    let root = mount("?page=microcircuit&mode=steady&speed=1000").await;
    assert_eq!(text(&root, "metric-step"), "0");
    click(&root, "step");
    until("a step", || text(&root, "metric-step") != "0").await;
    // 1000 simulated ms of 100 ms patterns (fewer if the frame's budget ran out).
    let steps: u64 = text(&root, "metric-step").parse().unwrap();
    assert!((1..=10).contains(&steps), "{steps}");
    let energy: f32 = text(&root, "metric-apical-energy").parse().unwrap();
    assert!(energy.is_finite());
    click(&root, "target-toggle");
    until("the target switched off", || search().contains("target=0")).await;
    assert_eq!(text(&root, "metric-target"), "off (pre-training)");
    assert!(gloo::utils::window()
        .location()
        .search()
        .unwrap()
        .contains("target=0"));
    click(&root, "reset");
    until("the reset", || text(&root, "metric-step") == "0").await;
    assert_eq!(text(&root, "metric-step"), "0");
    assert!(root
        .query_selector("[data-testid=\"circuit-diagram\"] .mc-apical")
        .unwrap()
        .is_some());
    root.remove();
}

#[wasm_bindgen_test]
async fn the_neuron_picker_follows_another_cell_and_refuses_one_past_the_layer() {
    let root = mount("?page=microcircuit&mode=steady&speed=1000").await;
    change(&root, "neuron", "7");
    until("the new cell", || search().contains("neuron=7")).await;
    assert!(gloo::utils::window()
        .location()
        .search()
        .unwrap()
        .contains("neuron=7"));
    assert!(root.inner_html().contains("Pyramidal cell #7"));
    // The traced cell is outlined in the diagram.
    assert!(root
        .query_selector("[data-testid=\"cell-7\"].traced")
        .unwrap()
        .is_some());
    change(&root, "neuron", "50");
    until("a notice", || !notices(&root).is_empty()).await;
    let list = notices(&root);
    assert!(
        list.iter()
            .any(|n| n.starts_with("neuron:") && n.contains("0 to 49")),
        "{list:?}"
    );
    assert!(gloo::utils::window()
        .location()
        .search()
        .unwrap()
        .contains("neuron=7"));
    root.remove();
}

#[wasm_bindgen_test]
async fn switching_the_model_keeps_the_running_circuit() {
    let root = mount("?page=microcircuit&speed=200").await;
    click(&root, "step");
    until("a step", || text(&root, "metric-time") != "0.00").await;
    let time = text(&root, "metric-time");
    assert_ne!(time, "0.00");
    change(&root, "mode", "steady");
    until("the new mode", || search().contains("mode=steady")).await;
    assert!(gloo::utils::window()
        .location()
        .search()
        .unwrap()
        .contains("mode=steady"));
    // Same circuit, same clock: a mode switch is not a reset.
    assert_eq!(text(&root, "metric-time"), time);
    root.remove();
}

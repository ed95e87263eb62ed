//! Browser tests for the microcircuit page: the URL sets the controls, bad parameters
//! give notices naming the key, stepping advances the circuit, reset starts again and
//! the target toggle switches the nudging.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use bioprop_web::pages::microcircuit::MicrocircuitPage;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlSelectElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Puts `query` in the address bar (the page reads it when it mounts).
fn set_query(query: &str) {
    let window = gloo::utils::window();
    let path = window.location().pathname().unwrap();
    window
        .history()
        .unwrap()
        .replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("{path}{query}")),
        )
        .unwrap();
}

async fn mount(query: &str) -> Element {
    set_query(query);
    let document = gloo::utils::document();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<MicrocircuitPage>::with_root(root.clone()).render();
    settle().await;
    root
}

async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(80)).await;
}

fn find(root: &Element, testid: &str) -> Element {
    root.query_selector(&format!("[data-testid=\"{testid}\"]"))
        .unwrap()
        .unwrap_or_else(|| panic!("no [data-testid={testid}]"))
}

fn text(root: &Element, testid: &str) -> String {
    find(root, testid).text_content().unwrap()
}

fn select_value(root: &Element, testid: &str) -> String {
    find(root, testid)
        .dyn_into::<HtmlSelectElement>()
        .unwrap()
        .value()
}

fn click(root: &Element, testid: &str) {
    find(root, testid)
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
}

fn notices(root: &Element) -> Vec<String> {
    let list = find(root, "notice").query_selector_all("li").unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().text_content().unwrap())
        .collect()
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
    settle().await;
    // 1000 simulated ms of 100 ms patterns (fewer if the frame's budget ran out).
    let steps: u64 = text(&root, "metric-step").parse().unwrap();
    assert!((1..=10).contains(&steps), "{steps}");
    let energy: f32 = text(&root, "metric-apical-energy").parse().unwrap();
    assert!(energy.is_finite());
    click(&root, "target-toggle");
    settle().await;
    assert_eq!(text(&root, "metric-target"), "off (pre-training)");
    assert!(gloo::utils::window()
        .location()
        .search()
        .unwrap()
        .contains("target=0"));
    click(&root, "reset");
    settle().await;
    assert_eq!(text(&root, "metric-step"), "0");
    assert!(root
        .query_selector("[data-testid=\"circuit-diagram\"] .mc-apical")
        .unwrap()
        .is_some());
    root.remove();
}

fn set_neuron(root: &Element, value: &str) {
    let input = find(root, "neuron").dyn_into::<HtmlInputElement>().unwrap();
    input.set_value(value);
    let event = web_sys::Event::new("change").unwrap();
    input.dispatch_event(&event).unwrap();
}

#[wasm_bindgen_test]
async fn the_neuron_picker_follows_another_cell_and_refuses_one_past_the_layer() {
    let root = mount("?page=microcircuit&mode=steady&speed=1000").await;
    set_neuron(&root, "7");
    settle().await;
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
    set_neuron(&root, "50");
    settle().await;
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
    settle().await;
    let time = text(&root, "metric-time");
    assert_ne!(time, "0.00");
    let select = find(&root, "mode").dyn_into::<HtmlSelectElement>().unwrap();
    select.set_value("steady");
    select
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    settle().await;
    assert!(gloo::utils::window()
        .location()
        .search()
        .unwrap()
        .contains("mode=steady"));
    // Same circuit, same clock: a mode switch is not a reset.
    assert_eq!(text(&root, "metric-time"), time);
    root.remove();
}

//! Browser tests for the microcircuit page: the URL sets the controls and bad
//! parameters give notices naming the key. The circuit runs in the worker, which this
//! harness cannot serve: stepping, reset, the target toggle and the neuron picker are
//! end-to-end tests (`tests/e2e/sim-worker.test.mjs`), the protocol a native test
//! (`web/tests/sim_protocol.rs`).
#![cfg(target_arch = "wasm32")]

mod common;

use bioprop_web::pages::microcircuit::MicrocircuitPage;
use common::{find, notices, open_page, select_value};
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

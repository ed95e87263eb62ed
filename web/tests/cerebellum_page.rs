//! Browser tests for the cerebellum page: the URL sets the controls and a bad
//! parameter gives a notice. The simulation runs in the worker, which this harness
//! cannot serve: stepping and reset are end-to-end tests
//! (`tests/e2e/sim-worker.test.mjs`), the protocol a native test
//! (`web/tests/sim_protocol.rs`).
#![cfg(target_arch = "wasm32")]

mod common;

use bioprop_web::pages::cerebellum::CerebellumPage;
use common::{find, open_page, select_value, until_input};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn mount(query: &str) -> web_sys::Element {
    open_page::<CerebellumPage>(query).await
}

#[wasm_bindgen_test]
async fn the_controls_reflect_the_query() {
    let root =
        mount("?page=cerebellum&spectacles=1.5&freq=3&edelay=0.1&eldelay=0.05&speed=50").await;
    until_input(&root, "spectacles", "1.5").await;
    until_input(&root, "freq", "3").await;
    until_input(&root, "edelay", "0.1").await;
    until_input(&root, "eldelay", "0.05").await;
    until_input(&root, "speed", "50").await;
    until_input(&root, "beta", "1").await;
    assert_eq!(select_value(&root, "task"), "vor");
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
        notice.contains("task") && notice.contains("vor, forward-model or distal-teacher"),
        "{notice}"
    );
    until_input(&root, "spectacles", "2").await;
    root.remove();
}

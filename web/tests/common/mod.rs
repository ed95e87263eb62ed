//! The browser tests' one harness: mounting a component or a page, finding
//! elements by `data-testid`, reading and clicking them, and waiting for a
//! condition instead of a fixed time.
// Each test file uses a different part of the harness.
#![allow(dead_code)]

use std::time::Duration;

use wasm_bindgen::JsCast;
use web_sys::{
    CanvasRenderingContext2d, Element, HtmlCanvasElement, HtmlElement, HtmlInputElement,
    HtmlSelectElement,
};
use yew::{BaseComponent, Renderer};

/// How long a condition may take before the test fails: generous, since the
/// machine running the tests may be busy.
const TIMEOUT_MS: f64 = 10_000.0;
/// How often a condition is polled.
const POLL: Duration = Duration::from_millis(5);

/// Waits until `condition` holds, polling it between short yields to the browser;
/// fails the test naming `what` if it does not hold within [`TIMEOUT_MS`].
pub async fn until(what: &str, mut condition: impl FnMut() -> bool) {
    let start = js_sys::Date::now();
    while !condition() {
        assert!(
            js_sys::Date::now() - start < TIMEOUT_MS,
            "timed out waiting for {what}"
        );
        yew::platform::time::sleep(POLL).await;
    }
}

/// Puts `query` in the address bar, as a shared link would (a page reads it when
/// it mounts).
pub fn set_query(query: &str) {
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

/// The address bar's query.
pub fn search() -> String {
    gloo::utils::window().location().search().unwrap()
}

/// A fresh container attached to the page, `width` pixels wide when given.
pub fn container(width: Option<u32>) -> Element {
    apply_data_css();
    let document = gloo::utils::document();
    let div = document.create_element("div").unwrap();
    if let Some(width) = width {
        div.set_attribute("style", &format!("width: {width}px"))
            .unwrap();
    }
    document.body().unwrap().append_child(&div).unwrap();
    div
}

/// Runs the page's `static/data-css.js` once, as `index.html` does, so that the
/// styles the components write as `data-css` are applied here as on the page.
pub fn apply_data_css() {
    thread_local!(static DONE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) });
    if DONE.with(|done| done.replace(true)) {
        return;
    }
    let document = gloo::utils::document();
    let script = document.create_element("script").unwrap();
    script.set_text_content(Some(include_str!("../../../static/data-css.js")));
    document.head().unwrap().append_child(&script).unwrap();
}

/// Whether `selector` matches an element under `root`.
pub fn has(root: &Element, selector: &str) -> bool {
    root.query_selector(selector).unwrap().is_some()
}

/// How many elements under `root` match `selector`.
pub fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector).unwrap().length()
}

/// Mounts `C` into a fresh container and waits until it has drawn something.
pub async fn mount_with<C: BaseComponent>(props: C::Properties, width: Option<u32>) -> Element {
    let root = container(width);
    Renderer::<C>::with_root_and_props(root.clone(), props).render();
    let drawn = root.clone();
    until("the first render", move || drawn.child_element_count() > 0).await;
    root
}

/// Opens a page as the link `query` would: sets the address bar, mounts the page
/// and waits for its shell (`data-testid="app"`).
pub async fn open_page<C: BaseComponent<Properties = ()>>(query: &str) -> Element {
    set_query(query);
    let root = container(None);
    Renderer::<C>::with_root(root.clone()).render();
    let drawn = root.clone();
    until("the page's shell", move || has(&drawn, "[data-testid=app]")).await;
    root
}

pub fn find(root: &Element, testid: &str) -> Element {
    root.query_selector(&format!("[data-testid=\"{testid}\"]"))
        .unwrap()
        .unwrap_or_else(|| panic!("no [data-testid={testid}]"))
}

pub fn text(root: &Element, testid: &str) -> String {
    find(root, testid).text_content().unwrap()
}

pub fn input_value(root: &Element, testid: &str) -> String {
    find(root, testid)
        .dyn_into::<HtmlInputElement>()
        .unwrap()
        .value()
}

/// Waits until the input `testid` shows `want`. Some inputs follow their setting
/// in an effect after the render (so a redraw never undoes typing), so a test
/// reading one just after the page mounts must wait for it.
pub async fn until_input(root: &Element, testid: &str, want: &str) {
    let (root2, id) = (root.clone(), testid.to_owned());
    until(
        &format!("[data-testid={testid}] to read {want:?}"),
        move || input_value(&root2, &id) == want,
    )
    .await;
}

pub fn select_value(root: &Element, testid: &str) -> String {
    find(root, testid)
        .dyn_into::<HtmlSelectElement>()
        .unwrap()
        .value()
}

pub fn click(root: &Element, testid: &str) {
    find(root, testid)
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
}

/// Sets an input's or a list's value and fires `change`, as a user's edit does.
pub fn change(root: &Element, testid: &str, value: &str) {
    let element = find(root, testid);
    if let Some(input) = element.dyn_ref::<HtmlInputElement>() {
        input.set_value(value);
    } else {
        element
            .dyn_ref::<HtmlSelectElement>()
            .expect("an input or a select")
            .set_value(value);
    }
    element
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
}

/// The notices shown, one string per notice.
pub fn notices(root: &Element) -> Vec<String> {
    let list = find(root, "notice").query_selector_all("li").unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().text_content().unwrap())
        .collect()
}

/// A canvas's pixels as RGBA bytes, row by row.
pub fn pixels(canvas: &HtmlCanvasElement) -> Vec<u8> {
    let context: CanvasRenderingContext2d = canvas
        .get_context("2d")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    context
        .get_image_data(0.0, 0.0, canvas.width() as f64, canvas.height() as f64)
        .unwrap()
        .data()
        .to_vec()
}

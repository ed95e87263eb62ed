//! Browser tests for the digit views' components (`pages/rules/digits`, and the
//! widgets they draw with), run by wasm-bindgen-test in headless Chromium:
//!
//! ```text
//! CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_WEBDRIVER_JSON=tests/webdriver.json \
//!     cargo test --target wasm32-unknown-unknown -p bioprop-web --test digits
//! ```
//!
//! Expected pixels come from the widgets' own RGBA builders (unit-tested natively) and
//! expected counts are the ones handed in.
#![cfg(target_arch = "wasm32")]

mod common;

use std::cell::RefCell;
use std::rc::Rc;

use bioprop::task::drawing;
use bioprop_web::pages::rules::digits::views::{
    MisclassifiedStrip, MisclassifiedStripProps, ReceptiveFields, ReceptiveFieldsProps,
};
use bioprop_web::pages::rules::worker::{Misclassified, ReceptiveFields as Fields};
use bioprop_web::widgets::confusion::{ConfusionMatrix, ConfusionMatrixProps};
use bioprop_web::widgets::draw_pad::{DrawPad, DrawPadProps, PAD_PX};
use bioprop_web::widgets::heatmap::max_abs;
use bioprop_web::widgets::image_grid::{grid_rgba, grid_size, ImageScale};
use common::{click, count, find, mount_with, pixels, until};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlCanvasElement, PointerEvent, PointerEventInit};
use yew::Callback;

wasm_bindgen_test_configure!(run_in_browser);

fn canvas(root: &Element, selector: &str) -> HtmlCanvasElement {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
        .dyn_into()
        .unwrap()
}

#[wasm_bindgen_test]
async fn the_confusion_matrix_shows_the_counts_it_was_given() {
    // A 3-class matrix: row = truth. Cell (r, c) holds 10 r + c + 1.
    let counts: Vec<u32> = (0..3)
        .flat_map(|r| (0..3).map(move |c| 10 * r + c + 1))
        .collect();
    let props = ConfusionMatrixProps {
        counts: Rc::new(counts.clone()),
        classes: 3,
        caption: "bp: 3 classes".into(),
        testid: "confusion-matrix".into(),
        rule: "bp".into(),
    };
    let root = mount_with::<ConfusionMatrix>(props, Some(640)).await;
    let table = find(&root, "confusion-matrix");
    assert_eq!(table.get_attribute("data-rule").as_deref(), Some("bp"));
    assert_eq!(count(&table, "tbody td"), 9);
    for r in 0..3 {
        for c in 0..3 {
            let cell = table
                .query_selector(&format!("td[data-true=\"{r}\"][data-predicted=\"{c}\"]"))
                .unwrap()
                .unwrap();
            assert_eq!(cell.text_content().unwrap(), (10 * r + c + 1).to_string());
        }
    }
    assert_eq!(count(&table, "td.diagonal"), 3);
    assert!(table.text_content().unwrap().contains("bp: 3 classes"));
}

#[wasm_bindgen_test]
async fn receptive_fields_draw_the_units_given_on_one_canvas() {
    // Four units: unit k's weights ramp from -k to +k across the image.
    let units = vec![0, 1, 2, 3];
    let weights: Vec<f32> = (0..4)
        .flat_map(|k| (0..784).map(move |p| k as f32 * (p as f32 / 783.0 * 2.0 - 1.0)))
        .collect();
    let props = ReceptiveFieldsProps {
        name: "fa".into(),
        rule: "fa".into(),
        accuracy: Some(0.912),
        fields: Some(Rc::new(Fields {
            units: units.clone(),
            weights: weights.clone(),
        })),
    };
    let root = mount_with::<ReceptiveFields>(props, Some(640)).await;
    let figure = find(&root, "receptive-fields");
    assert_eq!(figure.get_attribute("data-count").as_deref(), Some("4"));
    let caption = figure.text_content().unwrap();
    assert!(caption.contains("hidden units 1–4"), "{caption}");
    assert!(caption.contains("test accuracy 91.2 %"), "{caption}");
    let grid = canvas(&figure, "canvas.image-grid");
    assert_eq!(grid.get_attribute("data-count").as_deref(), Some("4"));
    let (width, height) = grid_size(4, 28, 6);
    assert_eq!(
        (grid.width() as usize, grid.height() as usize),
        (width, height)
    );
    assert_eq!(
        (width, height),
        (4 * 29 - 1, 28),
        "one row of four 28×28 tiles"
    );
    let expected = grid_rgba(&weights, 4, 28, 6, ImageScale::Diverging(max_abs(&weights)));
    until("the fields drawn", || pixels(&grid) == expected).await;
}

#[wasm_bindgen_test]
async fn receptive_fields_wait_for_their_first_frame() {
    let props = ReceptiveFieldsProps {
        name: "bp".into(),
        rule: "bp".into(),
        accuracy: None,
        fields: None,
    };
    let root = mount_with::<ReceptiveFields>(props, Some(640)).await;
    let figure = find(&root, "receptive-fields");
    assert_eq!(figure.get_attribute("data-count").as_deref(), Some("0"));
    assert_eq!(count(&figure, "canvas"), 0);
}

/// What the pad reported, in order.
type Reports = Rc<RefCell<Vec<Option<Rc<Vec<f32>>>>>>;

/// Sends a pointer event of `kind` at the pad's fraction `(fx, fy)` of its size.
fn pointer(pad: &HtmlCanvasElement, kind: &str, fx: f64, fy: f64) {
    let rect = pad.get_bounding_client_rect();
    let init = PointerEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    init.set_pointer_id(1);
    init.set_client_x((rect.left() + rect.width() * fx) as i32);
    init.set_client_y((rect.top() + rect.height() * fy) as i32);
    let event = PointerEvent::new_with_event_init_dict(kind, &init).unwrap();
    pad.dispatch_event(&event).unwrap();
}

#[wasm_bindgen_test]
async fn the_pad_reports_a_stroke_where_it_was_drawn_and_clears() {
    let reported: Reports = Rc::default();
    let sink = reported.clone();
    let props = DrawPadProps {
        on_change: Callback::from(move |ink| sink.borrow_mut().push(ink)),
        shown: None,
        label: "pad".into(),
        testid: "digit-pad".into(),
    };
    let root = mount_with::<DrawPad>(props, Some(640)).await;
    let pad: HtmlCanvasElement = find(&root, "digit-pad").dyn_into().unwrap();
    // A vertical stroke down the middle: a "1".
    pointer(&pad, "pointerdown", 0.5, 0.2);
    pointer(&pad, "pointermove", 0.5, 0.5);
    pointer(&pad, "pointermove", 0.5, 0.8);
    pointer(&pad, "pointerup", 0.5, 0.8);
    until("three reports", || reported.borrow().len() == 3).await;
    let ink = reported.borrow()[2].clone().expect("ink after a stroke");
    assert_eq!(ink.len(), PAD_PX * PAD_PX);
    let at = |fx: f64, fy: f64| {
        ink[(fy * PAD_PX as f64) as usize * PAD_PX + (fx * PAD_PX as f64) as usize]
    };
    assert_eq!(at(0.5, 0.5), 1.0, "on the stroke");
    assert_eq!(at(0.1, 0.5), 0.0, "left of it");
    assert_eq!(at(0.5, 0.95), 0.0, "below its end");
    // Preprocessed like MNIST it is a tall bar in the middle of the 28×28 field.
    let image = drawing::preprocess(&ink, PAD_PX, PAD_PX).unwrap();
    assert!(image[14 * 28 + 14] > 0.9, "the centre is inked");
    assert_eq!(image[14 * 28 + 2], 0.0);
    assert!(
        (0..28).filter(|&y| image[y * 28 + 14] > 0.5).count() >= 19,
        "20 tall"
    );

    // A move with no button down draws nothing.
    pointer(&pad, "pointermove", 0.1, 0.1);
    assert_eq!(reported.borrow().len(), 3);

    click(&root, "digit-pad-clear");
    until("the clear reported", || reported.borrow().len() == 4).await;
    assert!(reported.borrow()[3].is_none());
    assert!(
        pixels(&pad).chunks_exact(4).all(|p| p[3] == 0),
        "blank again"
    );
}

#[wasm_bindgen_test]
async fn a_misclassified_digit_goes_on_the_pad_when_pressed() {
    let shown: Rc<RefCell<Option<Rc<Vec<f32>>>>> = Rc::default();
    let sink = shown.clone();
    let digit = |index: usize, ink: u8| Misclassified {
        index,
        pixels: vec![ink; 784],
        predicted: 1,
        truth: 7,
    };
    let props = MisclassifiedStripProps {
        name: "fa".into(),
        rule: "fa".into(),
        digits: Some(Rc::new(vec![digit(3, 255), digit(9, 51)])),
        on_show: Callback::from(move |pixels| *sink.borrow_mut() = Some(pixels)),
    };
    let root = mount_with::<MisclassifiedStrip>(props, Some(640)).await;
    let strip = find(&root, "misclassified");
    assert_eq!(count(&strip, "button"), 2);
    assert!(strip.text_content().unwrap().contains("7 → 1"));
    let second: web_sys::HtmlElement = strip
        .query_selector_all("button")
        .unwrap()
        .item(1)
        .unwrap()
        .dyn_into()
        .unwrap();
    second.click();
    until("the digit chosen", || shown.borrow().is_some()).await;
    let pixels = shown.borrow().clone().unwrap();
    assert_eq!(pixels.len(), 784);
    assert!(pixels.iter().all(|&p| (p - 0.2).abs() < 1e-6), "51 / 255");
}

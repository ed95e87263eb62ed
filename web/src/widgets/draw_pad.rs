//! A square canvas to draw on with a mouse, a finger or a pen (pointer events), that
//! reports its ink after every stroke segment.
//!
//! ```text
//! pointerdown ─▶ capture the pointer, a dot
//! pointermove ─▶ a round-capped line from the last point ─▶ on_change(Some(ink))
//! pointerup / pointercancel ─▶ the stroke ends
//! Clear ─▶ blank ─▶ on_change(None)
//! ```
//!
//! The ink is the canvas's alpha channel, `PAD_PX²` values in `[0, 1]`, row-major:
//! black strokes on a transparent canvas (the paper is the page's CSS).

use std::rc::Rc;

use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, PointerEvent};
use yew::prelude::*;

use super::heatmap::context_2d;

/// Side of the canvas in its own pixels.
pub const PAD_PX: usize = 280;
/// Width of a stroke in canvas pixels: a digit drawn across most of the pad and
/// scaled to 20 pixels gets strokes about 2 pixels wide, as MNIST's are.
pub const STROKE_PX: f64 = 24.0;

#[derive(Properties, Clone, PartialEq)]
pub struct DrawPadProps {
    /// The ink after each change (`PAD_PX²` values), or `None` when cleared.
    pub on_change: Callback<Option<Rc<Vec<f32>>>>,
    /// An image to show instead of the drawing (`side²` ink values, row-major),
    /// replacing what was drawn whenever it changes.
    #[prop_or_default]
    pub shown: Option<Rc<Vec<f32>>>,
    /// What the pad is for, read by screen readers.
    pub label: AttrValue,
    #[prop_or_default]
    pub testid: AttrValue,
}

#[component]
pub fn DrawPad(props: &DrawPadProps) -> Html {
    let canvas = use_node_ref();
    // The last point of the stroke being drawn, in canvas pixels.
    let last = use_mut_ref(|| None::<(f64, f64)>);
    let inked = use_state_eq(|| false);
    let context = {
        let canvas = canvas.clone();
        move || -> Option<(HtmlCanvasElement, CanvasRenderingContext2d)> {
            let element = canvas.cast::<HtmlCanvasElement>()?;
            let context = context_2d(&element).ok()?;
            Some((element, context))
        }
    };
    let emit = {
        let on_change = props.on_change.clone();
        let context = context.clone();
        move || {
            if let Some((_, context)) = context() {
                if let Ok(image) = context.get_image_data(0.0, 0.0, PAD_PX as f64, PAD_PX as f64) {
                    let data = image.data();
                    let ink = data
                        .chunks_exact(4)
                        .map(|p| f32::from(p[3]) / 255.0)
                        .collect();
                    on_change.emit(Some(Rc::new(ink)));
                }
            }
        }
    };
    {
        let context = context.clone();
        let inked = inked.clone();
        use_effect_with(props.shown.clone(), move |shown| {
            if let (Some(image), Some((_, context))) = (shown, context()) {
                show(&context, image);
                inked.set(true);
            }
        });
    }
    // Canvas pixels of a pointer event (the canvas may be drawn smaller than it is).
    let point = {
        let canvas = canvas.clone();
        move |event: &PointerEvent| -> Option<(f64, f64)> {
            let element = canvas.cast::<HtmlCanvasElement>()?;
            let rect = element.get_bounding_client_rect();
            if rect.width() <= 0.0 || rect.height() <= 0.0 {
                return None;
            }
            let scale = PAD_PX as f64 / rect.width();
            Some((
                (f64::from(event.client_x()) - rect.left()) * scale,
                (f64::from(event.client_y()) - rect.top()) * PAD_PX as f64 / rect.height(),
            ))
        }
    };
    let onpointerdown = {
        let (context, last, point, emit, inked) = (
            context.clone(),
            last.clone(),
            point.clone(),
            emit.clone(),
            inked.clone(),
        );
        Callback::from(move |event: PointerEvent| {
            event.prevent_default();
            let (Some((element, context)), Some(at)) = (context(), point(&event)) else {
                return;
            };
            let _ = element.set_pointer_capture(event.pointer_id());
            stroke(&context, at, at);
            *last.borrow_mut() = Some(at);
            inked.set(true);
            emit();
        })
    };
    let onpointermove = {
        let (context, last, point, emit) =
            (context.clone(), last.clone(), point.clone(), emit.clone());
        Callback::from(move |event: PointerEvent| {
            let Some(from) = *last.borrow() else {
                return;
            };
            event.prevent_default();
            let (Some((_, context)), Some(to)) = (context(), point(&event)) else {
                return;
            };
            stroke(&context, from, to);
            *last.borrow_mut() = Some(to);
            emit();
        })
    };
    let end = {
        let last = last.clone();
        Callback::from(move |_: PointerEvent| *last.borrow_mut() = None)
    };
    let onclick = {
        let (context, on_change, inked) = (context.clone(), props.on_change.clone(), inked.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some((_, context)) = context() {
                context.clear_rect(0.0, 0.0, PAD_PX as f64, PAD_PX as f64);
            }
            inked.set(false);
            on_change.emit(None);
        })
    };
    html! {
        <div class="draw-pad">
            <canvas ref={canvas} class="draw-pad-canvas" width={PAD_PX.to_string()} height={PAD_PX.to_string()}
                role="img" aria-label={props.label.clone()} data-testid={props.testid.clone()}
                data-inked={inked.to_string()}
                {onpointerdown} {onpointermove} onpointerup={end.clone()} onpointercancel={end} />
            <button type="button" class="draw-pad-clear" {onclick} data-testid="digit-pad-clear">{"Clear"}</button>
        </div>
    }
}

/// A round-capped black line from `from` to `to` (a dot when they are equal).
fn stroke(context: &CanvasRenderingContext2d, from: (f64, f64), to: (f64, f64)) {
    context.set_stroke_style_str("#000");
    context.set_line_width(STROKE_PX);
    context.set_line_cap("round");
    context.set_line_join("round");
    context.begin_path();
    context.move_to(from.0, from.1);
    // A zero-length line draws no cap in some browsers: nudge it.
    context.line_to(to.0 + if from == to { 0.01 } else { 0.0 }, to.1);
    context.stroke();
}

/// Draws a square ink image over the whole pad, one filled square per pixel.
fn show(context: &CanvasRenderingContext2d, image: &[f32]) {
    let side = (image.len() as f64).sqrt() as usize;
    if side == 0 || side * side != image.len() {
        return;
    }
    context.clear_rect(0.0, 0.0, PAD_PX as f64, PAD_PX as f64);
    let cell = PAD_PX as f64 / side as f64;
    for (i, &v) in image.iter().enumerate() {
        if v > 0.0 {
            context.set_fill_style_str(&format!("rgba(0, 0, 0, {:.3})", v.clamp(0.0, 1.0)));
            context.fill_rect(
                (i % side) as f64 * cell,
                (i / side) as f64 * cell,
                cell,
                cell,
            );
        }
    }
}

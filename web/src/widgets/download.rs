//! Saving what the page shows as files: text (CSV, JSON) through a `Blob` URL, a
//! canvas as PNG (`toDataURL`), and an SVG diagram serialised with its styles written
//! into each element, so the file looks the same opened on its own, away from the
//! page's style sheet; and text onto the clipboard ([`copy_text`]).

use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, Element, HtmlAnchorElement, HtmlCanvasElement, Url};

/// The CSS properties an SVG diagram's look depends on; each element's computed value
/// goes into its `style` attribute.
const SVG_STYLE_PROPERTIES: [&str; 16] = [
    "fill",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-opacity",
    "stroke-dasharray",
    "stroke-linecap",
    "opacity",
    "font-family",
    "font-size",
    "font-weight",
    "font-style",
    "text-anchor",
    "dominant-baseline",
    "visibility",
    "display",
];

/// Copies `text` to the clipboard; `done` hears whether the browser allowed it (it may
/// refuse: no permission, an insecure origin, a page without focus), and why not.
pub fn copy_text(text: &str, done: impl FnOnce(Result<(), String>) + 'static) {
    let promise = gloo::utils::window()
        .navigator()
        .clipboard()
        .write_text(text);
    yew::platform::spawn_local(async move {
        let copied = wasm_bindgen_futures::JsFuture::from(promise).await;
        done(copied.map(|_| ()).map_err(|why| {
            why.dyn_ref::<js_sys::Error>().map_or_else(
                || "the browser refused".to_owned(),
                |e| String::from(e.message()),
            )
        }));
    });
}

/// Clicks a temporary link to `href` that saves as `name`.
fn save_href(href: &str, name: &str) -> Result<(), String> {
    let document = gloo::utils::document();
    let link: HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| "cannot create a link".to_owned())?
        .unchecked_into();
    link.set_href(href);
    link.set_download(name);
    link.set_hidden(true);
    let body = document.body().ok_or("the page has no body")?;
    let _ = body.append_child(&link);
    link.click();
    link.remove();
    Ok(())
}

/// Saves `text` as the file `name` of type `mime`.
///
/// # Errors
///
/// When the browser cannot make the file (the message says so).
pub fn save_text(name: &str, mime: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| format!("{name}: the browser could not make the file"))?;
    let url = Url::create_object_url_with_blob(&blob)
        .map_err(|_| format!("{name}: the browser could not make the file"))?;
    let saved = save_href(&url, name);
    // The click has started the download; the URL is no longer needed.
    let _ = Url::revoke_object_url(&url);
    saved
}

/// Saves `canvas` as the PNG file `name`.
///
/// # Errors
///
/// When the canvas cannot be read.
pub fn save_canvas_png(canvas: &HtmlCanvasElement, name: &str) -> Result<(), String> {
    let url = canvas
        .to_data_url_with_type("image/png")
        .map_err(|_| format!("{name}: the chart could not be read"))?;
    save_href(&url, name)
}

/// `svg` as a standalone SVG document: a copy with every element's computed style
/// (the properties of [`SVG_STYLE_PROPERTIES`]) written into its `style` attribute,
/// its size in pixels, and the SVG namespace. A diagram drawn in layers keeps the
/// layers under it as SVGs before it, each marked `data-layer-below` (the network
/// diagram's edges): their contents go first into the copy, as the page shows them.
///
/// # Errors
///
/// When the browser cannot copy or serialise it.
pub fn standalone_svg(svg: &Element) -> Result<String, String> {
    let copy = styled_copy(svg)?;
    let first = copy.first_child();
    let mut below = svg.previous_element_sibling();
    let mut layers = Vec::new();
    while let Some(layer) = below {
        if layer.has_attribute("data-layer-below") {
            layers.push(styled_copy(&layer)?);
        }
        below = layer.previous_element_sibling();
    }
    // Nearest last, so that it lies on the ones further down.
    for layer in layers.iter().rev() {
        while let Some(child) = layer.first_child() {
            copy.insert_before(&child, first.as_ref())
                .map_err(|_| "the diagram's layers could not be joined")?;
        }
    }
    let rect = svg.get_bounding_client_rect();
    let _ = copy.set_attribute("width", &format!("{:.0}", rect.width()));
    let _ = copy.set_attribute("height", &format!("{:.0}", rect.height()));
    let _ = copy.set_attribute("xmlns", "http://www.w3.org/2000/svg");
    let serializer = web_sys::XmlSerializer::new().map_err(|_| "no XMLSerializer")?;
    let text = serializer
        .serialize_to_string(&copy)
        .map_err(|_| "the diagram could not be serialised")?;
    Ok(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{text}\n"
    ))
}

/// A deep copy of `svg` with every element's computed style (the properties of
/// [`SVG_STYLE_PROPERTIES`]) written into its `style` attribute.
fn styled_copy(svg: &Element) -> Result<Element, String> {
    let window = gloo::utils::window();
    let copy: Element = svg
        .clone_node_with_deep(true)
        .map_err(|_| "the diagram could not be copied")?
        .unchecked_into();
    let originals = svg.query_selector_all("*").map_err(|_| "no elements")?;
    let copies = copy.query_selector_all("*").map_err(|_| "no elements")?;
    let pairs = std::iter::once((svg.clone(), copy.clone())).chain(
        (0..originals.length().min(copies.length())).filter_map(|i| {
            let original = originals.item(i)?.dyn_into::<Element>().ok()?;
            let copy = copies.item(i)?.dyn_into::<Element>().ok()?;
            Some((original, copy))
        }),
    );
    for (original, copy) in pairs {
        let Ok(Some(style)) = window.get_computed_style(&original) else {
            continue;
        };
        let inline: String = SVG_STYLE_PROPERTIES
            .iter()
            .filter_map(|property| {
                let value = style.get_property_value(property).ok()?;
                (!value.is_empty()).then(|| format!("{property}:{value};"))
            })
            .collect();
        // Through the CSSOM: a style attribute set as markup is refused under a strict
        // Content-Security-Policy (README, "Offline, sub-folders and a strict CSP").
        if let Ok(declaration) = js_sys::Reflect::get(&copy, &"style".into()) {
            declaration
                .unchecked_into::<web_sys::CssStyleDeclaration>()
                .set_css_text(&inline);
        }
    }
    Ok(copy)
}

/// Saves every chart on the page (`canvas.chart`) as a PNG, named by its test id;
/// returns how many.
///
/// # Errors
///
/// When a chart cannot be read or saved.
pub fn save_charts() -> Result<usize, String> {
    save_each(
        "canvas.chart",
        "no charts",
        |i, canvas: &HtmlCanvasElement| {
            let name = canvas
                .get_attribute("data-testid")
                .unwrap_or_else(|| format!("chart-{i}"));
            save_canvas_png(canvas, &format!("{}.png", file_stem(&["bioprop", &name])))
        },
    )
}

/// Saves every diagram on the page (an SVG with `role="img"` in `main`) as a
/// standalone SVG, named by its label; returns how many.
///
/// # Errors
///
/// When a diagram cannot be serialised or saved.
pub fn save_diagrams() -> Result<usize, String> {
    save_each("main svg[role='img']", "no diagrams", |i, svg: &Element| {
        let label = svg
            .get_attribute("aria-label")
            .unwrap_or_else(|| format!("diagram {i}"));
        let text = standalone_svg(svg)?;
        let name = format!("{}.svg", file_stem(&["bioprop", &label]));
        save_text(&name, "image/svg+xml", &text)
    })
}

/// Saves with `save(index, element)` each element of the page that `selector` finds
/// and that is a `T`; returns how many. `none` is the error when the page cannot be
/// searched.
fn save_each<T: JsCast>(
    selector: &str,
    none: &str,
    save: impl Fn(u32, &T) -> Result<(), String>,
) -> Result<usize, String> {
    let found = gloo::utils::document()
        .query_selector_all(selector)
        .map_err(|_| none.to_owned())?;
    let mut saved = 0;
    for i in 0..found.length() {
        if let Some(element) = found.item(i).and_then(|node| node.dyn_into::<T>().ok()) {
            save(i, &element)?;
            saved += 1;
        }
    }
    Ok(saved)
}

/// A file name made of `parts`: lower-case letters, digits and single dashes.
pub fn file_stem(parts: &[&str]) -> String {
    let joined: String = parts
        .join("-")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    joined
        .split('-')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::file_stem;

    #[test]
    fn file_stems_are_plain() {
        assert_eq!(
            file_stem(&["bioprop", "Loss curve (log)", ""]),
            "bioprop-loss-curve-log"
        );
        assert_eq!(file_stem(&["network diagram"]), "network-diagram");
    }
}

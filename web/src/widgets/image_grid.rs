//! Small square images side by side on one canvas: digits (grey levels) or weights
//! (the diverging scale), built as RGBA bytes and drawn with one `putImageData`, then
//! scaled up by CSS with crisp pixels.
//!
//! ```text
//! images: count × side² values, image by image, each row-major
//! canvas: columns × rows tiles of side × side pixels, 1 px of background between
//! ```

use std::rc::Rc;

use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use super::colour::diverging;
use super::heatmap::put_rgba;

/// Background between tiles.
const GAP: [u8; 3] = [255, 255, 255];

/// How values become colours.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ImageScale {
    /// Ink in `[0, 1]`: 0 white paper, 1 black.
    Ink,
    /// Signed values, full colour at `±scale` ([`diverging`]).
    Diverging(f32),
}

impl ImageScale {
    fn colour(self, value: f32) -> [u8; 3] {
        match self {
            ImageScale::Ink => {
                let level = (255.0 * (1.0 - value.clamp(0.0, 1.0))).round() as u8;
                [level; 3]
            }
            ImageScale::Diverging(scale) => diverging(value, scale),
        }
    }
}

/// Width and height in pixels of `count` tiles of `side` in `columns` columns.
pub fn grid_size(count: usize, side: usize, columns: usize) -> (usize, usize) {
    let columns = columns.clamp(1, count.max(1));
    let rows = count.div_ceil(columns).max(1);
    (columns * (side + 1) - 1, rows * (side + 1) - 1)
}

/// The RGBA bytes of the grid: tile `i` at column `i % columns`, row `i / columns`.
/// Images missing from a short `images` are left as background.
pub fn grid_rgba(
    images: &[f32],
    count: usize,
    side: usize,
    columns: usize,
    scale: ImageScale,
) -> Vec<u8> {
    let columns = columns.clamp(1, count.max(1));
    let (width, height) = grid_size(count, side, columns);
    let mut rgba = Vec::with_capacity(width * height * 4);
    for _ in 0..width * height {
        rgba.extend_from_slice(&[GAP[0], GAP[1], GAP[2], 255]);
    }
    for (i, image) in images.chunks_exact(side * side).take(count).enumerate() {
        let (left, top) = ((i % columns) * (side + 1), (i / columns) * (side + 1));
        for (p, &value) in image.iter().enumerate() {
            let at = ((top + p / side) * width + left + p % side) * 4;
            rgba[at..at + 3].copy_from_slice(&scale.colour(value));
        }
    }
    rgba
}

#[derive(Properties, Clone, PartialEq)]
pub struct ImageGridProps {
    /// `count × side²` values, image by image.
    pub images: Rc<Vec<f32>>,
    pub count: usize,
    pub side: usize,
    pub columns: usize,
    pub scale: ImageScale,
    /// What the grid shows, for screen readers (its size is added).
    pub label: AttrValue,
    /// Width on screen of one tile, in CSS pixels.
    #[prop_or(56.0)]
    pub tile_px: f64,
    #[prop_or_default]
    pub testid: AttrValue,
    #[prop_or_default]
    pub class: Classes,
}

/// The images as one canvas; `data-count` says how many it draws.
#[component]
pub fn ImageGrid(props: &ImageGridProps) -> Html {
    let canvas = use_node_ref();
    let columns = props.columns.clamp(1, props.count.max(1));
    let (width, height) = grid_size(props.count, props.side, columns);
    {
        let canvas = canvas.clone();
        let props = props.clone();
        use_effect_with(
            (props.images.clone(), props.count, props.scale, columns),
            move |_| {
                if let Some(element) = canvas.cast::<HtmlCanvasElement>() {
                    let rgba =
                        grid_rgba(&props.images, props.count, props.side, columns, props.scale);
                    put_rgba(&element, &rgba, width, height);
                }
            },
        );
    }
    let scale = props.tile_px / props.side.max(1) as f64;
    html! {
        <canvas ref={canvas} class={classes!("image-grid", props.class.clone())}
            width={width.to_string()} height={height.to_string()}
            data-css={format!("width: {:.0}px", width as f64 * scale)}
            role="img" aria-label={format!("{} ({} images of {}×{})", props.label, props.count, props.side, props.side)}
            data-count={props.count.to_string()} data-testid={props.testid.clone()} />
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiles_sit_in_columns_with_a_one_pixel_gap() {
        assert_eq!(grid_size(36, 28, 6), (6 * 29 - 1, 6 * 29 - 1));
        assert_eq!(grid_size(5, 2, 3), (8, 5), "two rows, the second short");
        assert_eq!(grid_size(2, 2, 6), (5, 2), "no more columns than images");
        // Two 2×2 images, the first all ink, the second blank: black tile, white gap,
        // white tile.
        let images = [1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0];
        let rgba = grid_rgba(&images, 2, 2, 2, ImageScale::Ink);
        assert_eq!(rgba.len(), 5 * 2 * 4);
        let pixel = |x: usize, y: usize| &rgba[(y * 5 + x) * 4..][..4];
        assert_eq!(pixel(0, 0), [0, 0, 0, 255]);
        assert_eq!(pixel(1, 1), [0, 0, 0, 255]);
        assert_eq!(pixel(2, 0), [255, 255, 255, 255], "the gap");
        assert_eq!(pixel(4, 1), [255, 255, 255, 255]);
    }

    #[test]
    fn weights_use_the_diverging_scale() {
        let rgba = grid_rgba(&[-2.0, 0.0, 2.0, 0.5], 1, 2, 1, ImageScale::Diverging(1.0));
        assert_eq!(&rgba[0..3], &diverging(-1.0, 1.0));
        assert_eq!(&rgba[4..7], &diverging(0.0, 1.0));
        assert_eq!(&rgba[8..11], &diverging(1.0, 1.0));
        assert_eq!(&rgba[12..15], &diverging(0.5, 1.0));
    }
}

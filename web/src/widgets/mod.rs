//! Drawing pieces any page can use: line charts, canvas heatmaps, colour scales, a
//! text field that keeps the user's draft while the page redraws, a bounded history
//! for long runs, compact number formats, saving text, charts and diagrams as
//! files, importing a configuration file, and fetching a file with progress.
//! They know nothing of pages or of the URL; a page hands them plain numbers.

pub mod canvas_text;
pub mod chart;
pub mod chart_layout;
pub mod chart_text;
pub mod colour;
pub mod config_import;
pub mod confusion;
pub mod copy_link;
pub mod download;
pub mod draw_pad;
pub mod fetch;
pub mod field;
pub mod figure_export;
pub mod heatmap;
pub mod history;
pub mod image_grid;
pub mod locality;
pub mod number;
pub mod reproduce;

//! Drawing pieces any page can use: line charts, canvas heatmaps, colour scales, a
//! bounded history for long runs and compact number formats.
//! They know nothing of pages or of the URL; a page hands them plain numbers.

pub mod chart;
pub mod colour;
pub mod heatmap;
pub mod history;
pub mod number;

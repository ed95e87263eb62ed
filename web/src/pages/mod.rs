//! One folder per page, each holding its own settings (its URL keys), controls,
//! views and simulation driver. A page imports [`crate::shell`] and
//! [`crate::widgets`], never another page.

pub mod cerebellum;
pub mod microcircuit;
pub mod rules;

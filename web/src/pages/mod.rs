//! One folder per page, each holding its own settings (its URL keys), controls,
//! views and simulation driver. A page imports [`crate::shell`] and
//! [`crate::widgets`], never another page; [`worker`] is the one worker bundle's
//! registrar, holding every page's worker protocol.

pub mod cerebellum;
pub mod exercise;
pub mod microcircuit;
pub mod rules;
pub mod tour;
pub mod worker;

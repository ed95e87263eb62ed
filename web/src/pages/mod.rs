//! One folder per page, each holding its own settings (its URL keys), controls,
//! views and simulation driver. A page imports [`crate::shell`] and
//! [`crate::widgets`], never another page; [`worker`] holds each page's worker
//! registrar (one worker bundle per page that trains or simulates).

pub mod cerebellum;
pub mod exercise;
pub mod microcircuit;
pub mod rules;
pub mod tour;
pub mod worker;

//! The lecture as a guided tour (`?page=tour`): the steps of the lecture's arc, each
//! with its text, a "predict, then observe" question and a live demonstration.
//!
//! [`steps`] holds the content, pure data tested natively (`web/tests/tour_steps.rs`).

pub mod steps;

//! Cross-crate tests for bioprop; see `cross_crate/`.

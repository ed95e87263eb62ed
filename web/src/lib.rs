//! The bioprop browser app.

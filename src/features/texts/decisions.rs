//! Texts of decisions.

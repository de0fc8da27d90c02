//! Texts of brief.

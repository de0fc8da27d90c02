//! Purpose: (being written)

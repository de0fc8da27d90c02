//! The one integration-test binary (one binary keeps target/ and link times small).

mod schedule;

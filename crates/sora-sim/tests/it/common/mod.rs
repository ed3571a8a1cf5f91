//! Helpers shared by the simulator's tests.

pub mod python;

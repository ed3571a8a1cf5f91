//! sora-tui: generate videos, watch the jobs, download them reliably and store them in Supabase
//! Storage. This library holds the two faces of the program over the engine in `sora-core`:
//! - the **dashboard**: `app` (state and `update`), `ui` (pure render functions) and `tui` (the
//!   event loop that drives them);
//! - the **headless printer** (`headless`) for scripts and CI.
//!
//! Data flows one way: input and engine events become messages, `App::update` turns them into
//! commands for the engine, and the engine reports back with events.

pub mod app;
pub mod console;
pub mod editor;
pub mod effects;
pub mod graphics;
pub mod headless;
pub mod opener;
pub mod preview;
pub mod signals;
pub mod tui;
pub mod ui;

//! What the user sees: each panel drawn into a TestBackend from state built by feeding engine
//! events through `update`, with the clock pinned.

use crate::ui_support as support;

use std::time::Duration;

use crossterm::event::KeyCode;
use sora_core::download::AttemptOutcome;
use sora_core::engine::{EngineEvent, JobKey};
use support::*;

mod help_and_layout;
mod panels;
mod transfers;

const W: u16 = 120;
const H: u16 = 40;
const MIB: u64 = 1024 * 1024;

//! `App::update`: the commands a user's keys and the engine's events produce, and the state
//! changes a user would notice.

use crate::ui_support as support;

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyModifiers};
use sora_core::engine::{Command, EngineEvent, JobKey};
use sora_core::providers::{GenerationRequest, Size};
use sora_tui::app::{Effect, Focus, NoticeLevel};
use support::*;

mod job_actions;
mod keys_and_ticks;
mod storage;
mod submit;

//! What `App::update` asks the world to do. Engine work is a [`Command`]; what only the terminal
//! can do is an effect of its own, which the runtime carries out and the engine never sees.

use sora_core::engine::{Command, JobKey};

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Work for the engine: dispatched as is.
    Engine(Command),
    /// Put text on the clipboard (OSC 52); the terminal runtime does it.
    Clipboard(String),
    /// Ask the terminal for mouse events (true) or give them back to it (false).
    Mouse(bool),
    /// Decode a saved thumbnail off the UI thread; the runtime answers with `Msg::Preview`.
    LoadPreview {
        job: JobKey,
        path: std::path::PathBuf,
    },
}

impl From<Command> for Effect {
    fn from(command: Command) -> Self {
        Effect::Engine(command)
    }
}

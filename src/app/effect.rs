//! What `App::update` asks the world to do. Engine work is a [`Command`]; what only the terminal
//! can do is an effect of its own, which the runtime carries out and the engine never sees.

use std::path::PathBuf;

use sora_core::engine::{Command, JobKey};

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Work for the engine: dispatched as is.
    Engine(Command),
    /// Put text on the clipboard (OSC 52); the terminal runtime does it.
    Clipboard(String),
    /// Open a file in the system's player or viewer: `command` (the `[ui] open_command`
    /// setting) when set, else `xdg-open` (`open` on macOS). The runtime starts it without
    /// waiting; a failure comes back as a warning.
    Open {
        path: std::path::PathBuf,
        command: Option<String>,
    },
    /// Write the session's message log to `path` (0600, a new file); the runtime does it and
    /// answers with `Msg::MessagesSaved`.
    SaveMessages { path: PathBuf, text: String },
    /// A job ended out of sight: ring the terminal bell, and/or ask the terminal for a desktop
    /// notification (OSC 9) with this text. The terminal runtime writes the bytes.
    Notify { bell: bool, osc9: Option<String> },
    /// Ask the terminal for mouse events (true) or give them back to it (false).
    Mouse(bool),
    /// Hand the prompt to the user's editor (`$VISUAL`, `$EDITOR`, else `vi`) and give the
    /// terminal to it until it exits; the runtime answers with `Msg::PromptEdited`.
    EditPrompt(String),
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

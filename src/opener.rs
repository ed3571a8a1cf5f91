//! Opening a file in the desktop's player or viewer, for the dashboard's `o`. The program runs
//! on a thread of its own (a player may run as long as the video plays), with its input and
//! output away from the terminal the dashboard draws on; a failure comes back as a warning.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use sora_core::engine::EngineEvent;
use tokio::sync::mpsc::UnboundedSender;

use crate::app::Msg;

/// Start the opener for `path` and return at once; a failure comes back to the dashboard on
/// `reply`, as a warning.
pub fn spawn(path: PathBuf, command: Option<String>, reply: UnboundedSender<Msg>) {
    let started = std::thread::Builder::new()
        .name("open".into())
        .spawn(move || {
            if let Err(message) = open(&path, command.as_deref()) {
                let _ = reply.send(Msg::Engine(EngineEvent::Warning { key: None, message }));
            }
        });
    if let Err(e) = started {
        tracing::warn!(error = %e, "no thread for the opener");
    }
}

/// The program and its arguments: `command` split at spaces when set, else the system's.
pub fn program_for(command: Option<&str>) -> (String, Vec<String>) {
    let mut words = command
        .unwrap_or_default()
        .split_whitespace()
        .map(String::from);
    match words.next() {
        Some(program) => (program, words.collect()),
        None if cfg!(target_os = "macos") => ("open".into(), Vec::new()),
        None => ("xdg-open".into(), Vec::new()),
    }
}

/// Run the opener on `path` until it exits; why it failed, for a person.
pub fn open(path: &Path, command: Option<&str>) -> Result<(), String> {
    let (program, args) = program_for(command);
    let fix = "set [ui] open_command in the config to a player you have (e.g. \"mpv\")";
    let status = Command::new(&program)
        .args(&args)
        .arg(path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| {
            format!(
                "cannot open {}: `{program}` did not start ({e}); {fix}",
                path.display()
            )
        })?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "cannot open {}: `{program}` ended with {status}; {fix}",
            path.display()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_configured_command_wins_and_keeps_its_arguments() {
        assert_eq!(
            program_for(Some("vlc --fullscreen")),
            ("vlc".to_string(), vec!["--fullscreen".to_string()])
        );
        let (system, args) = program_for(None);
        assert!(system == "xdg-open" || system == "open", "{system}");
        assert!(args.is_empty());
        assert_eq!(program_for(Some("  ")).0, system);
    }

    #[cfg(unix)]
    #[test]
    fn a_failing_or_missing_opener_is_a_sentence_naming_the_fix() {
        let path = Path::new("/tmp/video.mp4");
        assert_eq!(open(path, Some("true")), Ok(()));
        let failed = open(path, Some("false")).expect_err("false fails");
        assert!(
            failed.contains("`false` ended with") && failed.contains("open_command"),
            "{failed}"
        );
        let missing = open(path, Some("/nonexistent/player")).expect_err("missing");
        assert!(missing.contains("did not start"), "{missing}");
    }
}

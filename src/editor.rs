//! The prompt in the user's own editor (Ctrl-e): the text goes to a private temporary file, the
//! editor gets the terminal until it exits, and what it saved comes back. The editor is found as
//! git finds it: `$VISUAL`, then `$EDITOR`, then `vi`, run through the shell so a value with
//! arguments (`code --wait`, `emacs -nw`) works.

use std::io::Read;
use std::process::Command;

/// A prompt is a paragraph; a file far larger than this is not one, and is not read whole.
const MAX_PROMPT_BYTES: u64 = 1024 * 1024;

/// The editor command the user chose: `$VISUAL`, then `$EDITOR` (empty values skipped), else `vi`.
pub fn editor_command() -> String {
    ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .map(|value| value.trim().to_string())
        .find(|value| !value.is_empty())
        .unwrap_or_else(|| "vi".to_string())
}

/// Run `editor` on a file holding `text` and return the file's text when it exits successfully.
/// The caller has given the editor the terminal (cooked mode, main screen). Err: why, for a person.
pub fn edit_text(editor: &str, text: &str) -> Result<String, String> {
    let file = tempfile::Builder::new()
        .prefix("sora-tui-prompt-")
        .suffix(".txt")
        .tempfile()
        .map_err(|e| format!("cannot create the prompt's temporary file ({e})"))?;
    std::fs::write(file.path(), format!("{text}\n"))
        .map_err(|e| format!("cannot write the prompt's temporary file ({e})"))?;
    let status = shell_command(editor, file.path())
        .status()
        .map_err(|e| format!("`{editor}` did not start ({e}); set $VISUAL or $EDITOR"))?;
    if !status.success() {
        return Err(format!(
            "`{editor}` ended with {status}; set $VISUAL or $EDITOR to an editor you have"
        ));
    }
    // Editors often save by writing a new file and renaming it over the old one: open the
    // path again rather than reading through the handle made before.
    let mut saved = String::new();
    std::fs::File::open(file.path())
        .and_then(|f| f.take(MAX_PROMPT_BYTES).read_to_string(&mut saved))
        .map_err(|e| format!("cannot read back what `{editor}` saved ({e})"))?;
    Ok(saved)
}

#[cfg(unix)]
fn shell_command(editor: &str, path: &std::path::Path) -> Command {
    // `$0` is the editor's name in messages; the path is a separate argument, never parsed.
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(format!("{editor} \"$@\""))
        .arg(editor)
        .arg(path);
    command
}

#[cfg(not(unix))]
fn shell_command(editor: &str, path: &std::path::Path) -> Command {
    let mut words = editor.split_whitespace();
    let mut command = Command::new(words.next().unwrap_or("notepad"));
    command.args(words).arg(path);
    command
}

#[cfg(test)]
mod tests {
    use super::edit_text;

    #[cfg(unix)]
    #[test]
    fn an_editor_with_arguments_edits_the_file_and_its_text_comes_back() {
        // A one-line "editor" with arguments: changes the file it is given in place.
        let edited = edit_text("sed -i -e 's/fox/red fox/'", "a fox\nat dawn");
        assert_eq!(edited.as_deref(), Ok("a red fox\nat dawn\n"));
    }

    #[cfg(unix)]
    #[test]
    fn a_failing_or_missing_editor_is_an_error_naming_the_fix() {
        let failed = edit_text("false", "a fox").unwrap_err();
        assert!(failed.contains("`false` ended with"), "{failed}");
        assert!(failed.contains("$EDITOR"), "{failed}");
        let missing = edit_text("no-such-editor-xyz", "a fox").unwrap_err();
        assert!(missing.contains("no-such-editor-xyz"), "{missing}");
    }
}

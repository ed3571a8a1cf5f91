//! `[keys]` of the config file: each entry gives an action of one part of the dashboard its own
//! keys, `"jobs.upload" = ["u", "U"]`. Checked before the terminal is touched, so a typo is
//! refused with the name, the file and the valid names, never half-applied or ignored.

use std::path::Path;

use super::keymap::{Action, KeyBinding, KeyMap, Scope};

/// Why a `[keys]` entry was refused: the message names the entry and what would be valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: [keys] \"{name}\": {reason}")]
pub struct KeyConfigError {
    pub file: String,
    pub name: String,
    pub reason: String,
}

/// Every scope a `[keys]` name may start with, by its name in the file.
const SCOPES: [(&str, Scope); 16] = [
    ("global", Scope::Global),
    ("browse", Scope::Browse),
    ("prompt", Scope::Prompt),
    ("jobs", Scope::Jobs),
    ("downloads", Scope::Downloads),
    ("buckets", Scope::Buckets),
    ("input", Scope::Input),
    ("question", Scope::Confirm),
    ("help", Scope::Help),
    ("history", Scope::History),
    ("doctor", Scope::Doctor),
    ("details", Scope::Details),
    ("messages", Scope::Messages),
    ("filter", Scope::Filter),
    ("filtered", Scope::Filtered),
    ("form", Scope::Form),
];

/// The name of `scope` in the `[keys]` table.
pub fn scope_name(scope: Scope) -> &'static str {
    SCOPES
        .iter()
        .find(|(_, s)| *s == scope)
        .map_or("global", |(name, _)| name)
}

/// The name of `action` in the `[keys]` table: its identifier in snake case (`upload_file`).
pub fn action_name(action: Action) -> String {
    let mut name = String::new();
    for (i, c) in format!("{action:?}").chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                name.push('_');
            }
            name.push(c.to_ascii_lowercase());
        } else {
            name.push(c);
        }
    }
    name
}

impl KeyMap {
    /// The default keys with `overrides` applied (each replaces the keys of one action in one
    /// scope). Only actions that part of the dashboard has can be rebound; a key that would be
    /// taken by another action of the same scope, or by a key that works anywhere, is refused.
    pub fn with_overrides(
        overrides: &[(String, Vec<String>)],
        file: Option<&Path>,
    ) -> Result<KeyMap, KeyConfigError> {
        let file = file.map_or_else(
            || "the config file".to_string(),
            |p| p.display().to_string(),
        );
        let mut map = KeyMap::default();
        let mut changed = Vec::new();
        for (name, keys) in overrides {
            let refuse = |reason: String| KeyConfigError {
                file: file.clone(),
                name: name.clone(),
                reason,
            };
            let (scope, action) = resolve(&map, name).map_err(refuse)?;
            let parsed = parse_keys(keys).map_err(refuse)?;
            map.rebind(scope, action, parsed);
            changed.push((name.clone(), scope, action));
        }
        for (name, scope, action) in &changed {
            map.check_clashes(*scope, *action)
                .map_err(|reason| KeyConfigError {
                    file: file.clone(),
                    name: name.clone(),
                    reason,
                })?;
        }
        Ok(map)
    }

    /// The keys of `action` in `scope` taken by another action of the scope, shadowed by a key
    /// that works anywhere (or, for a global key, taking one from a panel), or typed as text.
    fn check_clashes(&self, scope: Scope, action: Action) -> Result<(), String> {
        let keys: Vec<KeyBinding> = self
            .bindings_in(scope)
            .filter(|b| b.action == action)
            .flat_map(|b| b.keys.clone())
            .collect();
        for key in &keys {
            let other = self
                .bindings_in(scope)
                .find(|b| b.action != action && b.keys.contains(key));
            if let Some(other) = other {
                return Err(format!(
                    "{key} is also the key of \"{}.{}\": give one of them another key",
                    scope_name(scope),
                    action_name(other.action)
                ));
            }
            for (name, other_scope) in SCOPES {
                if other_scope == scope || (scope != Scope::Global && other_scope != Scope::Global)
                {
                    continue;
                }
                if let Some(other) = self
                    .bindings_in(other_scope)
                    .filter(|b| match scope {
                        Scope::Global => shadows(action, other_scope),
                        _ => shadows(b.action, scope),
                    })
                    .find(|b| b.action != action && b.keys.contains(key))
                {
                    return Err(if scope == Scope::Global {
                        format!(
                            "{key} is the key of \"{name}.{}\", which a key that works anywhere would take",
                            action_name(other.action)
                        )
                    } else {
                        format!(
                            "{key} already works anywhere as \"global.{}\", so it would never reach this action",
                            action_name(other.action)
                        )
                    });
                }
            }
            if matches!(
                scope,
                Scope::Prompt | Scope::Input | Scope::Filter | Scope::Global | Scope::Form
            ) && is_text(key)
            {
                return Err(format!(
                    "{key} is text in the prompt and the text fields: use a key with Ctrl or Alt, or an F-key"
                ));
            }
        }
        Ok(())
    }
}

/// Every binding as a Markdown table (part, keys, what it does, its `[keys]` name): the key
/// table of README.md, generated so it can never disagree with the program.
pub fn markdown_table(map: &KeyMap) -> String {
    let mut table = String::from("| where | keys | does | `[keys]` name |\n|---|---|---|---|\n");
    for (name, scope) in SCOPES {
        for binding in map.bindings_in(scope) {
            let keys = binding
                .keys
                .iter()
                .map(|k| format!("`{}`", k.to_string().replace('|', "\\|")))
                .collect::<Vec<_>>()
                .join(" ");
            table.push_str(&format!(
                "| {} | {keys} | {} | `{name}.{}` |\n",
                scope.title(),
                binding.action.description(),
                action_name(binding.action)
            ));
        }
    }
    table
}

/// Whether the global `action` takes its keys from `scope`. The parts that take every key while
/// they are open let only Ctrl-C (quit now) through (a text field, a question, a list's filter
/// field), and help too over the parameter form: there Tab or an arrow may be their own key
/// although it works anywhere else.
fn shadows(action: Action, scope: Scope) -> bool {
    match scope {
        Scope::Input | Scope::Confirm | Scope::Filter => action == Action::QuitNow,
        Scope::Form => matches!(action, Action::QuitNow | Action::ToggleHelp),
        _ => true,
    }
}

/// A key that types a character (plain or with Shift).
fn is_text(key: &KeyBinding) -> bool {
    use crossterm::event::{KeyCode, KeyModifiers};
    matches!(key.code, KeyCode::Char(_)) && (key.modifiers - KeyModifiers::SHIFT).is_empty()
}

/// `scope.action` to the pair it names, among the bindings the dashboard has.
fn resolve(map: &KeyMap, name: &str) -> Result<(Scope, Action), String> {
    let scope_names = || {
        SCOPES
            .iter()
            .map(|(n, _)| *n)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let Some((scope_part, action_part)) = name.split_once('.') else {
        return Err(format!(
            "write it as \"scope.action\" (e.g. \"jobs.upload\"); the scopes are {}",
            scope_names()
        ));
    };
    let Some(scope) = SCOPES
        .iter()
        .find(|(n, _)| *n == scope_part)
        .map(|(_, s)| *s)
    else {
        return Err(format!(
            "no part of the dashboard is called \"{scope_part}\"; the scopes are {}",
            scope_names()
        ));
    };
    let actions: Vec<Action> = map.bindings_in(scope).map(|b| b.action).collect();
    actions
        .iter()
        .find(|a| action_name(**a) == action_part)
        .map(|a| (scope, *a))
        .ok_or_else(|| {
            let names: Vec<String> = actions.iter().map(|a| action_name(*a)).collect();
            format!(
                "\"{scope_part}\" has no action \"{action_part}\"; its actions are {}",
                names.join(", ")
            )
        })
}

fn parse_keys(keys: &[String]) -> Result<Vec<KeyBinding>, String> {
    if keys.is_empty() {
        return Err("give at least one key (an action without keys could not be used)".into());
    }
    keys.iter()
        .map(|text| {
            KeyBinding::parse(text).ok_or_else(|| {
                format!(
                    "\"{}\" is not a key; write keys like q, G, Ctrl-d, Alt-s, F5, Shift-F2, Enter, Esc, Tab, Space, PgDn, Up",
                    sora_core::text::one_line(text)
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn overrides(pairs: &[(&str, &[&str])]) -> Vec<(String, Vec<String>)> {
        pairs
            .iter()
            .map(|(n, k)| (n.to_string(), k.iter().map(|s| s.to_string()).collect()))
            .collect()
    }

    #[test]
    fn an_entry_replaces_the_keys_of_its_action() {
        let map = KeyMap::with_overrides(&overrides(&[("jobs.upload", &["U", "Alt-u"])]), None)
            .expect("valid");
        let u = KeyEvent::new(KeyCode::Char('u'), KeyModifiers::NONE);
        let big_u = KeyEvent::new(KeyCode::Char('U'), KeyModifiers::SHIFT);
        assert_eq!(map.action_in(Scope::Jobs, &u), None);
        assert_eq!(map.action_in(Scope::Jobs, &big_u), Some(Action::Upload));
    }

    /// README's key table is this table; `SORA_TUI_UPDATE_README=1 cargo test -p sora-tui --lib
    /// readme` writes it after a key changes.
    #[test]
    fn readme_key_table_is_the_keymap() {
        const START: &str = "<!-- key table: generated from src/app/keymap.rs -->\n";
        const END: &str = "<!-- end of key table -->";
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
        let readme = std::fs::read_to_string(&path).expect("README.md");
        let start = readme
            .find(START)
            .expect("README has the key table start marker")
            + START.len();
        let end = readme[start..]
            .find(END)
            .expect("README has the end marker")
            + start;
        let table = markdown_table(&KeyMap::default());
        if std::env::var_os("SORA_TUI_UPDATE_README").is_some() {
            let updated = format!("{}{table}{}", &readme[..start], &readme[end..]);
            std::fs::write(&path, updated).expect("write README.md");
            return;
        }
        assert!(
            readme[start..end] == table,
            "README's key table is out of date: run SORA_TUI_UPDATE_README=1 cargo test -p sora-tui --lib readme"
        );
    }

    #[test]
    fn the_example_configs_keys_are_valid() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml");
        let config = sora_core::config::Config::load(
            Some(&path),
            &|_| None,
            &sora_core::config::Overrides::default(),
        )
        .expect("example loads");
        assert!(!config.keys.is_empty(), "the example shows [keys]");
        let map = KeyMap::with_overrides(&config.keys, Some(&path)).expect("valid keys");
        let big_u = KeyEvent::new(KeyCode::Char('U'), KeyModifiers::SHIFT);
        assert_eq!(map.action_in(Scope::Jobs, &big_u), Some(Action::Upload));
    }

    #[test]
    fn names_are_the_snake_case_of_the_actions() {
        assert_eq!(action_name(Action::UploadFile), "upload_file");
        assert_eq!(action_name(Action::Quit), "quit");
        assert_eq!(scope_name(Scope::Confirm), "question");
    }

    #[test]
    fn wrong_names_and_keys_are_refused_with_what_is_valid() {
        let refused = |pairs: &[(&str, &[&str])]| {
            KeyMap::with_overrides(&overrides(pairs), Some(Path::new("/c.toml")))
                .expect_err("refused")
                .to_string()
        };
        let e = refused(&[("jobs.uplod", &["u"])]);
        assert!(e.starts_with("/c.toml: [keys] \"jobs.uplod\""), "{e}");
        assert!(e.contains("its actions are") && e.contains("upload"), "{e}");
        let e = refused(&[("job.upload", &["u"])]);
        assert!(
            e.contains("the scopes are global, browse, prompt, jobs"),
            "{e}"
        );
        let e = refused(&[("jobs.upload", &["Ctrl-"])]);
        assert!(e.contains("is not a key"), "{e}");
        let e = refused(&[("jobs.upload", &[])]);
        assert!(e.contains("at least one key"), "{e}");
        let e = refused(&[("jobs.upload", &["x"])]);
        assert!(
            e.contains("x is also the key of \"jobs.delete_job\""),
            "{e}"
        );
        let e = refused(&[("jobs.upload", &["Ctrl-c"])]);
        assert!(e.contains("global.quit_now"), "{e}");
        let e = refused(&[("prompt.submit", &["s"])]);
        assert!(e.contains("is text in the prompt"), "{e}");
    }

    #[test]
    fn the_form_may_take_keys_that_work_elsewhere_but_not_quit_help_or_text() {
        let form = |keys: &[&str]| {
            KeyMap::with_overrides(&overrides(&[("form.next_field", keys)]), None)
                .map_err(|e| e.to_string())
        };
        let map = form(&["Tab", "Ctrl-n"]).expect("the form takes Tab");
        let ctrl_n = KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL);
        assert_eq!(map.action_in(Scope::Form, &ctrl_n), Some(Action::NextField));
        let e = form(&["Ctrl-c"]).expect_err("refused");
        assert!(e.contains("global.quit_now"), "{e}");
        let e = form(&["j"]).expect_err("refused");
        assert!(e.contains("is text in the prompt"), "{e}");
    }

    #[test]
    fn a_text_field_or_question_may_take_keys_that_work_elsewhere_but_not_quit() {
        let remap = |name: &str, keys: &[&str]| {
            KeyMap::with_overrides(&overrides(&[(name, keys)]), None).map_err(|e| e.to_string())
        };
        let tab = KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE);
        let map = remap("filter.keep_filter", &["Tab"]).expect("the filter field takes Tab");
        assert_eq!(map.action_in(Scope::Filter, &tab), Some(Action::KeepFilter));
        let map = remap("question.cancel", &["Tab", "n"]).expect("a question takes Tab");
        assert_eq!(map.action_in(Scope::Confirm, &tab), Some(Action::Cancel));
        for name in ["input.complete", "filter.keep_filter", "question.cancel"] {
            let e = remap(name, &["Ctrl-c"]).expect_err("refused");
            assert!(e.contains("global.quit_now"), "{name}: {e}");
        }
    }

    #[test]
    fn a_global_key_may_not_take_a_panel_key() {
        let e = KeyMap::with_overrides(
            &overrides(&[("global.show_history", &["Alt-x", "x"])]),
            None,
        )
        .expect_err("refused")
        .to_string();
        assert!(e.contains("x is the key of \"jobs.delete_job\""), "{e}");
    }
}

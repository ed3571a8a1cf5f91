//! How a list's `/` filter shows: in the panel's title while it narrows the list (with the
//! cursor while its field is open), and in place of the rows when nothing matches.

use ratatui::text::Line;

use super::{Theme, format};
use crate::app::keymap::{Action, Scope};
use crate::app::{App, ListFilter};

/// `/cat (3 of 12)` (`/ca▏t` while typing), or nothing when the list is not filtered.
pub fn title_part(filter: &ListFilter, shown: usize, total: usize) -> Option<String> {
    if !filter.editing() && !filter.is_active() {
        return None;
    }
    let text = format::shown(filter.text()).to_string();
    let text = if filter.editing() {
        let cursor = filter.cursor().min(text.chars().count());
        let (before, after): (String, String) = (
            text.chars().take(cursor).collect(),
            text.chars().skip(cursor).collect(),
        );
        format!("{before}▏{after}")
    } else {
        text
    };
    Some(format!("/{text} ({shown} of {total})"))
}

/// ` Jobs (12) `, or ` Jobs /cat (3 of 12) ` while filtered.
pub fn title(name: &str, filter: &ListFilter, shown: usize, total: usize) -> String {
    match title_part(filter, shown, total) {
        Some(part) => format!(" {name} {part} "),
        None => format!(" {name} ({total}) "),
    }
}

/// `no jobs match /xyz — Esc clears`, where the list's rows would be.
pub fn no_match<'a>(app: &App, what: &str, filter: &ListFilter, theme: &Theme) -> Line<'a> {
    let scope = if filter.editing() {
        Scope::Filter
    } else {
        Scope::Filtered
    };
    let clear = app.keymap().keys_label(scope, Action::ClearFilter);
    Line::styled(
        format!(
            "no {what} match /{} — {clear} clears",
            format::shown(filter.text().trim())
        ),
        theme.dim,
    )
}

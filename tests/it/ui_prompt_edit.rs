//! The prompt as a small editor: several lines (Alt-Enter, a paste), the arrows between them,
//! the whole prompt in the user's `$EDITOR` (Ctrl-e), and a panel that grows with the text.

use crate::ui_support as support;

use crossterm::event::{KeyCode, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sora_core::engine::Command;
use sora_tui::app::{Effect, Msg};
use sora_tui::ui::{self, Theme};
use support::*;

fn sent_prompt(effects: &[Effect]) -> Option<&str> {
    match effects {
        [Effect::Engine(Command::Generate { request, .. })] => Some(&request.prompt),
        _ => None,
    }
}

#[test]
fn alt_enter_breaks_the_line_and_enter_sends_one_job_with_both_lines() {
    let mut app = app();
    type_text(&mut app, "a fox");
    assert!(press_with(&mut app, KeyCode::Enter, KeyModifiers::ALT).is_empty());
    type_text(&mut app, "at dawn");
    press_with(&mut app, KeyCode::Char('j'), KeyModifiers::CONTROL);
    type_text(&mut app, "in the snow");
    assert_eq!(app.prompt().text(), "a fox\nat dawn\nin the snow");
    let effects = press(&mut app, KeyCode::Enter);
    assert_eq!(
        sent_prompt(&effects),
        Some("a fox\nat dawn\nin the snow"),
        "{effects:?}"
    );
    assert_eq!(app.prompt().text(), "", "sent: the field is empty again");
}

#[test]
fn the_arrows_move_between_the_lines_of_a_prompt_of_several_lines() {
    let mut app = app();
    type_text(&mut app, "one");
    press_with(&mut app, KeyCode::Enter, KeyModifiers::ALT);
    type_text(&mut app, "two");
    press(&mut app, KeyCode::Up);
    type_text(&mut app, "!");
    assert_eq!(
        app.prompt().text(),
        "one!\ntwo",
        "Up went to the line above"
    );
    press(&mut app, KeyCode::Down);
    type_text(&mut app, "?");
    assert_eq!(app.prompt().text(), "one!\ntwo?", "Down went back");
}

#[test]
fn ctrl_e_hands_the_prompt_to_the_editor_and_its_text_comes_back() {
    let mut app = app();
    type_text(&mut app, "a fox");
    let effects = press_with(&mut app, KeyCode::Char('e'), KeyModifiers::CONTROL);
    assert_eq!(effects, vec![Effect::EditPrompt("a fox".into())]);
    assert_eq!(
        app.prompt().text(),
        "a fox",
        "nothing changes until it comes back"
    );

    app.update(Msg::PromptEdited(Ok("a red fox\nat dawn\n".into())));
    assert_eq!(
        app.prompt().text(),
        "a red fox\nat dawn",
        "the editor's last line break is not the user's"
    );
    assert_shows(&notice_text(&app), "Prompt from the editor (2 lines)");
    let effects = press(&mut app, KeyCode::Enter);
    assert_eq!(sent_prompt(&effects), Some("a red fox\nat dawn"));
}

#[test]
fn a_failed_editor_keeps_the_prompt_and_says_why() {
    let mut app = app();
    type_text(&mut app, "a fox");
    press_with(&mut app, KeyCode::Char('e'), KeyModifiers::CONTROL);
    app.update(Msg::PromptEdited(Err(
        "`nvim` ended with exit status: 1; set $VISUAL or $EDITOR to an editor you have".into(),
    )));
    assert_eq!(app.prompt().text(), "a fox");
    let notice = notice_text(&app);
    assert_shows(
        &notice,
        "The editor did not run: `nvim` ended with exit status: 1",
    );
    assert_shows(&notice, "The prompt is as it was");
}

/// The screen and where the terminal cursor is, as the dashboard draws it.
fn draw(app: &sora_tui::app::App, width: u16, height: u16) -> (String, (u16, u16)) {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    let frame = terminal
        .draw(|frame| ui::render(app, &Theme::dark(), frame))
        .expect("draw");
    let text = frame
        .buffer
        .content
        .chunks(usize::from(width))
        .map(|row| row.iter().map(|c| c.symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n");
    let cursor = terminal.get_cursor_position().expect("cursor");
    (text, (cursor.x, cursor.y))
}

#[test]
fn the_prompt_panel_grows_with_its_lines_and_keeps_the_cursor_line_in_view() {
    let mut app = app();
    let one_line = draw(&app, 80, 24).0;
    for (i, line) in ["first", "second", "third", "fourth"].iter().enumerate() {
        if i > 0 {
            press_with(&mut app, KeyCode::Enter, KeyModifiers::ALT);
        }
        type_text(&mut app, line);
    }
    let (screen, (x, y)) = draw(&app, 80, 24);
    let row_of = |screen: &str, text: &str| screen.lines().position(|l| l.contains(text));
    // At 80x24 the prompt shows three lines: the one with the cursor and the two above it.
    assert_eq!(row_of(&screen, "first"), None, "{screen}");
    for line in ["second", "third", "fourth"] {
        assert!(
            row_of(&screen, line).is_some(),
            "{line} on screen:\n{screen}"
        );
    }
    assert_eq!(
        row_of(&screen, "Jobs"),
        row_of(&one_line, "Jobs").map(|r| r + 2),
        "the jobs panel moved down by the two extra rows"
    );
    assert_eq!(Some(usize::from(y)), row_of(&screen, "fourth"));
    let fourth = screen.lines().nth(usize::from(y)).unwrap_or_default();
    let start = fourth.find("fourth").unwrap_or_default();
    let column = fourth[..start].chars().count() + "fourth".len();
    assert_eq!(
        usize::from(x),
        column,
        "the cursor is after the last letter"
    );

    // A long line wraps instead of running off to the right.
    let mut app = support::app();
    let long =
        "a lighthouse on a cliff in a storm at night, waves breaking high, cinematic, slow push in";
    type_text(&mut app, long);
    let (screen, _) = draw(&app, 80, 24);
    assert!(screen.contains("a lighthouse on a cliff"), "{screen}");
    assert!(
        screen.contains("slow push in"),
        "the end is on screen too:\n{screen}"
    );
}

#[test]
fn the_editing_keys_the_help_lists_work_in_the_prompt() {
    let mut app = app();
    type_text(&mut app, "a red fox");
    let ctrl = |app: &mut sora_tui::app::App, c| {
        press_with(app, KeyCode::Char(c), KeyModifiers::CONTROL);
    };
    ctrl(&mut app, 'w');
    assert_eq!(app.prompt().text(), "a red ", "Ctrl-w deletes a word");
    ctrl(&mut app, 'u');
    assert_eq!(app.prompt().text(), "a red fox", "Ctrl-u undoes it");
    press_with(&mut app, KeyCode::Char('b'), KeyModifiers::ALT);
    press_with(&mut app, KeyCode::Char('b'), KeyModifiers::ALT);
    ctrl(&mut app, 'k');
    assert_eq!(
        app.prompt().text(),
        "a ",
        "Alt-b twice, then Ctrl-k to the end"
    );
}

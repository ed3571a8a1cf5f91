//! The help overlay and key hints, the too-small view, focus and selection without colour, and a
//! long doctor report that scrolls.

use super::*;

/// Every screen of the help overlay, scrolling down a page at a time (bounded).
fn help_pages(app: &mut sora_tui::app::App, w: u16, h: u16) -> Vec<String> {
    let mut pages = vec![render(app, w, h)];
    for _ in 0..40 {
        press(app, KeyCode::PageDown);
        let page = render(app, w, h);
        if pages.last() == Some(&page) {
            break;
        }
        pages.push(page);
    }
    pages
}

#[test]
fn help_overlay_lists_the_keys() {
    let mut app = app();
    press(&mut app, KeyCode::F(1));
    let all = help_pages(&mut app, W, H).join("\n");
    assert!(all.contains("Help"), "{all}");
    for text in [
        "Ctrl-c",
        "quit",
        "Shift-Tab",
        "Alt-s/F2",
        "next size",
        "Alt-d/F3",
        "Alt-v/F4",
        "upload selected job",
        "refresh",
        // Text fields, questions, the History and Doctor pages, the help itself.
        "Text field",
        "Question",
        "History",
        "Doctor",
        "page down",
    ] {
        assert!(all.contains(text), "`{text}` in the help:\n{all}");
    }
    press(&mut app, KeyCode::Esc);
    assert_hides(&render(&app, W, H), "Help —");
}

#[test]
fn help_fits_80x24_scrolls_and_starts_with_the_focused_context() {
    let mut app = app();
    press(&mut app, KeyCode::Tab); // the jobs panel
    press(&mut app, KeyCode::Char('?'));
    let first = render(&app, 80, 24);
    assert!(
        first.contains("lines 1–"),
        "a long help says where it is: {first}"
    );
    let top = first
        .lines()
        .skip_while(|l| !l.contains("Help —"))
        .nth(1)
        .unwrap_or_default()
        .to_string();
    assert!(
        top.contains("Jobs"),
        "the focused panel's keys come first: {top}"
    );
    press(&mut app, KeyCode::Down);
    assert_ne!(render(&app, 80, 24), first, "Down scrolls");
    let pages = help_pages(&mut app, 80, 24);
    // Every key is on one of them, whole: ui_fit::the_help_lists_every_key_of_every_part_whole….
    assert!(pages.len() > 1, "more than one screen at 80x24");

    // The Doctor page has its own keys, and ? opens the help there too.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('D'));
    press(&mut app, KeyCode::Char('?'));
    let screen = render(&app, 80, 24);
    let top = screen
        .lines()
        .skip_while(|l| !l.contains("Help —"))
        .nth(1)
        .unwrap_or_default()
        .to_string();
    assert!(top.contains("Doctor"), "{screen}");
}

#[test]
fn key_hints_follow_the_focused_panel() {
    let mut app = app();
    let screen = render(&app, W, H);
    let last_line = screen.lines().last().unwrap_or_default().to_string();
    assert!(last_line.contains("Enter generate"), "{last_line}");
    for _ in 0..3 {
        press(&mut app, KeyCode::Tab);
    }
    let screen = render(&app, W, H);
    let last_line = screen.lines().last().unwrap_or_default().to_string();
    assert!(last_line.contains("r refresh"), "{last_line}");
    assert!(!last_line.contains("Enter generate"), "{last_line}");
}

#[test]
fn tiny_terminal_gets_the_too_small_view() {
    let mut app = app();
    job_through_all_statuses(&mut app, 1, "fox");
    let screen = render(&app, 40, 10);
    assert_shows(&screen, "Terminal too small");
    assert_shows(&screen, "40x10");
    assert_hides(&screen, "preprocessing");
    assert_hides(&render(&app, W, H), "too small");
}

/// With `NO_COLOR` nothing is coloured, yet the focused panel and the selected row still read:
/// a thick border, and reverse video.
#[test]
fn without_colour_the_focus_and_the_selection_still_read() {
    use ratatui::style::{Color, Modifier};
    let theme = sora_tui::ui::Theme::from_env(|k| (k == "NO_COLOR").then(|| "1".to_string()));
    assert_eq!(theme, sora_tui::ui::Theme::no_color());
    let mut app = app();
    job_through_all_statuses(&mut app, 1, "a red fox");
    job_through_all_statuses(&mut app, 2, "a grey wolf");
    press(&mut app, KeyCode::Tab); // focus: the jobs panel
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(W, H)).expect("terminal");
    terminal
        .draw(|frame| sora_tui::ui::render(&app, &theme, frame))
        .expect("draw");
    let buffer = terminal.backend().buffer().clone();
    let mut thick = 0;
    let mut reversed_text = String::new();
    for cell in buffer.content() {
        assert!(
            matches!(cell.fg, Color::Reset) && matches!(cell.bg, Color::Reset),
            "a coloured cell under NO_COLOR: {cell:?}"
        );
        if cell.symbol() == "┏" {
            thick += 1;
        }
        if cell.modifier.contains(Modifier::REVERSED) {
            reversed_text.push_str(cell.symbol());
        }
    }
    assert_eq!(thick, 1, "exactly the focused panel has a thick border");
    assert!(
        reversed_text.contains("a grey wolf") || reversed_text.contains("a red fox"),
        "the selected job is in reverse video: {reversed_text:?}"
    );
}

#[test]
fn a_doctor_report_longer_than_the_page_scrolls() {
    use sora_core::doctor::report::{Report, SettingLine};
    let mut app = app();
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('D'));
    let settings = (0..40)
        .map(|i| SettingLine {
            key: format!("setting.{i:02}"),
            value: "v".into(),
            source: "built-in default".into(),
        })
        .collect();
    feed(
        &mut app,
        EngineEvent::Doctor(Report {
            settings,
            checks: vec![],
        }),
    );
    let first = render(&app, 80, 24);
    assert!(first.contains("setting.00"), "{first}");
    assert!(!first.contains("setting.39"), "{first}");
    for _ in 0..60 {
        press(&mut app, KeyCode::Down);
    }
    let end = render(&app, 80, 24);
    assert!(
        end.contains("setting.39"),
        "the last line can be reached: {end}"
    );
    assert!(!end.contains("setting.00"), "{end}");
}

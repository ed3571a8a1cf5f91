//! The runtime loop driven headless: a scripted key stream, a TestBackend, engine events on the
//! real channel, and a dispatcher that records commands.

use crate::ui_support as support;

use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use futures_util::{StreamExt, stream};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sora_core::engine::{Command, EngineEvent};
use sora_tui::app::{App, Effect};
use sora_tui::tui::drive;
use sora_tui::ui::Theme;
use support::{bucket, settings};

fn key(code: KeyCode) -> std::io::Result<Event> {
    Ok(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn screen(terminal: &Terminal<TestBackend>) -> String {
    let buffer = terminal.backend().buffer();
    buffer.content().iter().map(|cell| cell.symbol()).collect()
}

#[tokio::test]
async fn loop_dispatches_commands_draws_asks_on_q_and_quits_on_ctrl_c() {
    let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
    sender
        .send(EngineEvent::BucketsListed(Ok(vec![bucket("videos", true)])))
        .expect("send");
    let keys = [
        key(KeyCode::Char('h')),
        key(KeyCode::Char('i')),
        key(KeyCode::Enter),
        key(KeyCode::Esc),
        // A job is running: `q` asks, Ctrl-C quits without asking.
        key(KeyCode::Char('q')),
        Ok(Event::Key(KeyEvent::new(
            KeyCode::Char('c'),
            KeyModifiers::CONTROL,
        ))),
    ];
    // The input never ends by itself: only a quit can stop the loop.
    let input = stream::iter(keys).chain(stream::pending());
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let mut commands = Vec::new();
    let theme = Theme::default();
    let run = drive(
        &mut terminal,
        input,
        receiver,
        App::new(settings()),
        &theme,
        |command| commands.push(command),
    );
    tokio::time::timeout(Duration::from_secs(5), run)
        .await
        .expect("Ctrl-C ends the loop")
        .expect("no error");

    assert_eq!(
        commands.first(),
        Some(&Effect::Engine(Command::ListBuckets)),
        "{commands:?}"
    );
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Effect::Engine(Command::Generate { request, .. }) if request.prompt == "hi")),
        "{commands:?}"
    );
    assert!(
        support::without_generation(commands.clone()).contains(&Effect::Engine(
            Command::ListObjects {
                bucket: "videos".to_string(),
                query: support::first_page(),
                prefix: String::new(),
            }
        )),
        "{commands:?}"
    );
    let shown = screen(&terminal);
    assert!(shown.contains("\"hi\""), "the submitted job was drawn");
    assert!(
        shown.contains("Quit with 1 job(s) running?"),
        "q asked first: {shown}"
    );
    assert!(
        shown.contains("videos public"),
        "the engine event was drawn"
    );
}

#[tokio::test]
async fn loop_ends_when_input_ends_even_with_the_engine_silent() {
    let (_sender, receiver) = tokio::sync::mpsc::unbounded_channel();
    let mut terminal = Terminal::new(TestBackend::new(40, 10)).expect("terminal");
    let theme = Theme::default();
    let run = drive(
        &mut terminal,
        stream::empty(),
        receiver,
        App::new(settings()),
        &theme,
        |_| {},
    );
    tokio::time::timeout(Duration::from_secs(5), run)
        .await
        .expect("ends")
        .expect("no error");
    assert!(screen(&terminal).contains("Terminal too small"));
}

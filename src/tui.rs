//! The dashboard's runtime: terminal in, engine events in, commands out, frames drawn.
//!
//! The loop sleeps in `select!` until a key, an engine event or (only while something on screen
//! moves) an animation tick arrives. It then drains whatever else is already queued, updates the
//! state, and draws at most once. An idle dashboard uses no CPU.

use std::time::{Duration, SystemTime};

use crossterm::event::{Event, EventStream, KeyEventKind};
use futures_util::StreamExt;
use ratatui::DefaultTerminal;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::MissedTickBehavior;

use crate::app::{App, AppSettings, Msg};
use crate::engine::{Engine, EngineEvent};
use crate::ui::{self, Theme};

/// Spinners and countdowns move four times a second; nothing else needs a clock.
const ANIMATION_PERIOD: Duration = Duration::from_millis(250);

/// Run the dashboard until the user quits. The terminal is restored on every way out (also when
/// this returns an error; a panic is covered by the hook `ratatui::try_init` installs).
pub async fn run(
    engine: Engine,
    events: UnboundedReceiver<EngineEvent>,
    settings: AppSettings,
) -> anyhow::Result<()> {
    let terminal = match ratatui::try_init() {
        Ok(terminal) => terminal,
        Err(error) => {
            // Raw mode may already be on when entering the alternate screen failed.
            ratatui::restore();
            return Err(anyhow::Error::new(error).context("cannot set up the terminal"));
        }
    };
    let result = event_loop(
        terminal,
        &engine,
        events,
        App::new(settings),
        Theme::default(),
    )
    .await;
    engine.shutdown();
    ratatui::restore();
    result
}

async fn event_loop(
    mut terminal: DefaultTerminal,
    engine: &Engine,
    mut events: UnboundedReceiver<EngineEvent>,
    mut app: App,
    theme: Theme,
) -> anyhow::Result<()> {
    let mut input = EventStream::new();
    let mut tick = tokio::time::interval(ANIMATION_PERIOD);
    tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut engine_open = true;

    app.update(Msg::Clock(SystemTime::now()));
    for command in app.init() {
        engine.dispatch(command);
    }
    let mut dirty = true;

    loop {
        if dirty {
            terminal.draw(|frame| ui::render(&app, &theme, frame))?;
            dirty = false;
        }
        if app.should_quit() {
            return Ok(());
        }
        let animating = app.is_animating();
        let msg = tokio::select! {
            terminal_event = input.next() => match terminal_event {
                Some(Ok(event)) => terminal_msg(event),
                Some(Err(error)) => return Err(anyhow::Error::new(error).context("reading the terminal")),
                None => return Ok(()),
            },
            engine_event = events.recv(), if engine_open => match engine_event {
                Some(event) => Some(Msg::Engine(event)),
                None => {
                    // The engine is gone; keep the screen so the user can read it and quit.
                    engine_open = false;
                    None
                }
            },
            _ = tick.tick(), if animating => {
                // The clock message below is the whole point of the tick.
                dirty = true;
                None
            }
        };

        app.update(Msg::Clock(SystemTime::now()));
        if let Some(msg) = msg {
            dirty = true;
            dispatch_all(engine, app.update(msg));
        }
        // Apply everything already queued before drawing once: a burst of events costs one frame.
        while let Ok(event) = events.try_recv() {
            dirty = true;
            dispatch_all(engine, app.update(Msg::Engine(event)));
        }
    }
}

fn dispatch_all(engine: &Engine, commands: Vec<crate::engine::Command>) {
    for command in commands {
        engine.dispatch(command);
    }
}

/// The terminal events the dashboard reacts to; focus changes and mouse moves are dropped
/// (returning `None` then costs no redraw).
fn terminal_msg(event: Event) -> Option<Msg> {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => Some(Msg::Key(key)),
        Event::Paste(text) => Some(Msg::Paste(text)),
        Event::Resize(width, height) => Some(Msg::Resize { width, height }),
        _ => None,
    }
}

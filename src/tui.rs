//! The dashboard's runtime: terminal in, engine events in, commands out, frames drawn.
//!
//! The loop sleeps in `select!` until a key, an engine event or (only while something on screen
//! moves) an animation tick arrives. It then drains whatever else is already queued, updates the
//! state, and draws at most once. An idle dashboard uses no CPU.

use std::time::{Duration, SystemTime};

use crossterm::event::{Event, EventStream, KeyEventKind};
use futures_util::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::MissedTickBehavior;

use crate::app::{App, AppSettings, Msg};
use crate::ui::{self, Theme};
use sora_core::engine::{Command, Engine, EngineEvent};

/// Spinners and countdowns move four times a second; nothing else needs a clock.
const ANIMATION_PERIOD: Duration = Duration::from_millis(250);

/// Run the dashboard until the user quits. The terminal is restored on every way out (also when
/// this returns an error; a panic is covered by the hook `ratatui::try_init` installs).
pub async fn run(
    engine: Engine,
    events: UnboundedReceiver<EngineEvent>,
    settings: AppSettings,
) -> anyhow::Result<()> {
    let mut terminal = match ratatui::try_init() {
        Ok(terminal) => terminal,
        Err(error) => {
            // Raw mode may already be on when entering the alternate screen failed.
            ratatui::restore();
            return Err(anyhow::Error::new(error).context("cannot set up the terminal"));
        }
    };
    // The clipboard is the terminal's (OSC 52); everything else is the engine's.
    let dispatch = |command| match command {
        Command::CopyToClipboard(text) => copy_to_clipboard(&text),
        other => engine.dispatch(other),
    };
    let result = drive(
        &mut terminal,
        EventStream::new(),
        events,
        App::new(settings),
        &Theme::default(),
        dispatch,
    )
    .await;
    engine.shutdown();
    ratatui::restore();
    result
}

/// Ask the terminal to put `text` on the clipboard (OSC 52). Terminals without OSC 52 ignore it;
/// the text is on screen as well.
fn copy_to_clipboard(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(sora_core::base64::osc52(text).as_bytes());
    let _ = out.flush();
}

/// The loop behind [`run`], over any backend and input stream, so it can be driven headless
/// (TestBackend and a scripted key stream). Returns when the app quits or input ends; `dispatch`
/// receives every command `update` produces, the initial ones first.
pub async fn drive<B, I>(
    terminal: &mut Terminal<B>,
    mut input: I,
    mut events: UnboundedReceiver<EngineEvent>,
    mut app: App,
    theme: &Theme,
    mut dispatch: impl FnMut(Command),
) -> anyhow::Result<()>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
    I: Stream<Item = std::io::Result<Event>> + Unpin,
{
    let mut tick = tokio::time::interval(ANIMATION_PERIOD);
    tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut engine_open = true;

    app.update(Msg::Clock(SystemTime::now()));
    app.init().into_iter().for_each(&mut dispatch);
    let mut dirty = true;

    loop {
        if dirty {
            terminal
                .draw(|frame| ui::render(&app, theme, frame))
                .map_err(|error| anyhow::Error::new(error).context("drawing"))?;
            dirty = false;
        }
        if app.should_quit() {
            return Ok(());
        }
        let animating = app.is_animating();
        let msg = tokio::select! {
            terminal_event = input.next() => match terminal_event {
                Some(Ok(event)) => terminal_msg(event),
                Some(Err(error)) => {
                    return Err(anyhow::Error::new(error).context("reading the terminal"));
                }
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
                // Only the clock moved; the Clock update below is the whole point.
                dirty = true;
                None
            }
        };

        app.update(Msg::Clock(SystemTime::now()));
        if let Some(msg) = msg {
            dirty = true;
            app.update(msg).into_iter().for_each(&mut dispatch);
        }
        // Apply everything already queued before drawing once: a burst of events costs one frame.
        while let Ok(event) = events.try_recv() {
            dirty = true;
            app.update(Msg::Engine(event))
                .into_iter()
                .for_each(&mut dispatch);
        }
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

//! The dashboard's runtime: terminal in, engine events in, effects out, frames drawn.
//!
//! The loop sleeps in `select!` until a key, an engine event or (only while something on screen
//! moves) an animation tick arrives. It then drains whatever else is already queued, updates the
//! state, and draws at most once. An idle dashboard uses no CPU.

use std::time::{Duration, SystemTime};

use anyhow::Context;
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event,
    KeyEventKind, MouseButton, MouseEventKind, PopKeyboardEnhancementFlags,
};
use futures_util::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::MissedTickBehavior;

use crate::app::{App, AppSettings, Effect, Msg, ScrollLimits};
use crate::console::{Console, Scripted, TerminalConsole};
use crate::signals::{Signal, Signals};
use crate::ui::{self, Theme};
use sora_core::engine::{Engine, EngineEvent};

/// Spinners and countdowns move four times a second; nothing else needs a clock.
const ANIMATION_PERIOD: Duration = Duration::from_millis(250);

/// Run the dashboard until the user quits (`Ok(None)`) or a signal ends it (`Ok(Some(signal))`:
/// the caller exits with its code). The terminal is restored on every way out: quitting, an
/// error, SIGINT/SIGTERM/SIGHUP/SIGQUIT, and a panic (the hook `ratatui::try_init` installs,
/// wrapped to turn bracketed paste off too).
pub async fn run(
    engine: Engine,
    events: UnboundedReceiver<EngineEvent>,
    mut settings: AppSettings,
    theme: Theme,
) -> anyhow::Result<Option<Signal>> {
    // Listening before the terminal changes: a signal from now on ends the loop, not the process.
    let mut signals = Signals::listen().context("cannot listen for SIGTERM and SIGHUP")?;
    let mut terminal = match ratatui::try_init() {
        Ok(terminal) => terminal,
        Err(error) => {
            // Raw mode may already be on when entering the alternate screen failed.
            restore_terminal();
            return Err(anyhow::Error::new(error).context("cannot set up the terminal"));
        }
    };
    let ratatui_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = crossterm::execute!(
            std::io::stdout(),
            PopKeyboardEnhancementFlags,
            DisableBracketedPaste,
            DisableMouseCapture
        );
        ratatui_hook(info);
    }));
    // Asked once, in raw mode and before anything reads terminal input: which pictures the
    // terminal draws (a short, bounded query; no answer means half-blocks).
    let graphics = crate::graphics::detect(settings.images);
    settings.thumbnails = Some(graphics.description);
    let picker = graphics.picker;
    // A terminal that does not know a part of the query may print it as text; the first frame
    // draws only what differs from a blank screen, so the screen is made blank again first.
    let _ = crossterm::execute!(
        std::io::stdout(),
        crossterm::terminal::Clear(crossterm::terminal::ClearType::All)
    );
    // A paste arrives as one event, its newlines as text: without this, every pasted line
    // would be an Enter, and every Enter a paid job. Terminals that cannot do it ignore it.
    let _ = crossterm::execute!(std::io::stdout(), EnableBracketedPaste);
    crate::console::push_keyboard_protocol();
    if settings.mouse {
        set_mouse(true);
    }
    // The clipboard is the terminal's (OSC 52); commands are the engine's; what the runtime
    // works out off the UI thread (a decoded thumbnail) comes back as a message.
    let (reply, replies) = tokio::sync::mpsc::unbounded_channel();
    let dispatch = |effect| match effect {
        Effect::Clipboard(text) => copy_to_clipboard(&text),
        Effect::Notify { bell, osc9 } => {
            write_to_terminal(&crate::effects::notification_bytes(bell, osc9.as_deref()));
        }
        Effect::Mouse(on) => set_mouse(on),
        Effect::Engine(command) => engine.dispatch(command),
        // A player runs as long as it likes: on its own thread, its failure a warning.
        Effect::Open { path, command } => crate::opener::spawn(path, command, reply.clone()),
        // Carried out by `drive`, which hands the result back to the app.
        Effect::SaveMessages { .. } | Effect::EditPrompt(_) => {}
        Effect::LoadPreview { job, path } => {
            if let Some(picker) = &picker {
                load_preview(job, path, picker.clone(), reply.clone());
            }
        }
    };
    let result = tokio::select! {
        result = drive_with_replies(
            &mut terminal,
            TerminalConsole::default(),
            events,
            replies,
            App::new(settings),
            &theme,
            dispatch,
        ) => result.map(|()| None),
        signal = signals.recv() => Ok(Some(signal)),
    };
    engine.shutdown();
    restore_terminal();
    result
}

/// Put the terminal back as the dashboard found it: bracketed paste off, raw mode off, the
/// main screen, the cursor shown. Errors are ignored: the terminal may be gone (SIGHUP).
fn restore_terminal() {
    let _ = crossterm::execute!(
        std::io::stdout(),
        PopKeyboardEnhancementFlags,
        DisableBracketedPaste,
        DisableMouseCapture
    );
    ratatui::restore();
}

/// Decode a thumbnail on a blocking thread, as `picker` draws pictures; a file that cannot be
/// shown costs only its preview.
fn load_preview(
    job: sora_core::engine::JobKey,
    path: std::path::PathBuf,
    picker: ratatui_image::picker::Picker,
    reply: tokio::sync::mpsc::UnboundedSender<Msg>,
) {
    tokio::task::spawn_blocking(move || match crate::preview::decode_with(&path, &picker) {
        Ok(preview) => {
            let _ = reply.send(Msg::Preview { job, preview });
        }
        Err(reason) => tracing::warn!("no preview for {job}: {reason}"),
    });
}

/// Take the mouse from the terminal, or give it back (so its text selection works again).
fn set_mouse(on: bool) {
    let _ = if on {
        crossterm::execute!(std::io::stdout(), EnableMouseCapture)
    } else {
        crossterm::execute!(std::io::stdout(), DisableMouseCapture)
    };
}

/// Ask the terminal to put `text` on the clipboard (OSC 52). Terminals without OSC 52 ignore it;
/// the text is on screen as well.
fn copy_to_clipboard(text: &str) {
    write_to_terminal(&osc52(text));
}

/// Bytes for the terminal itself (an OSC sequence, the bell), between two frames.
fn write_to_terminal(bytes: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(bytes.as_bytes());
    let _ = out.flush();
}

/// The OSC 52 escape that asks the terminal to put `text` on the system clipboard.
fn osc52(text: &str) -> String {
    use base64::Engine as _;
    format!(
        "\x1b]52;c;{}\x07",
        base64::engine::general_purpose::STANDARD.encode(text)
    )
}

/// The loop behind [`run`], over any backend and input stream, so it can be driven headless
/// (TestBackend and a scripted key stream). Returns when the app quits or input ends; `dispatch`
/// receives every effect `update` produces, the initial ones first.
pub async fn drive<B, I>(
    terminal: &mut Terminal<B>,
    input: I,
    events: UnboundedReceiver<EngineEvent>,
    app: App,
    theme: &Theme,
    dispatch: impl FnMut(Effect),
) -> anyhow::Result<()>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
    I: Stream<Item = std::io::Result<Event>> + Unpin,
{
    let (_no_replies, replies) = tokio::sync::mpsc::unbounded_channel();
    drive_with_replies(
        terminal,
        Scripted(input),
        events,
        replies,
        app,
        theme,
        dispatch,
    )
    .await
}

/// [`drive`], with the messages the runtime's own work sends back (decoded thumbnails), over a
/// console that can lend the terminal to the prompt's editor.
pub async fn drive_with_replies<B, I>(
    terminal: &mut Terminal<B>,
    mut input: I,
    mut events: UnboundedReceiver<EngineEvent>,
    mut replies: UnboundedReceiver<Msg>,
    mut app: App,
    theme: &Theme,
    mut dispatch: impl FnMut(Effect),
) -> anyhow::Result<()>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
    I: Console,
{
    let mut tick = tokio::time::interval(ANIMATION_PERIOD);
    tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut engine_open = true;

    app.update(Msg::Clock(SystemTime::now()));
    if let Ok(size) = terminal.size() {
        app.update(Msg::Resize {
            width: size.width,
            height: size.height,
        });
    }
    let effects = app.init();
    run_effects(&mut app, effects, &mut dispatch, terminal, &mut input)?;
    let mut dirty = true;

    loop {
        if dirty {
            let mut limits = ScrollLimits::default();
            terminal
                .draw(|frame| limits = ui::render_measured(&app, theme, frame))
                .map_err(|error| anyhow::Error::new(error).context("drawing"))?;
            dirty = false;
            // What the frame could scroll to: nothing new to draw, the state only keeps within.
            app.update(Msg::Drawn(limits));
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
            Some(reply) = replies.recv() => Some(reply),
            _ = tick.tick(), if animating => {
                // Only the clock moved; the Clock update below is the whole point.
                dirty = true;
                None
            }
        };

        app.update(Msg::Clock(SystemTime::now()));
        if let Some(msg) = msg {
            dirty = true;
            let effects = app.update(msg);
            run_effects(&mut app, effects, &mut dispatch, terminal, &mut input)?;
        }
        // Apply everything already queued before drawing once: a burst of events costs one frame.
        while let Ok(event) = events.try_recv() {
            dirty = true;
            let effects = app.update(Msg::Engine(event));
            run_effects(&mut app, effects, &mut dispatch, terminal, &mut input)?;
        }
    }
}

/// Every effect to `dispatch`, except two the loop carries out itself and answers with a
/// message: the message log's file (small and local, written between two frames), and the
/// prompt's editor, which has the terminal (and the loop waits) until it exits.
fn run_effects<B, I>(
    app: &mut App,
    effects: Vec<Effect>,
    dispatch: &mut impl FnMut(Effect),
    terminal: &mut Terminal<B>,
    input: &mut I,
) -> anyhow::Result<()>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
    I: Console,
{
    for effect in effects {
        let answer = match effect {
            Effect::SaveMessages { path, text } => Msg::MessagesSaved(
                crate::effects::save_new(&path, &text).map_err(|e| e.to_string()),
            ),
            Effect::EditPrompt(text) => {
                let edited = input.edit(&text);
                // The editor drew over everything: the screen is cleared and the next frame
                // drawn whole. (`Terminal::clear` would ask the terminal where its cursor is,
                // a question some terminals never answer.)
                terminal
                    .backend_mut()
                    .clear()
                    .map_err(|error| anyhow::Error::new(error).context("drawing"))?;
                terminal.swap_buffers();
                dispatch(Effect::Mouse(app.mouse()));
                Msg::PromptEdited(edited)
            }
            other => {
                dispatch(other);
                continue;
            }
        };
        app.update(answer).into_iter().for_each(&mut *dispatch);
    }
    Ok(())
}

/// The terminal events the dashboard reacts to; focus changes and mouse moves are dropped
/// (returning `None` then costs no redraw).
fn terminal_msg(event: Event) -> Option<Msg> {
    match event {
        Event::Mouse(mouse)
            if matches!(
                mouse.kind,
                MouseEventKind::Down(MouseButton::Left)
                    | MouseEventKind::ScrollUp
                    | MouseEventKind::ScrollDown
            ) =>
        {
            Some(Msg::Mouse(mouse))
        }
        Event::Key(key) if key.kind != KeyEventKind::Release => Some(Msg::Key(key)),
        Event::Paste(text) => Some(Msg::Paste(text)),
        Event::Resize(width, height) => Some(Msg::Resize { width, height }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::osc52;

    #[test]
    fn osc52_wraps_the_base64_text() {
        assert_eq!(osc52("hi"), "\x1b]52;c;aGk=\x07");
    }
}

//! Which pictures the terminal can draw, asked once at start-up: kitty graphics, sixel, iTerm2
//! inline images, or half-blocks (any terminal with colour). The answer is a [`Picker`] the
//! thumbnail decoding uses (`crate::preview`), and a line for the message log.
//!
//! The question is ratatui-image's own (`cap_parser`: the kitty query, DA1 for sixel, the cell
//! size in pixels, then a status report every terminal answers), wrapped for tmux passthrough
//! as it does. The reading is ours: `Picker::from_query_stdio` leaves a thread blocked on stdin
//! when a terminal never answers, and that thread would then take the user's keys from the
//! dashboard. Here the answer is read on the calling thread, with `poll`, until the status
//! report or [`QUERY_TIMEOUT`], and nothing reads stdin afterwards but the dashboard.

use std::time::Duration;

use ratatui_image::FontSize;
use ratatui_image::picker::cap_parser::{Parser, QueryStdioOptions, Response};
use ratatui_image::picker::{Picker, ProtocolType};
use sora_core::config::Images;

/// A local terminal answers in a few milliseconds; one that has not answered in this time is
/// taken to have no graphics (half-blocks), and the dashboard starts.
pub const QUERY_TIMEOUT: Duration = Duration::from_millis(1000);

/// At most this much is read while waiting for the answer (it is a few dozen bytes).
const MAX_ANSWER_BYTES: usize = 4096;

/// What the dashboard draws thumbnails with, and how that was decided (for the message log).
#[derive(Clone, Debug)]
pub struct Graphics {
    /// None: no thumbnails (`[ui] images = "off"`).
    pub picker: Option<Picker>,
    pub description: String,
}

/// What the terminal said about itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Answer {
    pub kitty: bool,
    pub sixel: bool,
    /// One cell in pixels (width, height), when the terminal said.
    pub cell: Option<(u16, u16)>,
}

/// Why there is no answer.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error("stdin or stdout is not a terminal")]
    NotATerminal,
    #[error("the terminal did not answer within {} ms", QUERY_TIMEOUT.as_millis())]
    NoAnswer,
    #[error("cannot talk to the terminal: {0}")]
    Io(#[from] std::io::Error),
}

/// Decide for `mode`, asking the terminal when the mode needs it (`auto`, and a forced
/// protocol, which still needs the cell size). Call it after the terminal is in raw mode and
/// before anything reads terminal events. Never fails: without an answer, half-blocks (or the
/// forced protocol at a guessed cell size), and the reason goes to the log file.
pub fn detect(mode: Images) -> Graphics {
    match mode {
        Images::Off => Graphics {
            picker: None,
            description: "off ([ui] images = \"off\")".into(),
        },
        Images::Halfblocks => Graphics {
            picker: Some(Picker::halfblocks()),
            description: "half-blocks ([ui] images = \"halfblocks\")".into(),
        },
        Images::Auto | Images::Kitty | Images::Sixel | Images::Iterm2 => {
            // Before the question: in tmux this turns passthrough on, which the question needs.
            let hints = env_picker(None);
            let answer = match query(hints.tmux_detected()) {
                Ok(answer) => {
                    tracing::info!("terminal graphics query: {answer:?}");
                    Some(answer)
                }
                Err(error) => {
                    tracing::info!("terminal graphics query: {error}; thumbnails in half-blocks");
                    None
                }
            };
            choose(mode, answer, &hints)
        }
    }
}

/// The picker for `mode` given the terminal's `answer` (None: it gave none) and `hints`, the
/// picker the environment alone suggests (tmux, iTerm2-like `TERM_PROGRAM`).
pub fn choose(mode: Images, answer: Option<Answer>, hints: &Picker) -> Graphics {
    let answer_cell = answer.and_then(|a| a.cell);
    let cell = answer_cell.or_else(cell_from_window_size);
    let forced = match mode {
        Images::Kitty => Some(ProtocolType::Kitty),
        Images::Sixel => Some(ProtocolType::Sixel),
        Images::Iterm2 => Some(ProtocolType::Iterm2),
        _ => None,
    };
    let (protocol, reason) = match (forced, answer) {
        (Some(forced), _) => (forced, "[ui] images"),
        (None, None) => (ProtocolType::Halfblocks, "the terminal did not answer"),
        (None, Some(_)) if cell.is_none() => (
            ProtocolType::Halfblocks,
            "the terminal did not say its cell size",
        ),
        (None, Some(a)) if a.kitty => (ProtocolType::Kitty, "the terminal answered"),
        (None, Some(a)) if a.sixel => (ProtocolType::Sixel, "the terminal answered"),
        (None, Some(_)) if hints.protocol_type() != ProtocolType::Halfblocks => {
            (hints.protocol_type(), "TERM_PROGRAM")
        }
        (None, Some(_)) => (
            ProtocolType::Halfblocks,
            "the terminal has no graphics protocol",
        ),
    };
    let mut picker = match cell {
        Some(cell) if protocol != ProtocolType::Halfblocks => env_picker(Some(cell)),
        _ => hints.clone(),
    };
    picker.set_protocol_type(protocol);
    let mut description = format!("{} ({reason}", protocol_label(protocol));
    if protocol != ProtocolType::Halfblocks && cell.is_none() {
        description.push_str("; cell size unknown, pictures may be the wrong size");
    }
    if picker.tmux_detected() && protocol != ProtocolType::Halfblocks {
        description.push_str("; through tmux passthrough");
    }
    description.push(')');
    tracing::info!("thumbnails: {description}");
    Graphics {
        picker: Some(picker),
        description,
    }
}

pub fn protocol_label(protocol: ProtocolType) -> &'static str {
    match protocol {
        ProtocolType::Kitty => "kitty graphics",
        ProtocolType::Sixel => "sixel graphics",
        ProtocolType::Iterm2 => "iTerm2 inline images",
        ProtocolType::Halfblocks => "half-blocks",
    }
}

/// A picker from the environment (tmux, iTerm2 hints) at `cell` pixels a cell (a common
/// 10x20 guess without one). `Picker::from_fontsize` is deprecated in favour of the stdio
/// query, which cannot be bounded here (see the module's note); it is the only way to give a
/// picker the cell size our own reading found.
pub fn env_picker(cell: Option<(u16, u16)>) -> Picker {
    let (width, height) = cell.unwrap_or((10, 20));
    #[allow(deprecated)]
    Picker::from_fontsize(FontSize::new(width, height))
}

/// The cell size from the window's size in pixels (TIOCGWINSZ), when the terminal fills it in.
fn cell_from_window_size() -> Option<(u16, u16)> {
    let size = crossterm::terminal::window_size().ok()?;
    if size.width == 0 || size.height == 0 || size.columns == 0 || size.rows == 0 {
        return None;
    }
    Some((size.width / size.columns, size.height / size.rows))
}

/// The answer in `bytes`, once it is complete (the status report came); None before.
pub fn parse_answer(bytes: &[u8]) -> Option<Answer> {
    let mut parser = Parser::new();
    let mut answer = Answer::default();
    for byte in bytes {
        for response in parser.push(char::from(*byte)) {
            match response {
                Response::Kitty => answer.kitty = true,
                Response::Sixel => answer.sixel = true,
                Response::CellSize(cell) => answer.cell = cell.or(answer.cell),
                Response::Status => return Some(answer),
                _ => {}
            }
        }
    }
    None
}

/// The question, for tmux wrapped in passthrough. WezTerm and Konsole are not asked for kitty
/// or sixel (ratatui-image's own judgement: their kitty placeholders and Konsole's sixels are
/// broken); their `TERM_PROGRAM` hint then picks iTerm2 images.
pub fn question(is_tmux: bool) -> String {
    let set = |name: &str| std::env::var(name).is_ok_and(|v| !v.is_empty());
    let mut options = QueryStdioOptions {
        timeout: QUERY_TIMEOUT,
        ..QueryStdioOptions::default()
    };
    if set("WEZTERM_EXECUTABLE") || set("KONSOLE_VERSION") {
        options.blacklist_protocols = vec![ProtocolType::Kitty, ProtocolType::Sixel];
    }
    Parser::query(is_tmux, options)
}

/// Ask the terminal on stdout, read its answer from stdin (already in raw mode).
#[cfg(unix)]
fn query(is_tmux: bool) -> Result<Answer, QueryError> {
    use std::io::{IsTerminal, Write};
    use std::os::fd::AsRawFd;
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Err(QueryError::NotATerminal);
    }
    let mut out = std::io::stdout().lock();
    out.write_all(question(is_tmux).as_bytes())?;
    out.flush()?;
    drop(out);
    let fd = std::io::stdin().as_raw_fd();
    let deadline = std::time::Instant::now() + QUERY_TIMEOUT;
    let mut bytes = Vec::new();
    while bytes.len() < MAX_ANSWER_BYTES {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            break;
        }
        let mut poll = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        let millis = libc::c_int::try_from(left.as_millis().max(1)).unwrap_or(libc::c_int::MAX);
        // SAFETY: one valid pollfd for the open stdin descriptor, for the duration of the call.
        let ready = unsafe { libc::poll(&mut poll, 1, millis) };
        if ready < 0 {
            let error = std::io::Error::last_os_error();
            if error.kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return Err(error.into());
        }
        if ready == 0 {
            break;
        }
        let mut buf = [0u8; 256];
        // SAFETY: reads at most buf.len() bytes into the live local buffer; poll said stdin
        // has data, so this does not block.
        let read = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        let Ok(read) = usize::try_from(read) else {
            return Err(std::io::Error::last_os_error().into());
        };
        if read == 0 {
            break;
        }
        bytes.extend_from_slice(&buf[..read]);
        if let Some(answer) = parse_answer(&bytes) {
            return Ok(answer);
        }
    }
    Err(QueryError::NoAnswer)
}

#[cfg(not(unix))]
fn query(_is_tmux: bool) -> Result<Answer, QueryError> {
    Err(QueryError::NotATerminal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_tmux_the_question_goes_through_passthrough_and_outside_it_does_not() {
        let plain = question(false);
        assert!(!plain.contains("\x1bPtmux;"), "{plain:?}");
        assert!(
            plain.contains("\x1b[c") || plain.contains("\x1b[5n"),
            "{plain:?}"
        );
        let wrapped = question(true);
        // tmux hands on what is inside `ESC P tmux; … ESC \` with every ESC doubled.
        assert!(wrapped.starts_with("\x1bPtmux;"), "{wrapped:?}");
        assert!(wrapped.contains("\x1b\x1b"), "{wrapped:?}");
    }

    #[test]
    fn kittys_answer_is_read_to_the_status_report() {
        let kitty = b"\x1b_Gi=31;OK\x1b\\\x1b[?62;22c\x1b[6;20;10t\x1b[0n";
        assert_eq!(
            parse_answer(kitty),
            Some(Answer {
                kitty: true,
                sixel: false,
                cell: Some((10, 20)),
            })
        );
        // Not complete before the status report.
        assert_eq!(parse_answer(&kitty[..kitty.len() - 4]), None);
        let xterm_with_sixel = b"\x1b[?63;4;22c\x1b[6;16;8t\x1b[0n";
        let answer = parse_answer(xterm_with_sixel).expect("complete");
        assert!(answer.sixel && !answer.kitty);
    }

    #[test]
    fn a_plain_terminal_and_no_answer_mean_half_blocks() {
        let hints = Picker::halfblocks();
        let plain = parse_answer(b"\x1b[?62;22c\x1b[0n");
        for answer in [plain, None] {
            let graphics = choose(Images::Auto, answer, &hints);
            let picker = graphics.picker.expect("a picker");
            assert_eq!(picker.protocol_type(), ProtocolType::Halfblocks);
            assert!(
                graphics.description.starts_with("half-blocks"),
                "{}",
                graphics.description
            );
        }
    }

    #[test]
    fn kitty_wins_over_sixel_and_a_forced_mode_wins_over_the_answer() {
        let hints = Picker::halfblocks();
        let both = Some(Answer {
            kitty: true,
            sixel: true,
            cell: Some((9, 18)),
        });
        let graphics = choose(Images::Auto, both, &hints);
        let picker = graphics.picker.expect("picker");
        assert_eq!(picker.protocol_type(), ProtocolType::Kitty);
        assert_eq!(
            (picker.font_size().width, picker.font_size().height),
            (9, 18)
        );
        assert!(graphics.description.starts_with("kitty graphics"));
        let forced = choose(Images::Sixel, None, &hints);
        assert_eq!(
            forced.picker.expect("picker").protocol_type(),
            ProtocolType::Sixel
        );
        assert!(detect(Images::Off).picker.is_none());
    }
}

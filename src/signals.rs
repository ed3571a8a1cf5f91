//! The signals that end a run: SIGINT, SIGTERM, SIGHUP and SIGQUIT. Listening for them (instead
//! of dying of them) lets the dashboard restore the terminal and the demo remove its files; the
//! process then exits with 128 + the signal's number, as shells report a death by signal.

/// A signal that asks the process to end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// SIGINT: Ctrl-C where the terminal is not in raw mode, or `kill -INT`.
    Interrupt,
    /// SIGTERM: `kill`, a service manager, a closing session.
    Terminate,
    /// SIGHUP: the terminal went away.
    Hangup,
    /// SIGQUIT: Ctrl-\ or `kill -QUIT`.
    Quit,
}

impl Signal {
    /// The POSIX number (the same on Linux and macOS for these four).
    pub fn number(self) -> u8 {
        match self {
            Signal::Hangup => 1,
            Signal::Interrupt => 2,
            Signal::Quit => 3,
            Signal::Terminate => 15,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Signal::Interrupt => "SIGINT",
            Signal::Terminate => "SIGTERM",
            Signal::Hangup => "SIGHUP",
            Signal::Quit => "SIGQUIT",
        }
    }

    /// The exit status a shell expects after this signal: 128 + its number (SIGINT: 130).
    pub fn exit_code(self) -> u8 {
        128 + self.number()
    }
}

/// Listens for all four from the moment it is made (a signal before the first `recv` waits).
pub struct Signals {
    #[cfg(unix)]
    streams: [(Signal, tokio::signal::unix::Signal); 4],
}

impl Signals {
    /// Start listening. Needs a Tokio runtime. From now on these signals no longer end the
    /// process by themselves: whoever holds this must end it.
    pub fn listen() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                streams: [
                    (Signal::Interrupt, signal(SignalKind::interrupt())?),
                    (Signal::Terminate, signal(SignalKind::terminate())?),
                    (Signal::Hangup, signal(SignalKind::hangup())?),
                    (Signal::Quit, signal(SignalKind::quit())?),
                ],
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Self {})
        }
    }

    /// The next signal.
    pub async fn recv(&mut self) -> Signal {
        #[cfg(unix)]
        {
            let [(a, sa), (b, sb), (c, sc), (d, sd)] = &mut self.streams;
            tokio::select! {
                Some(()) = sa.recv() => *a,
                Some(()) = sb.recv() => *b,
                Some(()) = sc.recv() => *c,
                Some(()) = sd.recv() => *d,
                // Every stream closed (the runtime is going away): nothing more will come.
                else => std::future::pending().await,
            }
        }
        #[cfg(not(unix))]
        {
            match tokio::signal::ctrl_c().await {
                Ok(()) => Signal::Interrupt,
                Err(_) => std::future::pending().await,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Signal;

    #[test]
    fn exit_codes_are_128_plus_the_signal_number() {
        assert_eq!(Signal::Interrupt.exit_code(), 130);
        assert_eq!(Signal::Terminate.exit_code(), 143);
        assert_eq!(Signal::Hangup.exit_code(), 129);
        assert_eq!(Signal::Quit.exit_code(), 131);
    }
}

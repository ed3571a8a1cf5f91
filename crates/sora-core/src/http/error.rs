//! Why a request under the policy failed, worded for the person: what happened, and which
//! setting decides it.

use std::time::Duration;

/// Which way a body was moving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Upload,
    Answer,
}

impl std::fmt::Display for Direction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Direction::Upload => "upload",
            Direction::Answer => "answer",
        })
    }
}

/// Seconds as people read them: "60 s", "1.5 s".
pub(crate) fn secs(d: &Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s:.1} s")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HttpError {
    #[error("cannot set up the HTTP client (TLS): {0}")]
    Setup(String),
    /// The request could not be built (a header that cannot be sent, for example).
    #[error("cannot build the request: {0}")]
    Request(String),
    /// No HTTP answer: connection refused, reset, DNS, TLS, connect timeout...
    #[error("{0}")]
    Transport(String),
    #[error(
        "the server took the request but sent no answer within {} (http.first_byte_timeout_secs)",
        secs(.0)
    )]
    NoAnswer(Duration),
    #[error("no complete answer within {} (http.json_deadline_secs)", secs(.0))]
    Deadline(Duration),
    #[error(
        "the {direction} stalled: no byte moved for {} after {bytes} bytes (http.stall_timeout_secs)",
        secs(.after)
    )]
    Stalled {
        direction: Direction,
        after: Duration,
        bytes: u64,
    },
    #[error(
        "the {direction} is too slow: {bytes} bytes in {}, below the minimum of {min} bytes/s (http.min_rate_bytes_per_sec); the server or the network is struggling, try again later",
        secs(.window)
    )]
    TooSlow {
        direction: Direction,
        bytes: u64,
        window: Duration,
        min: u64,
    },
    #[error(
        "the answer is larger than {limit} bytes (http.max_json_body_mib) and was not read further: is the endpoint right?"
    )]
    TooLarge { limit: usize },
    #[error("{0}")]
    Redirect(String),
}

/// A transport error, without the URL reqwest puts in its text (the caller shows the redacted
/// one: a signed URL's token must not reach the screen).
pub(crate) fn transport(e: reqwest::Error) -> HttpError {
    HttpError::Transport(super::error_chain(&e.without_url()))
}

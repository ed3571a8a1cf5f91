//! Every request the simulator answers is recorded, so tests can assert what a client sent
//! (paths, query, headers) and what it got back.

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};

use super::wire::SimRequest;

/// How much of a request body is kept in a record.
pub const RECORDED_BODY_LIMIT: usize = 64 * 1024;
/// Oldest records are dropped beyond this, so a long `sora-tui sim` run does not grow forever.
const MAX_RECORDS: usize = 10_000;

/// One request as the simulator saw it, and the status it answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    pub method: String,
    /// The path as sent (still percent-encoded).
    pub path: String,
    pub query: Option<String>,
    /// Header names are lowercase; values that are not UTF-8 are dropped.
    pub headers: Vec<(String, String)>,
    /// The first [`RECORDED_BODY_LIMIT`] bytes of the body.
    pub body: Vec<u8>,
    pub status: u16,
    /// Which listener it reached: `api` (plain or TLS) or `media` (the media origin).
    pub origin: String,
}

impl RecordedRequest {
    /// The first value of a header (name case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Default)]
pub(crate) struct Recorder {
    records: Mutex<VecDeque<RecordedRequest>>,
}

impl Recorder {
    pub(crate) fn record(&self, request: &SimRequest, status: u16, origin: &str) {
        let headers = request
            .headers
            .iter()
            .filter_map(|(name, value)| {
                Some((name.as_str().to_string(), value.to_str().ok()?.to_string()))
            })
            .collect();
        let body = request.spooled.as_ref().map_or(&request.body, |s| &s.head);
        let kept = body.len().min(RECORDED_BODY_LIMIT);
        let record = RecordedRequest {
            method: request.method.as_str().to_string(),
            path: request.path.clone(),
            query: request.query.clone(),
            headers,
            body: body[..kept].to_vec(),
            status,
            origin: origin.to_string(),
        };
        let mut records = self.records.lock().unwrap_or_else(PoisonError::into_inner);
        if records.len() >= MAX_RECORDS {
            records.pop_front();
        }
        records.push_back(record);
    }

    pub(crate) fn snapshot(&self) -> Vec<RecordedRequest> {
        self.records
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .cloned()
            .collect()
    }

    pub(crate) fn clear(&self) {
        self.records
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

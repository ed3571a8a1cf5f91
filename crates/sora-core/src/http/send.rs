//! Sending under the policy: each hop is watched until its answer's headers arrive (the JSON
//! deadline, the time to first byte, an upload's stall and pace), and redirects are followed
//! here, by the rules of [`super::redirect`].

use std::sync::Arc;
use std::time::Duration;

use reqwest::{Request, RequestBuilder};
use tokio::time::Instant;

use super::body::{Pace, Response};
use super::redirect::{self, Sent};
use super::{Direction, Http, HttpError, UploadProgress, error::transport};

/// What kind of exchange a request is; it decides which limits apply.
#[derive(Debug, Clone)]
pub enum Call {
    /// A small JSON exchange (create, poll, list, delete, storage management): one deadline
    /// for all of it, `http.json_deadline_secs`, and the JSON cap on its answer.
    Json,
    /// A transfer of unknown length (a content or object download): the time to first byte,
    /// then the stall timeout and the minimum rate on the body; no overall deadline.
    Transfer,
    /// A body streamed with [`super::upload_body`]: its stall and pace while it is taken, the
    /// time to first byte once it is all sent.
    Upload(UploadProgress),
}

impl Http {
    /// Send `request` under the policy and return the final answer (any status). Redirects are
    /// followed up to `http.max_redirects`; one to another origin carries no credential.
    pub async fn send(&self, request: RequestBuilder, call: Call) -> Result<Response, HttpError> {
        let mut request = request
            .build()
            .map_err(|e| HttpError::Request(super::error_chain(&e.without_url())))?;
        let deadline =
            matches!(call, Call::Json).then(|| Instant::now() + self.policy.json_deadline);
        let secrets: Arc<[String]> = super::secrets_of(request.headers()).into();
        let mut call = call;
        let mut hops = 0usize;
        loop {
            let sent = Sent::of(&request);
            let answer = self.exchange(request, &call, deadline).await?;
            let status = answer.status();
            let location = redirect::is_followed(status)
                .then(|| super::header_text(answer.headers(), "location"))
                .flatten();
            let Some(location) = location else {
                return Ok(Response::new(
                    answer,
                    Arc::clone(&self.policy),
                    deadline,
                    secrets,
                ));
            };
            if hops >= self.policy.max_redirects {
                return Err(HttpError::Redirect(format!(
                    "{} redirects once more after {hops} redirects; sora-tui follows at most {} (http.max_redirects): a redirect loop?",
                    super::redact_url(&sent.url),
                    self.policy.max_redirects
                )));
            }
            hops += 1;
            // The redirect's own body is not wanted; dropping it closes that connection.
            drop(answer);
            let hop = redirect::follow(status, sent, &location)?;
            tracing::info!(
                status = status.as_u16(),
                to = %super::redact_url(hop.request.url()),
                cross_origin = hop.cross_origin,
                "following a redirect"
            );
            if !hop.kept_body {
                call = match call {
                    Call::Upload(_) => Call::Transfer,
                    other => other,
                };
            }
            request = hop.request;
        }
    }

    /// One hop, until its answer's headers arrive.
    async fn exchange(
        &self,
        request: Request,
        call: &Call,
        deadline: Option<Instant>,
    ) -> Result<reqwest::Response, HttpError> {
        let policy = &self.policy;
        let sent_at = Instant::now();
        // The one place a request leaves: under the watch of this loop.
        #[allow(clippy::disallowed_methods)]
        let answer = self.client.execute(request);
        tokio::pin!(answer);
        let mut pace = match call {
            Call::Upload(p) => Some(Pace::new(policy, sent_at, p.taken())),
            _ => None,
        };
        let far = sent_at + Duration::from_secs(365 * 24 * 3600);
        loop {
            let now = Instant::now();
            let mut wake = match deadline {
                Some(d) if now >= d => return Err(HttpError::Deadline(policy.json_deadline)),
                Some(d) => d,
                None => far,
            };
            match call {
                Call::Upload(p) if !p.done() => {
                    let stall_at = p.last_activity() + policy.stall_timeout;
                    if now >= stall_at {
                        return Err(HttpError::Stalled {
                            direction: Direction::Upload,
                            after: policy.stall_timeout,
                            bytes: p.taken(),
                        });
                    }
                    if let Some(pace) = pace.as_mut() {
                        pace.check(now, p.taken(), Direction::Upload)?;
                        wake = pace.next_check().map_or(wake, |t| wake.min(t));
                    }
                    wake = wake.min(stall_at);
                }
                _ => {
                    let from = match call {
                        Call::Upload(p) => p.last_activity().max(sent_at),
                        _ => sent_at,
                    };
                    let limit = from + policy.first_byte_timeout;
                    if now >= limit {
                        return Err(HttpError::NoAnswer(policy.first_byte_timeout));
                    }
                    wake = wake.min(limit);
                }
            }
            tokio::select! {
                biased;
                r = &mut answer => return r.map_err(transport),
                () = tokio::time::sleep_until(wake) => {}
            }
        }
    }
}

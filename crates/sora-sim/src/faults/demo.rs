//! The prompt tags of `--demo` (`[429]`, `[5xx]`, `[lag]`...): each becomes fault rules scoped to
//! the job just created, or a check of the create itself.

use std::sync::PoisonError;
use std::time::Duration;

use super::{Fault, FaultEngine, FaultRule, FaultTarget, Route, Service};

/// The prompt tags `--demo` users can type, and what each does.
pub fn demo_fault_tags() -> &'static [(&'static str, &'static str)] {
    &[
        (
            TAG_429,
            "the create is refused once with 429 Too Many Requests and Retry-After: 2; its retry (same prompt) goes through",
        ),
        (TAG_5XX, "the job's next two status polls answer 503"),
        (
            TAG_MODERATION,
            "the job fails with a moderation error (Azure Sora: failure_reason input_moderation; Videos API: error.code moderation_blocked)",
        ),
        (
            TAG_LAG,
            "the job's content answers 404 for 8 s after the job completes",
        ),
        (
            TAG_RESET,
            "the first download of the job's video is cut after 16 KiB (connection reset)",
        ),
        (
            TAG_STALL,
            "the first download of the job's video stalls for 35 s after 16 KiB (past the engine's default 30 s stall timeout: it drops that connection and resumes from the bytes it has)",
        ),
        (
            TAG_HTML,
            "the first download of the job's video answers 200 with a text/html page (a proxy or captive portal) instead of the video",
        ),
        (
            TAG_THROTTLED,
            "Runway only: the task waits as THROTTLED (the account's concurrency used up) for two status steps before it starts",
        ),
        (
            TAG_EXPIRED,
            "the job's content answers as expired (Azure Sora: 404 Resource not found; Videos API: 404 expired) on every download",
        ),
    ]
}

const TAG_429: &str = "[429]";
const TAG_5XX: &str = "[5xx]";
pub(crate) const TAG_MODERATION: &str = "[moderation]";
pub(crate) const TAG_LAG: &str = "[lag]";
const TAG_RESET: &str = "[reset]";
const TAG_STALL: &str = "[stall]";
const TAG_HTML: &str = "[html]";
const TAG_EXPIRED: &str = "[expired]";
pub(crate) const TAG_THROTTLED: &str = "[throttled]";
/// How long a `[stall]` download sends nothing: longer than the engine's default 30 s stall
/// timeout, so the demo shows the timeout firing.
pub(crate) const DEMO_STALL: Duration = Duration::from_secs(35);
/// The content lag of a `[lag]` job.
pub(crate) const DEMO_LAG: Duration = Duration::from_secs(8);
const DEMO_RESET_AFTER: u64 = 16 * 1024;

impl FaultEngine {
    /// `[429]`: whether to refuse this create (the first time a prompt with the tag arrives).
    pub(crate) fn demo_refuse_create(&self, service: Service, prompt: &str) -> bool {
        prompt.contains(TAG_429)
            && self
                .refused_prompts
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert((service, prompt.to_string()))
    }

    /// `[5xx]`, `[reset]`, `[stall]`, `[html]` and `[expired]`: rules scoped to a job just created. `poll_id` is in the path of its
    /// status route, `content_id` in the path of its content route.
    pub(crate) fn demo_after_create(
        &self,
        service: Service,
        prompt: &str,
        poll_id: &str,
        content_id: Option<&str>,
    ) {
        if prompt.contains(TAG_5XX) {
            self.inject(
                FaultRule::new(
                    FaultTarget::new(Route::Poll)
                        .service(service)
                        .path_contains(poll_id),
                    Fault::Status {
                        code: 503,
                        retry_after: None,
                        body: None,
                    },
                )
                .times(2),
            );
        }
        if prompt.contains(TAG_RESET)
            && let Some(content_id) = content_id
        {
            self.inject(FaultRule::new(
                FaultTarget::new(Route::Content)
                    .service(service)
                    .path_contains(content_id),
                Fault::ResetMidBody {
                    after_bytes: DEMO_RESET_AFTER,
                },
            ));
        }
        let Some(content_id) = content_id else {
            return;
        };
        let content = || {
            FaultTarget::new(Route::Content)
                .service(service)
                .path_contains(content_id)
        };
        if prompt.contains(TAG_STALL) {
            self.inject(FaultRule::new(
                content(),
                Fault::Stall {
                    after_bytes: DEMO_RESET_AFTER,
                    for_: DEMO_STALL,
                },
            ));
        }
        if prompt.contains(TAG_HTML) {
            self.inject(FaultRule::new(content(), Fault::HtmlOk));
        }
        if prompt.contains(TAG_EXPIRED) {
            // For good: expired content never comes back.
            self.inject(FaultRule::new(content(), Fault::Expired).times(u32::MAX));
        }
    }
}

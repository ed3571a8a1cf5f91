//! The fault engine: faults are data ([`FaultRule`]s), matched against each request by the
//! service it is for ([`Service`]) and the kind of route it hits ([`Route`]). A rule fires on the
//! next `times` matching requests and is then used up.
//!
//! Rules come from [`SimConfig::faults`](super::SimConfig::faults) at start,
//! [`SimHandle::inject`](super::SimHandle::inject) at run time, the control route
//! `POST /__sim/faults` (the same rule as JSON) and the demo prompt tags ([`demo_fault_tags`]).
//!
//! Two kinds of faults:
//! - answers instead of the service's own ([`Fault::Status`] on any route; [`Fault::HtmlOk`] and
//!   [`Fault::Expired`] on content and storage-download routes): they fire before the request is
//!   handled, so a faulted create creates nothing;
//! - broken bodies ([`Fault::ResetMidBody`], [`Fault::ShortBody`], [`Fault::Stall`]): they fire
//!   only on a successful (2xx) `GET` of a content or storage-download route, and cut or stall the
//!   body the service would have sent, keeping its full `Content-Length`;
//! - corrupt bodies that the transport cannot tell from good ones ([`Fault::UnderReportedLength`],
//!   [`Fault::NoLength`], [`Fault::ChangedBytes`]; same routes and phase as broken bodies) and
//!   [`Fault::FakeMp4`] (an answer like [`Fault::HtmlOk`]): see [`corrupt`](crate::corrupt).
//!
//! JSON shape of a rule (`target.family`, `target.path_contains`, `times` are optional; `times`
//! defaults to 1):
//!
//! ```json
//! {"target": {"route": "content", "family": "openai", "path_contains": "video_68"},
//!  "fault": {"kind": "status", "code": 429, "retry_after": {"secs": 2}, "body": null},
//!  "times": 2}
//! ```
//!
//! `route`: `create`, `poll`, `list`, `delete`, `content`, `storage_upload`, `storage_download`,
//! `storage_resumable`, `any`. `family` (a [`Service`]): `azure_sora`, `azure_v1`, `openai`,
//! `storage`, `runway`, `fal` (the last two also match their outputs on the media origin). `fault.kind`: `status` (`code`, optional `retry_after` `{"secs": n}` or
//! `{"http_date": n}` — the date n seconds after the fault fires, and optional `body`),
//! `reset_mid_body` (`after_bytes`), `short_body` (`bytes`), `stall` (`after_bytes`, `for_ms`),
//! `html_ok`, `expired`, `cut_upload` (`after_bytes`), `under_reported_length` (`missing`),
//! `no_length` (`bytes`), `changed_bytes`, `fake_mp4`.

mod demo;
mod engine;
mod respond;
mod route;
mod rule;

pub use demo::demo_fault_tags;
pub(crate) use demo::{DEMO_LAG, TAG_LAG, TAG_MODERATION, TAG_THROTTLED};
pub(crate) use engine::{FaultEngine, Phase};
pub(crate) use respond::{break_body, html_ok_response, status_response};
pub use rule::{Fault, FaultRule, FaultTarget, RetryAfter, Route, Service};

//! The data model of a fault rule, and its JSON shape (the wire format of `POST /__sim/faults`,
//! described in [`super`]).

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The service a request is for, from its path (JSON `target.family`). Not the client's
/// `providers::Family`: the simulator shares no type with the clients it judges.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Service {
    /// Azure OpenAI's Sora preview jobs API, `/openai/v1/video/generations/...` (and every
    /// other path the simulator does not own: the Azure gateway answers those).
    #[serde(rename = "azure_sora")]
    AzureSora,
    /// Azure OpenAI's Sora 2 Videos API, `/openai/v1/videos...`.
    #[serde(rename = "azure_v1")]
    AzureV1,
    /// OpenAI's Videos API, `/v1/...`.
    #[serde(rename = "openai")]
    OpenAI,
    /// Supabase Storage, `/storage/v1/...`.
    #[serde(rename = "storage")]
    Storage,
    /// Runway's API, `/v1/text_to_video`, `/v1/image_to_video`, `/v1/tasks/...`, and its
    /// outputs on the media origin (`/runway/...`).
    #[serde(rename = "runway")]
    Runway,
    /// fal's queue, `/fal-ai/...` (and `workflows/`, `comfy/`), and its outputs on the media
    /// origin (`/fal/...`).
    #[serde(rename = "fal")]
    Fal,
}

/// A class of route.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Route {
    /// Create a job or video (also a remix).
    Create,
    /// Get a job, a generation or a video: what a client polls.
    Poll,
    List,
    Delete,
    /// Any video content route (video, thumbnail, spritesheet).
    Content,
    /// A Storage object upload (`POST`/`PUT /object/{bucket}/{key}`).
    StorageUpload,
    /// A Storage object download (authenticated, public or signed).
    StorageDownload,
    /// A chunk of a resumable (TUS) upload: `PATCH /upload/resumable/{id}`.
    StorageResumable,
    /// Every request (body faults still only on content and download routes).
    Any,
}

impl Route {
    pub(super) fn matches(self, route: Option<Route>) -> bool {
        self == Route::Any || Some(self) == route
    }
}

/// Which requests a rule applies to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultTarget {
    pub route: Route,
    /// Only this service's requests (all services when absent). JSON `family`, the key's name
    /// since the first version of `/__sim/faults`.
    #[serde(default, rename = "family", skip_serializing_if = "Option::is_none")]
    pub service: Option<Service>,
    /// Only requests whose path contains this text, e.g. one job's or video's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_contains: Option<String>,
}

impl FaultTarget {
    pub fn new(route: Route) -> Self {
        Self {
            route,
            service: None,
            path_contains: None,
        }
    }

    pub fn service(mut self, service: Service) -> Self {
        self.service = Some(service);
        self
    }

    pub fn path_contains(mut self, text: impl Into<String>) -> Self {
        self.path_contains = Some(text.into());
        self
    }

    pub(super) fn matches(&self, service: Service, route: Option<Route>, path: &str) -> bool {
        self.route.matches(route)
            && self.service.is_none_or(|f| f == service)
            && self
                .path_contains
                .as_deref()
                .is_none_or(|text| path.contains(text))
    }
}

impl From<Route> for FaultTarget {
    fn from(route: Route) -> Self {
        FaultTarget::new(route)
    }
}

/// What a `Retry-After` header says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetryAfter {
    /// `Retry-After: <n>` (delay-seconds).
    Secs(u64),
    /// `Retry-After: <HTTP-date>`: the date this many seconds after the fault fires.
    HttpDate(u64),
}

/// What goes wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fault {
    /// An error answer with this status. `body` (sent as-is; JSON if it parses as JSON, else
    /// text) defaults to the service's own error shape for the code.
    Status {
        code: u16,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after: Option<RetryAfter>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        body: Option<String>,
    },
    /// Headers with the full `Content-Length`, `after_bytes` of the body, then the connection is
    /// reset.
    ResetMidBody { after_bytes: u64 },
    /// `Content-Length` says the full length, but the body ends after `bytes` and the
    /// connection closes.
    ShortBody { bytes: u64 },
    /// `after_bytes` of the body, then nothing for `for_` (JSON `for_ms`), then the rest. On a
    /// Storage upload or a resumable upload's chunk: the answer comes `for_` late.
    Stall {
        after_bytes: u64,
        #[serde(rename = "for_ms", with = "millis")]
        for_: Duration,
    },
    /// `200 OK` with a `text/html` error page instead of the content (a proxy or captive portal).
    HtmlOk,
    /// The content answers as expired: Azure Sora's 404 "Resource not found", the Videos API's
    /// 404 "expired" error, Storage's `jwt expired`.
    Expired,
    /// `Content-Length` and the body both `missing` bytes short of the content: a server that
    /// under-reports the length. The transfer itself looks complete.
    UnderReportedLength { missing: u64 },
    /// No `Content-Length`: the first `bytes` of the body, then a clean end (a connection cut
    /// where nothing told the body's length).
    NoLength { bytes: u64 },
    /// The same status, headers (validators included) and length, but other bytes: content that
    /// changed under the same `ETag`/`Last-Modified` (on a resumed `206`, a file of two versions).
    ChangedBytes,
    /// `200 OK`, `video/mp4`, and an HTML error page behind a fake `ftyp` box: it passes a check
    /// of the first bytes.
    FakeMp4,
    /// A resumable upload chunk (`StorageResumable`) whose connection is lost after
    /// `after_bytes` of its body arrived: the server keeps those bytes and answers 500, so the
    /// client must ask (`HEAD`) where to go on from.
    CutUpload { after_bytes: u64 },
}

impl Fault {
    pub(super) fn is_body_fault(&self) -> bool {
        matches!(
            self,
            Fault::ResetMidBody { .. }
                | Fault::ShortBody { .. }
                | Fault::Stall { .. }
                | Fault::UnderReportedLength { .. }
                | Fault::NoLength { .. }
                | Fault::ChangedBytes
        )
    }
}

mod millis {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_millis)
    }
}

fn one() -> u32 {
    1
}

/// A fault for the next `times` requests matching `target`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultRule {
    pub target: FaultTarget,
    pub fault: Fault,
    #[serde(default = "one")]
    pub times: u32,
}

impl FaultRule {
    /// Fires once; see [`FaultRule::times`].
    pub fn new(target: impl Into<FaultTarget>, fault: Fault) -> Self {
        Self {
            target: target.into(),
            fault,
            times: 1,
        }
    }

    pub fn times(mut self, times: u32) -> Self {
        self.times = times;
        self
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn rule_json_shape() {
        let rule: FaultRule = serde_json::from_str(
            r#"{"target":{"route":"content","family":"openai"},"fault":{"kind":"stall","after_bytes":10,"for_ms":300}}"#,
        )
        .expect("valid rule JSON");
        assert_eq!(rule.target.service, Some(Service::OpenAI));
        assert_eq!(rule.times, 1);
        assert_eq!(
            rule.fault,
            Fault::Stall {
                after_bytes: 10,
                for_: Duration::from_millis(300)
            }
        );
        let status = FaultRule::new(
            Route::Create,
            Fault::Status {
                code: 429,
                retry_after: Some(RetryAfter::HttpDate(5)),
                body: None,
            },
        );
        assert_eq!(
            serde_json::to_value(&status).expect("serializable"),
            json!({"target":{"route":"create"},"fault":{"kind":"status","code":429,"retry_after":{"http_date":5}},"times":1})
        );
        assert_eq!(
            serde_json::to_value(FaultTarget::new(Route::Poll).service(Service::AzureV1))
                .expect("serializable"),
            json!({"route":"poll","family":"azure_v1"})
        );
    }
}

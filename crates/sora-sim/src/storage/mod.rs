//! Supabase Storage (`supabase-storage.md`), under `{SUPABASE_URL}/storage/v1`.
//!
//! State is a list of buckets, each holding its objects by key, plus the signed-URL tokens
//! handed out. Routes are matched by hand so that every answer, including unknown routes, has
//! the real server's shape.

mod auth;
mod buckets;
mod error;
mod folders;
mod list;
mod objects;
mod persist;
mod sign;
mod tus;

use std::collections::{HashMap, HashSet};
use std::sync::{MutexGuard, PoisonError};
use std::time::SystemTime;

use axum::http::Method;
use axum::response::Response;
use bytes::Bytes;
use serde_json::Value;

use super::Sim;
use super::spool::Content;
use super::wire::{self, SimRequest};
pub(crate) use auth::sign_key;
pub(crate) use error::StorageError;

const PREFIX: &str = "/storage/v1";

#[derive(Debug)]
pub(crate) struct StorageState {
    /// In creation order.
    buckets: Vec<Bucket>,
    /// Signed-URL tokens by token text.
    signed: HashMap<String, sign::SignedToken>,
    /// Resumable (TUS) uploads in progress, by upload id.
    uploads: HashMap<String, tus::TusUpload>,
    /// Object versions already written to the data directory (persistence only).
    saved: HashSet<String>,
}

#[derive(Debug)]
pub(crate) struct Bucket {
    id: String,
    name: String,
    public: bool,
    file_size_limit: Option<u64>,
    allowed_mime_types: Option<Vec<String>>,
    created_at: SystemTime,
    updated_at: SystemTime,
    objects: folders::Objects,
}

#[derive(Clone, Debug)]
pub(crate) struct StoredObject {
    id: String,
    version: String,
    data: Content,
    mimetype: String,
    cache_control: String,
    /// Hex MD5 of `data`, unquoted.
    md5: String,
    user_metadata: Option<Value>,
    created_at: SystemTime,
    updated_at: SystemTime,
}

impl StorageState {
    pub(crate) fn new(buckets: &[(String, bool)], now: SystemTime) -> Self {
        let buckets = buckets
            .iter()
            .map(|(name, public)| Bucket::new(name.clone(), name.clone(), *public, now))
            .collect();
        Self::from_buckets(buckets)
    }

    fn from_buckets(buckets: Vec<Bucket>) -> Self {
        Self {
            buckets,
            signed: HashMap::new(),
            uploads: HashMap::new(),
            saved: HashSet::new(),
        }
    }

    /// The state saved in `data_dir` when there is one, else the configured buckets.
    pub(crate) fn open(
        buckets: &[(String, bool)],
        now: SystemTime,
        data_dir: Option<&std::path::Path>,
    ) -> std::io::Result<Self> {
        if let Some(dir) = data_dir
            && let Some(state) = persist::load(dir)?
        {
            return Ok(state);
        }
        Ok(Self::new(buckets, now))
    }

    /// Put `count` small objects `{prefix}/obj-00001.bin`... straight into a bucket (created,
    /// public, when missing): benchmarks and paging tests need folders far larger than uploading
    /// one by one would allow.
    pub(crate) fn seed(&mut self, bucket: &str, prefix: &str, count: usize, now: SystemTime) {
        if self.bucket(bucket).is_none() {
            self.buckets.push(Bucket::new(
                bucket.to_string(),
                bucket.to_string(),
                true,
                now,
            ));
        }
        let Some(target) = self.bucket_mut(bucket) else {
            return;
        };
        let folder = match prefix.trim_matches('/') {
            "" => String::new(),
            p => format!("{p}/"),
        };
        for i in 0..count {
            let data = Bytes::from(format!("object {i}\n"));
            let md5 = wire::md5_hex(&data);
            let data = Content::Memory(data);
            target.objects.insert(
                format!("{folder}obj-{i:06}.bin"),
                StoredObject {
                    id: wire::uuid_v4(),
                    version: wire::uuid_v4(),
                    data,
                    mimetype: "application/octet-stream".to_string(),
                    cache_control: "no-cache".to_string(),
                    md5,
                    user_metadata: None,
                    created_at: now,
                    updated_at: now,
                },
            );
        }
    }

    fn bucket(&self, id: &str) -> Option<&Bucket> {
        self.buckets.iter().find(|b| b.id == id)
    }

    fn bucket_mut(&mut self, id: &str) -> Option<&mut Bucket> {
        self.buckets.iter_mut().find(|b| b.id == id)
    }
}

impl Bucket {
    fn new(id: String, name: String, public: bool, now: SystemTime) -> Self {
        Self {
            id,
            name,
            public,
            file_size_limit: None,
            allowed_mime_types: None,
            created_at: now,
            updated_at: now,
            objects: folders::Objects::default(),
        }
    }
}

/// What the `Authorization` header says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Caller {
    /// No header: only public routes and public buckets.
    Anonymous,
    /// A project JWT with role `service_role` (or the `sb_secret_` key).
    ServiceRole,
    /// A project JWT with another role, `anon` above all (or the `sb_publishable_` key):
    /// row-level security applies, and a fresh project has no policies.
    Policies,
}

/// Who is calling; a header with a token that fails the JWT check is refused outright.
fn caller(sim: &Sim, request: &SimRequest) -> Result<Caller, StorageError> {
    let Some(value) = request.header("authorization") else {
        return Ok(Caller::Anonymous);
    };
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .unwrap_or(value)
        .trim();
    auth::caller(sim, token)
}

fn require_auth(caller: Caller) -> Result<(), StorageError> {
    match caller {
        Caller::ServiceRole => Ok(()),
        Caller::Anonymous => Err(StorageError::missing_authorization()),
        Caller::Policies => Err(StorageError::row_level_security()),
    }
}

fn lock(sim: &Sim) -> MutexGuard<'_, StorageState> {
    sim.storage.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A JSON request body; the server's schema check words a missing/invalid body like this.
fn json_body(request: &SimRequest) -> Result<serde_json::Map<String, Value>, StorageError> {
    match serde_json::from_slice::<Value>(&request.body) {
        Ok(Value::Object(fields)) => Ok(fields),
        Ok(_) => Err(StorageError::invalid_request("body must be object")),
        Err(_) if request.body.is_empty() => {
            Err(StorageError::invalid_request("body must be object"))
        }
        Err(error) => Err(StorageError::invalid_request(format!(
            "Body is not valid JSON but content-type is set to 'application/json': {error}"
        ))),
    }
}

/// Object keys arrive percent-encoded in the path.
fn decode_key(raw: &str) -> Result<String, StorageError> {
    wire::percent_decode(raw).ok_or_else(|| StorageError::invalid_key(raw))
}

/// What a download answers once its signed URL has expired (the `Expired` fault).
pub(crate) fn expired_response() -> Response {
    StorageError::invalid_jwt("jwt expired").into_response()
}

pub(crate) fn handle(sim: &Sim, request: &SimRequest) -> Response {
    let response = answer(sim, request).unwrap_or_else(StorageError::into_response);
    // Lists and signatures are POSTs that change nothing saved (signed tokens are not kept):
    // writing the index after each would make paging a huge folder cost a save per page.
    let read_only = request.path.starts_with("/storage/v1/object/list/")
        || request.path.starts_with("/storage/v1/object/sign/");
    let changes =
        !read_only && !matches!(request.method, Method::GET | Method::HEAD | Method::OPTIONS);
    if changes && response.status().is_success() {
        persist_now(sim);
    }
    response
}

/// With a data directory, write the state after a change (errors are logged: the answer has
/// already been decided).
pub(crate) fn persist_now(sim: &Sim) {
    if let Some(dir) = &sim.config.data_dir {
        let mut state = lock(sim);
        if let Err(error) = persist::save(dir, &mut state) {
            tracing::warn!(%error, dir = %dir.display(), "simulator cannot save its storage state");
        }
    }
}

/// The `CutUpload` fault: a TUS `PATCH` whose connection is lost after `after_bytes` of its
/// body reached the server (they are kept, as the real server keeps what it received).
pub(crate) fn cut_upload(sim: &Sim, request: &SimRequest, after_bytes: u64) -> Response {
    let id = request.path.rsplit('/').next().unwrap_or_default();
    tus::patch(sim, request, id, Some(after_bytes))
}

fn answer(sim: &Sim, request: &SimRequest) -> Result<Response, StorageError> {
    let route = match request.path.strip_prefix(PREFIX).unwrap_or_default() {
        "" => "/",
        route => route,
    };
    let not_found = || {
        let url = match &request.query {
            Some(query) => format!("{route}?{query}"),
            None => route.to_string(),
        };
        StorageError::route_not_found(request.method.as_str(), &url)
    };
    let segments: Vec<&str> = route
        .strip_prefix('/')
        .unwrap_or_default()
        .split('/')
        .collect();
    // Checked only by the routes that need it: an unknown route is a 404 whatever the token,
    // and the public routes ignore the header.
    let who = || caller(sim, request);
    let authorized = || require_auth(caller(sim, request)?);
    let method = &request.method;
    let get_or_head = method == Method::GET || method == Method::HEAD;
    if request.header("authorization").is_some()
        && let Ok(Caller::Policies) = who()
        && let Some(answer) = auth::without_policies(method, &segments)
    {
        return answer;
    }

    match segments.as_slice() {
        ["upload", "resumable"] if method == Method::OPTIONS => Ok(tus::options()),
        ["upload", "resumable"] if method == Method::POST => {
            authorized().map(|()| tus::create(sim, request))
        }
        ["upload", "resumable", id] if method == Method::PATCH => {
            authorized().map(|()| tus::patch(sim, request, id, None))
        }
        ["upload", "resumable", id] if method == Method::HEAD => {
            authorized().map(|()| tus::head(sim, request, id))
        }
        ["upload", "resumable", id] if method == Method::DELETE => {
            authorized().map(|()| tus::delete(sim, request, id))
        }
        ["bucket"] if method == Method::GET => {
            authorized().and_then(|()| buckets::list(sim, request))
        }
        ["bucket"] if method == Method::POST => {
            authorized().and_then(|()| buckets::create(sim, request))
        }
        ["bucket", id] if method == Method::GET => {
            authorized().and_then(|()| buckets::get(sim, id))
        }
        ["bucket", id] if method == Method::PUT => {
            authorized().and_then(|()| buckets::update(sim, request, id))
        }
        ["bucket", id] if method == Method::DELETE => {
            authorized().and_then(|()| buckets::delete(sim, id))
        }
        ["bucket", id, "empty"] if method == Method::POST => {
            authorized().and_then(|()| buckets::empty(sim, id))
        }

        ["object", "list", bucket] if method == Method::POST => {
            authorized().and_then(|()| list::list(sim, request, bucket))
        }
        ["object", "move"] if method == Method::POST => {
            authorized().and_then(|()| objects::move_object(sim, request))
        }
        ["object", "copy"] if method == Method::POST => {
            authorized().and_then(|()| objects::copy(sim, request))
        }
        ["object", "sign", bucket] if method == Method::POST => {
            authorized().and_then(|()| sign::sign_many(sim, request, bucket))
        }
        ["object", "sign", bucket, key @ ..] if !key.is_empty() && method == Method::POST => {
            authorized().and_then(|()| sign::sign(sim, request, bucket, &key.join("/")))
        }
        ["object", "sign", bucket, key @ ..] if !key.is_empty() && get_or_head => {
            sign::download(sim, request, bucket, &key.join("/"))
        }
        ["object", "public", bucket, key @ ..] if !key.is_empty() && get_or_head => {
            objects::download(
                sim,
                request,
                bucket,
                &key.join("/"),
                objects::Access::PublicOnly,
            )
        }
        ["object", "authenticated", bucket, key @ ..] if !key.is_empty() && get_or_head => {
            authorized().and_then(|()| {
                objects::download(
                    sim,
                    request,
                    bucket,
                    &key.join("/"),
                    objects::Access::Authenticated,
                )
            })
        }
        ["object", "info", "public", bucket, key @ ..]
            if !key.is_empty() && method == Method::GET =>
        {
            objects::info(sim, bucket, &key.join("/"), objects::Access::PublicOnly)
        }
        ["object", "info", "authenticated", bucket, key @ ..]
            if !key.is_empty() && method == Method::GET =>
        {
            authorized().and_then(|()| {
                objects::info(sim, bucket, &key.join("/"), objects::Access::Authenticated)
            })
        }
        ["object", "info", bucket, key @ ..] if !key.is_empty() && method == Method::GET => {
            objects::info(
                sim,
                bucket,
                &key.join("/"),
                objects::Access::from_caller(who()?),
            )
        }
        ["object", bucket] if method == Method::DELETE => {
            authorized().and_then(|()| objects::delete_many(sim, request, bucket))
        }
        ["object", bucket, key @ ..] if !key.is_empty() => {
            let key = key.join("/");
            if method == Method::POST || method == Method::PUT {
                authorized().and_then(|()| objects::upload(sim, request, bucket, &key))
            } else if get_or_head {
                objects::download(
                    sim,
                    request,
                    bucket,
                    &key,
                    objects::Access::from_caller(who()?),
                )
            } else if method == Method::DELETE {
                authorized().and_then(|()| objects::delete(sim, bucket, &key))
            } else {
                Err(not_found())
            }
        }
        _ => Err(not_found()),
    }
}

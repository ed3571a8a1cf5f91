//! Supabase Storage: object listings, bucket lists, object info and upload answers as the
//! server sends them (each entry's name put through the path helpers a folder walk uses), the
//! key's kind (read from a JWT or a prefix), and the TUS resumable endpoint's `Upload-Offset`
//! and `Location` headers and the upload's sidecar file. The TUS part splits the input at its
//! first two NUL bytes: offset, location, sidecar.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sora_core::present;
use sora_core::storage::folder::{join_path, parent, thousands};
use sora_core::storage::path::{encode_path, join_folder, parent_folder, public_url};
use sora_core::storage::{
    Bucket, KeyKind, ObjectEntry, ObjectInfo, UploadAnswer, check_object_path, check_prefix,
    retarget, tus,
};

const TUS_ENDPOINT: &str = "https://abcdefghijklmnop.supabase.co/storage/v1/upload/resumable";

fn entry(e: &ObjectEntry, project: &url::Url) {
    let _ = e.is_folder();
    let _ = e.is_placeholder();
    let _ = e.md5_hex();
    if let Some(size) = e.size() {
        let _ = thousands(size);
        let _ = present::bytes(size);
        let _ = sora_core::present::bytes(size);
    }
    let path = join_path("videos/2026", &e.name);
    let _ = parent(&path);
    let _ = parent_folder(&path);
    let _ = join_folder("videos", &e.name);
    let _ = check_object_path(&path);
    let _ = check_prefix(&e.name);
    let _ = encode_path(&path);
    let _ = public_url(project, "output", &path);
    let _ = retarget("videos", "archive/", &path);
    let _ = sora_core::text::one_line(&e.name);
}

fuzz_target!(|data: &[u8]| {
    let Ok(project) = url::Url::parse("https://abcdefghijklmnop.supabase.co") else {
        return;
    };
    if let Ok(entries) = serde_json::from_slice::<Vec<ObjectEntry>>(data) {
        entries.iter().for_each(|e| entry(e, &project));
    }
    if let Ok(buckets) = serde_json::from_slice::<Vec<Bucket>>(data) {
        let _ = format!("{buckets:?}");
    }
    if let Ok(info) = serde_json::from_slice::<ObjectInfo>(data) {
        let _ = info.md5_hex();
    }
    if let Ok(answer) = serde_json::from_slice::<UploadAnswer>(data) {
        let _ = answer.key;
    }
    let text = String::from_utf8_lossy(data);
    let kind = KeyKind::of(&text);
    let _ = kind.describe();
    let _ = kind.restricted();

    let mut parts = data.splitn(3, |b| *b == 0);
    let offset = parts.next().unwrap_or_default();
    let location = parts.next().unwrap_or_default();
    let sidecar = parts.next().unwrap_or_default();
    tus::fuzz_tus(TUS_ENDPOINT, offset, location, sidecar);
});

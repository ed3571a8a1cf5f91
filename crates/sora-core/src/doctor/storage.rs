//! Checks of Supabase Storage: the key, the configured buckets, and the upload/delete probe.

use super::report::Check;
use crate::config::Config;
use crate::storage::{StorageClient, StorageError};

pub(super) async fn buckets(
    storage: &StorageClient,
    config: &Config,
    checks: &mut Vec<Check>,
) -> bool {
    let listed = match storage.list_buckets().await {
        Ok(b) => b,
        Err(StorageError::Api(api))
            if api.code.as_deref() == Some("AccessDenied")
                || api.status_code.as_deref() == Some("403")
                || api.http_status == 401 =>
        {
            let hint = config
                .supabase
                .service_role_key
                .as_ref()
                .map(|k| format!("{} from {}", k.value.masked_hint(), k.source))
                .unwrap_or_default();
            checks.push(Check::fail(
                "storage auth",
                format!(
                    "bad key: Supabase refused the service-role key {hint} ({})",
                    api.message
                ),
                "use the project's service-role key (Project Settings → API keys)",
            ));
            return false;
        }
        Err(e) => {
            checks.push(Check::fail(
                "storage auth",
                e.to_string(),
                "check SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY",
            ));
            return false;
        }
    };
    checks.push(Check::pass(
        "storage auth",
        format!("{} bucket(s) listed", listed.len()),
    ));
    let mut ok = true;
    for name in [
        &config.supabase.input_bucket.value,
        &config.supabase.output_bucket.value,
    ] {
        let check_name = format!("bucket {name}");
        match listed.iter().find(|b| &b.id == name || &b.name == name) {
            None => {
                ok = false;
                checks.push(Check::fail(&check_name, "missing", format!("create it as a public bucket (Supabase → Storage → New bucket, or the dashboard's bucket view), or set supabase.{} to an existing one", if name == &config.supabase.input_bucket.value { "input_bucket" } else { "output_bucket" })));
            }
            Some(b) if !b.public => checks.push(Check::warn(
                &check_name,
                "exists but is private: public URLs will not open",
                "make it public if you want shareable URLs (signed URLs work either way)",
            )),
            Some(_) => checks.push(Check::pass(&check_name, "exists, public")),
        }
    }
    ok
}

/// Upload and delete a tiny object: proves write access end to end.
pub(super) async fn probe(storage: &StorageClient, bucket: &str) -> Check {
    let name = "upload/delete probe";
    let dir = std::env::temp_dir();
    let path = dir.join(format!("sora-tui-doctor-{}.txt", std::process::id()));
    if let Err(e) = std::fs::write(&path, b"sora-tui doctor probe\n") {
        return Check::fail(
            name,
            format!("cannot write a temporary file: {e}"),
            "check the temp directory",
        );
    }
    let object = format!("_sora-tui-doctor/probe-{:08x}.txt", fastrand::u32(..));
    let result = match storage
        .upload_file(bucket, &object, &path, "text/plain", true)
        .await
    {
        Err(e) => Check::fail(
            name,
            format!("upload to {bucket}/{object} failed: {e}"),
            "the key needs write access to the bucket",
        ),
        Ok(_) => match storage.delete_object(bucket, &object).await {
            Ok(()) => Check::pass(name, format!("uploaded and deleted {bucket}/{object}")),
            Err(e) => Check::warn(
                name,
                format!("uploaded {bucket}/{object} but could not delete it: {e}"),
                "delete it by hand",
            ),
        },
    };
    let _ = std::fs::remove_file(&path);
    result
}

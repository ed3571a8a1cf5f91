//! The endpoints a user pastes: any text through `derive_resource_base` (Azure) and
//! `derive_supabase_base`. A derived base keeps no user name, password, query or fragment, and
//! is http(s) with a host; any URL printed is masked (`redact_url`) so it shows no password.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sora_core::config::{derive_resource_base, derive_supabase_base};

fn check_base(base: &url::Url) {
    assert!(
        base.username().is_empty(),
        "a derived base keeps a user name"
    );
    assert!(base.password().is_none(), "a derived base keeps a password");
    assert!(base.query().is_none(), "a derived base keeps a query");
    assert!(base.fragment().is_none(), "a derived base keeps a fragment");
    assert!(matches!(base.scheme(), "http" | "https"));
    assert!(base.host_str().is_some_and(|h| !h.is_empty()));
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match derive_resource_base(text) {
        Ok(base) => check_base(&base),
        Err(e) => {
            let _ = e.len();
        }
    }
    if let Ok(base) = derive_supabase_base(text) {
        check_base(&base);
    }
    if let Ok(url) = url::Url::parse(text.trim()) {
        let shown = sora_core::http::redact_url(&url);
        if let Ok(again) = url::Url::parse(&shown) {
            assert!(
                again.password().is_none_or(|p| p == "***"),
                "a printed URL shows its password"
            );
        }
    }
});

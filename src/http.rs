//! Small HTTP helpers shared by the clients.

use url::Url;

/// The URL as it may be shown or logged: no user info, and the values of query parameters that
/// can carry credentials (`token`, `sig`, `key`...) replaced by `***`.
pub fn redact_url(url: &Url) -> String {
    let mut u = url.clone();
    let _ = u.set_username("");
    let _ = u.set_password(None);
    if u.query().is_some() {
        let pairs: Vec<(String, String)> = u
            .query_pairs()
            .map(|(k, v)| {
                let lower = k.to_ascii_lowercase();
                let secret = ["token", "sig", "key", "secret", "signature", "code", "password"]
                    .iter()
                    .any(|s| lower.contains(s));
                let v = if secret { "***".to_string() } else { v.into_owned() };
                (k.into_owned(), v)
            })
            .collect();
        u.query_pairs_mut().clear().extend_pairs(pairs);
    }
    u.to_string()
}

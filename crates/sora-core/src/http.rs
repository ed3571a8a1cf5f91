//! Small HTTP helpers shared by the clients.

use url::Url;

/// The URL as it may be shown or logged: user info masked (`https://user:***@host`; a user
/// name alone may be a token, so it becomes `***`), and the values of query parameters that
/// can carry credentials (`token`, `sig`, `key`...) replaced by `***`.
pub fn redact_url(url: &Url) -> String {
    let mut u = url.clone();
    if u.password().is_some() {
        let _ = u.set_password(Some("***"));
    } else if !u.username().is_empty() {
        let _ = u.set_username("***");
    }
    if u.query().is_some() {
        let pairs: Vec<(String, String)> = u
            .query_pairs()
            .map(|(k, v)| {
                let lower = k.to_ascii_lowercase();
                let secret = [
                    "token",
                    "sig",
                    "key",
                    "secret",
                    "signature",
                    "code",
                    "password",
                ]
                .iter()
                .any(|s| lower.contains(s));
                let v = if secret {
                    "***".to_string()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), v)
            })
            .collect();
        u.query_pairs_mut().clear().extend_pairs(pairs);
    }
    u.to_string()
}

use std::time::Duration;

use reqwest::header::HeaderMap;

/// How long to wait for a TCP/TLS connection before calling the endpoint unreachable.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// The HTTP client every engine component shares (one connection pool). TLS uses rustls with
/// the ring provider, installed here once, so no C toolchain heavier than ring's is needed.
pub fn client() -> Result<reqwest::Client, String> {
    // Installing twice is harmless: the second call returns Err and the first provider stays.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .user_agent(concat!("sora-tui/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("cannot set up the HTTP client (TLS): {e}"))
}

/// The request id a service attached to an answer, if any.
pub fn request_id(headers: &HeaderMap) -> Option<String> {
    [
        "apim-request-id",
        "x-request-id",
        "x-ms-request-id",
        "sb-request-id",
    ]
    .iter()
    .find_map(|name| headers.get(*name))
    .and_then(|v| v.to_str().ok())
    .map(str::to_owned)
}

/// A header value, as text, if present and readable.
pub fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The error and its causes on one line ("error sending request: connection refused").
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let s_text = s.to_string();
        if !text.contains(&s_text) {
            text.push_str(": ");
            text.push_str(&s_text);
        }
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_tokens_and_user_info_but_keeps_the_route() {
        let u = Url::parse(
            "https://user:pw@x.example/object/sign/b/v.mp4?token=abc.def&download=v.mp4",
        )
        .expect("valid test url");
        let shown = redact_url(&u);
        assert!(!shown.contains("abc.def"), "{shown}");
        assert!(!shown.contains("pw"), "{shown}");
        assert!(shown.starts_with("https://user:***@x.example/"), "{shown}");
        let token_as_user = Url::parse("https://sk-live-123@x.example/v1").expect("valid test url");
        assert_eq!(redact_url(&token_as_user), "https://***@x.example/v1");
        assert!(
            shown.contains("/object/sign/b/v.mp4?token=***&download=v.mp4"),
            "{shown}"
        );
        let plain = Url::parse("https://r.openai.azure.com/openai/v1/video/generations/gen_1/content/video?api-version=preview")
            .expect("valid test url");
        assert_eq!(redact_url(&plain), plain.to_string());
    }
}

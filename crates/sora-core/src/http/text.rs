//! Text about requests that is safe to show: URLs without credentials, error chains on one line,
//! service text shortened for the screen and the journal, and known secrets masked.

use reqwest::header::HeaderMap;
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
                    // Runway's signed CloudFront outputs: `?_jwt=...`.
                    "jwt",
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

/// The request id a service attached to an answer, if any.
pub fn request_id(headers: &HeaderMap) -> Option<String> {
    [
        "apim-request-id",
        "x-request-id",
        "x-ms-request-id",
        "sb-request-id",
        // fal.ai's, on every queue answer.
        "x-fal-request-id",
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

/// `text` on one line and at most `max_chars` characters (then `…`): what a service said, as the
/// screen and the journal show it. The whole text goes to the log only.
pub fn short_text(text: &str, max_chars: usize) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > max_chars {
        let cut: String = one_line.chars().take(max_chars).collect();
        format!("{cut}…")
    } else {
        one_line
    }
}

/// The credential values a request carries (the value of every sensitive or credential header,
/// and the token of a `Bearer`/`Basic` value), so that text a server sends back can be masked.
pub fn secrets_of(headers: &HeaderMap) -> Vec<String> {
    let mut out = Vec::new();
    for (name, value) in headers {
        if !(value.is_sensitive() || super::redirect::is_credential(name.as_str())) {
            continue;
        }
        let Ok(text) = value.to_str() else { continue };
        let text = text.trim();
        let token = text
            .split_once(' ')
            .filter(|(scheme, _)| {
                scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("basic")
            })
            .map(|(_, token)| token.trim());
        for s in [Some(text), token].into_iter().flatten() {
            // Short values could match ordinary words; no real key is this short.
            if s.len() >= 8 && !out.iter().any(|o| o == s) {
                out.push(s.to_string());
            }
        }
    }
    out
}

/// `text` with every occurrence of a known secret replaced by `***`: a server that echoes the
/// request's key in its error must not put it on screen, in the journal or in the log.
pub fn mask_secrets(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_string();
    for s in secrets {
        if out.contains(s.as_str()) {
            out = out.replace(s.as_str(), "***");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

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

    #[test]
    fn short_text_is_one_line_and_cut() {
        assert_eq!(short_text("a\n  b\tc", 10), "a b c");
        let long = "x".repeat(500);
        let cut = short_text(&long, 300);
        assert_eq!(cut.chars().count(), 301);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn echoed_keys_are_masked() {
        let mut h = HeaderMap::new();
        let mut v = HeaderValue::from_static("Bearer sk-secret-value-1");
        v.set_sensitive(true);
        h.insert("authorization", v);
        h.insert("api-key", HeaderValue::from_static("azure-key-123456"));
        h.insert("accept", HeaderValue::from_static("application/json"));
        let secrets = secrets_of(&h);
        let text = "bad token sk-secret-value-1 and azure-key-123456; accept application/json";
        let masked = mask_secrets(text, &secrets);
        assert_eq!(masked, "bad token *** and ***; accept application/json");
    }
}

//! Redirects, followed by the policy itself (reqwest's own follower strips only `Authorization`
//! and `Cookie` and sends a `Referer`). A redirect within the origin keeps the request as it
//! is; one to another origin keeps only the headers that describe the wanted answer — never a
//! credential, never a `Referer` — so a key goes nowhere but the host it was configured for.

use reqwest::header::{HeaderMap, HeaderName};
use reqwest::{Method, Request, StatusCode};
use url::Url;

use super::HttpError;

/// Header names that carry credentials. They never leave their origin; neither does any header
/// marked sensitive (as every key header sora-tui builds is).
const CREDENTIALS: [&str; 8] = [
    "authorization",
    "proxy-authorization",
    "api-key",
    "apikey",
    "x-api-key",
    "cookie",
    "ocp-apim-subscription-key",
    "x-goog-api-key",
];

/// The only headers that follow a request to another origin: what the answer should be (its
/// type, a byte range), never who asks.
const PORTABLE: [&str; 7] = [
    "accept",
    "accept-encoding",
    "accept-language",
    "range",
    "if-range",
    "user-agent",
    "content-type",
];

/// Headers that describe a body, dropped with it when a redirect turns the request into a GET.
const BODY_HEADERS: [&str; 4] = [
    "content-type",
    "content-length",
    "content-encoding",
    "transfer-encoding",
];

pub(crate) fn is_credential(name: &str) -> bool {
    CREDENTIALS.iter().any(|c| name.eq_ignore_ascii_case(c))
}

/// The redirect statuses the policy follows.
pub(crate) fn is_followed(status: StatusCode) -> bool {
    matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308)
}

/// What was sent, to build the next hop from.
pub(crate) struct Sent {
    pub method: Method,
    pub url: Url,
    pub headers: HeaderMap,
    /// The request had a body.
    pub had_body: bool,
    /// A copy that can be sent again, when the body allows it (bytes, JSON; not a stream).
    pub copy: Option<Request>,
}

impl Sent {
    pub fn of(request: &Request) -> Self {
        Sent {
            method: request.method().clone(),
            url: request.url().clone(),
            headers: request.headers().clone(),
            had_body: request.body().is_some(),
            copy: request.try_clone(),
        }
    }
}

/// The next hop.
pub(crate) struct Hop {
    pub request: Request,
    pub cross_origin: bool,
    /// The body went with it (307/308).
    pub kept_body: bool,
}

/// The request a `status` answer with `location` asks for.
pub(crate) fn follow(status: StatusCode, sent: Sent, location: &str) -> Result<Hop, HttpError> {
    let shown = super::redact_url(&sent.url);
    let mut url = sent.url.join(location.trim()).map_err(|_| {
        HttpError::Redirect(format!(
            "{shown} redirected to something that is not a URL ({})",
            super::short_text(location, 100)
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(HttpError::Redirect(format!(
            "{shown} redirected to a `{}:` URL, which sora-tui does not follow",
            url.scheme()
        )));
    }
    // Credentials in a Location are the server's idea; they are not sent either.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    let cross_origin = url.origin() != sent.url.origin();

    let code = status.as_u16();
    let to_get = match code {
        301 | 302 => sent.method == Method::POST,
        303 => sent.method != Method::GET && sent.method != Method::HEAD,
        _ => false,
    };
    let mut headers = sent.headers;
    let (mut request, kept_body) = if to_get || !sent.had_body {
        for name in BODY_HEADERS.iter().filter(|_| to_get) {
            headers.remove(*name);
        }
        let method = if to_get { Method::GET } else { sent.method };
        (Request::new(method, url.clone()), false)
    } else {
        let Some(mut copy) = sent.copy else {
            return Err(HttpError::Redirect(format!(
                "{shown} answered {code} to {}, asking for the body again; a body streamed from disk cannot be sent twice, so it was not",
                super::redact_url(&url)
            )));
        };
        *copy.url_mut() = url.clone();
        (copy, true)
    };
    if cross_origin {
        let names: Vec<HeaderName> = headers.keys().cloned().collect();
        for name in names {
            let portable = PORTABLE.iter().any(|p| name.as_str() == *p)
                && headers.get_all(&name).iter().all(|v| !v.is_sensitive());
            if !portable || is_credential(name.as_str()) {
                headers.remove(&name);
            }
        }
    }
    headers.remove(reqwest::header::REFERER);
    *request.headers_mut() = headers;
    Ok(Hop {
        request,
        cross_origin,
        kept_body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn sent(method: Method, body: Option<&'static str>) -> Sent {
        let mut request = Request::new(
            method,
            Url::parse("https://res.example/jobs/1?api-version=preview").expect("url"),
        );
        let mut key = HeaderValue::from_static("key-value-123");
        key.set_sensitive(true);
        let h = request.headers_mut();
        h.insert("api-key", key);
        h.insert("apikey", HeaderValue::from_static("not-marked-sensitive"));
        h.insert("authorization", HeaderValue::from_static("Bearer t"));
        h.insert("x-custom-key", {
            let mut v = HeaderValue::from_static("custom-secret");
            v.set_sensitive(true);
            v
        });
        h.insert("referer", HeaderValue::from_static("https://res.example/"));
        h.insert("accept", HeaderValue::from_static("application/json"));
        h.insert("range", HeaderValue::from_static("bytes=10-"));
        if let Some(b) = body {
            h.insert("content-type", HeaderValue::from_static("application/json"));
            *request.body_mut() = Some(reqwest::Body::from(b));
        }
        Sent::of(&request)
    }

    fn names(r: &Request) -> Vec<&str> {
        let mut n: Vec<&str> = r.headers().keys().map(HeaderName::as_str).collect();
        n.sort_unstable();
        n
    }

    #[test]
    fn another_origin_gets_no_credential_and_no_referer() {
        for code in [301, 302, 303, 307, 308] {
            let status = StatusCode::from_u16(code).expect("status");
            let hop = follow(status, sent(Method::GET, None), "https://cdn.example/v.mp4")
                .expect("followed");
            assert!(hop.cross_origin);
            assert_eq!(names(&hop.request), vec!["accept", "range"], "{code}");
            assert_eq!(hop.request.url().as_str(), "https://cdn.example/v.mp4");
        }
        // Same host, other scheme or port: another origin too.
        let hop = follow(
            StatusCode::FOUND,
            sent(Method::GET, None),
            "http://res.example/jobs/1",
        )
        .expect("followed");
        assert!(hop.cross_origin);
        assert!(!names(&hop.request).contains(&"api-key"));
    }

    #[test]
    fn the_same_origin_keeps_the_request_but_sends_no_referer() {
        let hop = follow(
            StatusCode::TEMPORARY_REDIRECT,
            sent(Method::GET, None),
            "/jobs/2?api-version=preview",
        )
        .expect("followed");
        assert!(!hop.cross_origin);
        assert_eq!(
            names(&hop.request),
            vec![
                "accept",
                "api-key",
                "apikey",
                "authorization",
                "range",
                "x-custom-key"
            ]
        );
        assert_eq!(
            hop.request.url().as_str(),
            "https://res.example/jobs/2?api-version=preview"
        );
    }

    #[test]
    fn methods_and_bodies_follow_the_status() {
        let hop = follow(StatusCode::SEE_OTHER, sent(Method::POST, Some("{}")), "/x").expect("303");
        assert_eq!(hop.request.method(), Method::GET);
        assert!(hop.request.body().is_none());
        assert!(!names(&hop.request).contains(&"content-type"));
        let hop = follow(StatusCode::FOUND, sent(Method::POST, Some("{}")), "/x").expect("302");
        assert_eq!(hop.request.method(), Method::GET);
        let hop = follow(StatusCode::FOUND, sent(Method::DELETE, None), "/x").expect("302");
        assert_eq!(hop.request.method(), Method::DELETE);
        for code in [307, 308] {
            let status = StatusCode::from_u16(code).expect("status");
            let hop = follow(status, sent(Method::POST, Some("{\"a\":1}")), "/x").expect("307");
            assert_eq!(hop.request.method(), Method::POST);
            assert!(hop.kept_body);
            assert_eq!(
                hop.request.body().and_then(reqwest::Body::as_bytes),
                Some(&b"{\"a\":1}"[..])
            );
        }
        let hop = follow(StatusCode::SEE_OTHER, sent(Method::HEAD, None), "/x").expect("303");
        assert_eq!(hop.request.method(), Method::HEAD);
    }

    #[test]
    fn a_streamed_body_is_not_sent_twice_and_odd_locations_are_refused() {
        let mut request = Request::new(
            Method::PATCH,
            Url::parse("https://s.example/upload/1").expect("url"),
        );
        let stream = futures_util::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::new())]);
        *request.body_mut() = Some(reqwest::Body::wrap_stream(stream));
        let err = follow(
            StatusCode::PERMANENT_REDIRECT,
            Sent::of(&request),
            "/elsewhere",
        )
        .err()
        .expect("refused");
        assert!(err.to_string().contains("cannot be sent twice"), "{err}");
        let err = follow(
            StatusCode::FOUND,
            sent(Method::GET, None),
            "file:///etc/passwd",
        )
        .err()
        .expect("refused");
        assert!(err.to_string().contains("file:"), "{err}");
        let hop = follow(
            StatusCode::FOUND,
            sent(Method::GET, None),
            "https://user:pw@cdn.example/v",
        )
        .expect("followed");
        assert_eq!(hop.request.url().as_str(), "https://cdn.example/v");
    }
}

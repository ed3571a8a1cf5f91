//! `multipart/form-data` (RFC 7578) as real clients send it: `storage3` and browsers uploading to
//! Storage, the `openai` SDK creating videos, the Azure quickstart creating inpainting jobs. The
//! parsing is `multer`'s, as strict as a server's must be: the simulator judges clients. Every
//! part is kept, in order, with its name, filename and own content type.

use std::convert::Infallible;

use axum::http::header;
use bytes::Bytes;
use futures_util::FutureExt as _;

/// One part of a form.
#[derive(Clone, Debug)]
pub(crate) struct Part {
    pub(crate) name: Option<String>,
    /// Present on file parts.
    pub(crate) filename: Option<String>,
    /// The part's own `Content-Type`.
    pub(crate) content_type: Option<String>,
    pub(crate) data: Bytes,
}

impl Part {
    pub(crate) fn is_file(&self) -> bool {
        self.filename.is_some()
    }

    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.data).into_owned()
    }
}

#[derive(Debug, Default)]
pub(crate) struct Form {
    pub(crate) parts: Vec<Part>,
}

impl Form {
    /// The first text (non-file) field with this name.
    pub(crate) fn field(&self, name: &str) -> Option<String> {
        self.parts
            .iter()
            .find(|p| !p.is_file() && p.name.as_deref() == Some(name))
            .map(Part::text)
    }

    /// The first file part, whatever its field name.
    pub(crate) fn first_file(&self) -> Option<&Part> {
        self.parts.iter().find(|p| p.is_file())
    }

    /// Every part (file or not) with this field name.
    pub(crate) fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Part> + 'a {
        self.parts
            .iter()
            .filter(move |p| p.name.as_deref() == Some(name))
    }
}

/// The form of a request whose `Content-Type` header is given; `None` when the header is not
/// `multipart/form-data` with a boundary, or the body is not well-formed multipart for it.
pub(crate) fn parse_request(content_type: &str, body: &Bytes) -> Option<Form> {
    match multer::parse_boundary(content_type) {
        Ok(boundary) => parse(body, &boundary),
        Err(error) => {
            tracing::debug!(%error, content_type, "simulator refused a multipart content type");
            None
        }
    }
}

/// `None` when the body is not well-formed multipart for this boundary.
pub(crate) fn parse(body: &Bytes, boundary: &str) -> Option<Form> {
    // The body is already in memory, so every poll is ready at once: no runtime is needed. A
    // poll that did not finish (it cannot) would count as a malformed body, never be waited on.
    match read_form(body.clone(), boundary).now_or_never() {
        Some(Ok(form)) => Some(form),
        Some(Err(error)) => {
            tracing::debug!(%error, "simulator refused a multipart body");
            None
        }
        None => None,
    }
}

async fn read_form(body: Bytes, boundary: &str) -> multer::Result<Form> {
    let stream = futures_util::stream::once(async move { Ok::<Bytes, Infallible>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut form = Form::default();
    while let Some(field) = multipart.next_field().await? {
        let name = field.name().map(str::to_string);
        let filename = field.file_name().map(str::to_string);
        // The header as sent (`mime` would rewrite it).
        let content_type = field
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(|value| value.trim().to_string());
        let data = field.bytes().await?;
        form.parts.push(Part {
            name,
            filename,
            content_type,
            data,
        });
    }
    Ok(form)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_files_and_fields() {
        let body = Bytes::from_static(
            b"--XyZ\r\nContent-Disposition: form-data; name=\"cacheControl\"\r\n\r\n3600\r\n--XyZ\r\nContent-Disposition: form-data; name=\"\"; filename=\"a.mp4\"\r\nContent-Type: video/mp4\r\n\r\nDATA\r\nMORE\r\n--XyZ\r\nContent-Disposition: form-data; name=\"files\"; filename=\"b.png\"\r\n\r\nPNG\r\n--XyZ--\r\n",
        );
        let form = parse_request("multipart/form-data; boundary=\"XyZ\"", &body)
            .expect("well-formed multipart in the test");
        let file = form.first_file().expect("a file part");
        assert_eq!(&file.data[..], &b"DATA\r\nMORE"[..]);
        assert_eq!(file.content_type.as_deref(), Some("video/mp4"));
        assert_eq!(form.field("cacheControl").as_deref(), Some("3600"));
        let files: Vec<_> = form.all("files").collect();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].filename.as_deref(), Some("b.png"));
        assert!(parse(&Bytes::from_static(b"garbage"), "XyZ").is_none());
    }

    #[test]
    fn a_delimiter_must_end_its_line() {
        // `--XyZ` followed by anything but CRLF (or `--`) is not a delimiter line (RFC 2046
        // §5.1.1): a client that writes this has a bug the simulator must not hide.
        let body = Bytes::from_static(
            b"--XyZxxContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--XyZ--\r\n",
        );
        assert!(parse(&body, "XyZ").is_none());
    }

    #[test]
    fn a_quoted_filename_keeps_its_semicolons_and_escaped_quotes() {
        let body = Bytes::from_static(
            b"--XyZ\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a;b \\\"c\\\".png\"\r\n\r\nPNG\r\n--XyZ--\r\n",
        );
        let form = parse(&body, "XyZ").expect("well-formed multipart in the test");
        let file = form.first_file().expect("a file part");
        assert_eq!(file.filename.as_deref(), Some("a;b \"c\".png"));
        assert_eq!(&file.data[..], &b"PNG"[..]);
    }
}

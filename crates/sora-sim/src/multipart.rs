//! Just enough `multipart/form-data` (RFC 7578) to read what real clients send: `storage3` and
//! browsers uploading to Storage, the `openai` SDK creating videos, the Azure quickstart creating
//! inpainting jobs. Every part is kept, in order, with its name, filename and own content type.

use bytes::Bytes;

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

/// The `boundary` parameter of a `Content-Type` header.
pub(crate) fn boundary(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.trim().split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| value.trim().trim_matches('"').to_string())
    })
}

/// The form of a request whose `Content-Type` header is given; `None` when the header has no
/// boundary or the body is not well-formed multipart for it.
pub(crate) fn parse_request(content_type: &str, body: &Bytes) -> Option<Form> {
    parse(body, &boundary(content_type)?)
}

/// `None` when the body is not well-formed multipart for this boundary.
pub(crate) fn parse(body: &Bytes, boundary: &str) -> Option<Form> {
    let delimiter = format!("--{boundary}");
    let mut form = Form::default();
    let mut position = find(body, delimiter.as_bytes(), 0)? + delimiter.len();
    loop {
        if body.get(position..position + 2) == Some(b"--") {
            return Some(form);
        }
        // Skip the CRLF after the delimiter.
        position = position.checked_add(2).filter(|p| *p <= body.len())?;
        let headers_end = find(body, b"\r\n\r\n", position)?;
        let headers = std::str::from_utf8(&body[position..headers_end]).ok()?;
        let content_start = headers_end + 4;
        let next = find(body, format!("\r\n{delimiter}").as_bytes(), content_start)?;
        form.parts
            .push(read_part(headers, body.slice(content_start..next)));
        position = next + 2 + delimiter.len();
    }
}

fn read_part(headers: &str, data: Bytes) -> Part {
    let mut part = Part {
        name: None,
        filename: None,
        content_type: None,
        data,
    };
    for line in headers.split("\r\n") {
        let Some((header, value)) = line.split_once(':') else {
            continue;
        };
        let header = header.trim().to_ascii_lowercase();
        if header == "content-disposition" {
            for param in value.split(';').skip(1) {
                if let Some((key, val)) = param.trim().split_once('=') {
                    let val = val.trim().trim_matches('"').to_string();
                    match key.trim().to_ascii_lowercase().as_str() {
                        "name" => part.name = Some(val),
                        "filename" => part.filename = Some(val),
                        _ => {}
                    }
                }
            }
        } else if header == "content-type" {
            part.content_type = Some(value.trim().to_string());
        }
    }
    part
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_files_and_fields() {
        let body = Bytes::from_static(
            b"--XyZ\r\nContent-Disposition: form-data; name=\"cacheControl\"\r\n\r\n3600\r\n--XyZ\r\nContent-Disposition: form-data; name=\"\"; filename=\"a.mp4\"\r\nContent-Type: video/mp4\r\n\r\nDATA\r\nMORE\r\n--XyZ\r\nContent-Disposition: form-data; name=\"files\"; filename=\"b.png\"\r\n\r\nPNG\r\n--XyZ--\r\n",
        );
        assert_eq!(
            boundary("multipart/form-data; boundary=\"XyZ\"").as_deref(),
            Some("XyZ")
        );
        let form = parse(&body, "XyZ").expect("well-formed multipart in the test");
        let file = form.first_file().expect("a file part");
        assert_eq!(&file.data[..], &b"DATA\r\nMORE"[..]);
        assert_eq!(file.content_type.as_deref(), Some("video/mp4"));
        assert_eq!(form.field("cacheControl").as_deref(), Some("3600"));
        let files: Vec<_> = form.all("files").collect();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].filename.as_deref(), Some("b.png"));
        assert!(parse(&Bytes::from_static(b"garbage"), "XyZ").is_none());
    }
}

//! Just enough `multipart/form-data` to read an upload as `storage3` (and browsers) send it:
//! one file part plus the `cacheControl`, `contentType` and `metadata` text fields.

use bytes::Bytes;

#[derive(Debug, Default)]
pub(crate) struct MultipartUpload {
    pub(crate) file: Option<Bytes>,
    /// The file part's own `Content-Type`.
    pub(crate) file_content_type: Option<String>,
    /// Text fields: (name, value).
    pub(crate) fields: Vec<(String, String)>,
}

impl MultipartUpload {
    pub(crate) fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
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

/// `None` when the body is not well-formed multipart for this boundary.
pub(crate) fn parse(body: &Bytes, boundary: &str) -> Option<MultipartUpload> {
    let delimiter = format!("--{boundary}");
    let mut upload = MultipartUpload::default();
    let mut position = find(body, delimiter.as_bytes(), 0)? + delimiter.len();
    loop {
        if body.get(position..position + 2) == Some(b"--") {
            return Some(upload);
        }
        // Skip the CRLF after the delimiter.
        position = position.checked_add(2).filter(|p| *p <= body.len())?;
        let headers_end = find(body, b"\r\n\r\n", position)?;
        let headers = std::str::from_utf8(&body[position..headers_end]).ok()?;
        let content_start = headers_end + 4;
        let next = find(body, format!("\r\n{delimiter}").as_bytes(), content_start)?;
        let content = body.slice(content_start..next);
        add_part(&mut upload, headers, content);
        position = next + 2 + delimiter.len();
    }
}

fn add_part(upload: &mut MultipartUpload, headers: &str, content: Bytes) {
    let mut name = None;
    let mut filename = None;
    let mut content_type = None;
    for line in headers.split("\r\n") {
        let Some((header, value)) = line.split_once(':') else {
            continue;
        };
        let header = header.trim().to_ascii_lowercase();
        if header == "content-disposition" {
            for param in value.split(';').skip(1) {
                if let Some((key, val)) = param.trim().split_once('=') {
                    let val = val.trim().trim_matches('"').to_string();
                    match key.trim() {
                        "name" => name = Some(val),
                        "filename" => filename = Some(val),
                        _ => {}
                    }
                }
            }
        } else if header == "content-type" {
            content_type = Some(value.trim().to_string());
        }
    }
    if filename.is_some() && upload.file.is_none() {
        upload.file = Some(content);
        upload.file_content_type = content_type;
    } else if let Some(name) = name {
        upload
            .fields
            .push((name, String::from_utf8_lossy(&content).into_owned()));
    }
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
    fn reads_file_and_fields() {
        let body = Bytes::from_static(
            b"--XyZ\r\nContent-Disposition: form-data; name=\"cacheControl\"\r\n\r\n3600\r\n--XyZ\r\nContent-Disposition: form-data; name=\"\"; filename=\"a.mp4\"\r\nContent-Type: video/mp4\r\n\r\nDATA\r\nMORE\r\n--XyZ--\r\n",
        );
        assert_eq!(
            boundary("multipart/form-data; boundary=\"XyZ\"").as_deref(),
            Some("XyZ")
        );
        let upload = parse(&body, "XyZ").expect("well-formed multipart in the test");
        assert_eq!(upload.file.as_deref(), Some(&b"DATA\r\nMORE"[..]));
        assert_eq!(upload.file_content_type.as_deref(), Some("video/mp4"));
        assert_eq!(upload.field("cacheControl"), Some("3600"));
        assert!(parse(&Bytes::from_static(b"garbage"), "XyZ").is_none());
    }
}

//! Upload bodies streamed to disk as they arrive, and object content that lives in a file: a
//! 1 GiB upload costs the simulator a few buffers of memory, not 1 GiB (a benchmark of a client
//! must never measure the simulator instead).
//!
//! Only the upload routes spool (`POST`/`PUT /object/{bucket}/{key}`, TUS `PATCH`): their
//! handlers read [`Spooled`] and keep every check they had on in-memory bodies, in the same
//! order, since the whole body is on disk (and counted) before any is made. Every other request
//! is small JSON, read into memory as before.

use std::convert::Infallible;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, header};
use bytes::Bytes;
use futures_util::StreamExt as _;
use md5::Digest as _;

use crate::record::RECORDED_BODY_LIMIT;

/// Block size of the file reads and writes.
const BLOCK: usize = 256 * 1024;

/// A body (or a form's file part) written to a temporary file, with its length and MD5.
#[derive(Debug)]
pub(crate) struct Blob {
    pub(crate) file: tempfile::NamedTempFile,
    pub(crate) len: u64,
    /// Hex, unquoted.
    pub(crate) md5: String,
}

impl Blob {
    /// The blob as an object's content (the file is removed with the last object using it).
    pub(crate) fn into_content(self) -> Content {
        let path = self.file.into_temp_path();
        Content::File(Arc::new(FileContent {
            path: path.to_path_buf(),
            len: self.len,
            _temp: Some(path),
        }))
    }

    /// A reader of the blob from its start.
    pub(crate) fn reader(&self) -> io::Result<std::fs::File> {
        let mut file = self.file.reopen()?;
        file.seek(SeekFrom::Start(0))?;
        Ok(file)
    }
}

/// A spooled upload request body.
#[derive(Debug)]
pub(crate) struct Spooled {
    /// The first [`RECORDED_BODY_LIMIT`] bytes, for the request log.
    pub(crate) head: Bytes,
    /// Taken (once) by the handler that stores it.
    body: std::sync::Mutex<Option<SpooledBody>>,
}

impl Spooled {
    fn new(head: Bytes, body: SpooledBody) -> Self {
        Self {
            head,
            body: std::sync::Mutex::new(Some(body)),
        }
    }

    /// The body, for the one handler that uses it.
    pub(crate) fn take(&self) -> Option<SpooledBody> {
        self.body
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
    }
}

#[derive(Debug)]
pub(crate) enum SpooledBody {
    Raw(Blob),
    /// `multipart/form-data`; `None` when the body is not well-formed multipart.
    Form(Option<SpooledForm>),
}

/// A form whose first file part is on disk; every other part is text, kept in memory.
#[derive(Debug, Default)]
pub(crate) struct SpooledForm {
    /// Non-file parts: name and text.
    pub(crate) fields: Vec<(Option<String>, String)>,
    /// The first file part: its own `Content-Type` and its bytes.
    pub(crate) file: Option<(Option<String>, Blob)>,
}

impl SpooledForm {
    /// The first text (non-file) field with this name.
    pub(crate) fn field(&self, name: &str) -> Option<String> {
        self.fields
            .iter()
            .find(|(n, _)| n.as_deref() == Some(name))
            .map(|(_, text)| text.clone())
    }
}

/// An object's bytes: in memory (seeded, small) or in a file (uploaded).
#[derive(Clone, Debug)]
pub(crate) enum Content {
    Memory(Bytes),
    File(Arc<FileContent>),
}

#[derive(Debug)]
pub(crate) struct FileContent {
    path: PathBuf,
    len: u64,
    /// Set for a temporary file: removed when the last object using it goes.
    _temp: Option<tempfile::TempPath>,
}

impl Content {
    /// A file the simulator does not own (a saved object of `--data DIR`): never removed here.
    pub(crate) fn saved_file(path: PathBuf) -> io::Result<Self> {
        let len = std::fs::metadata(&path)?.len();
        Ok(Content::File(Arc::new(FileContent {
            path,
            len,
            _temp: None,
        })))
    }

    pub(crate) fn len(&self) -> u64 {
        match self {
            Content::Memory(data) => data.len() as u64,
            Content::File(file) => file.len,
        }
    }

    /// The bytes ready to be sent: a file is opened now, so a missing one is an error before
    /// any header goes out (once open, it stays readable even if the object goes meanwhile).
    pub(crate) fn open(&self) -> io::Result<Opened> {
        match self {
            Content::Memory(data) => Ok(Opened::Memory(data.clone())),
            Content::File(file) => std::fs::File::open(&file.path).map(Opened::File),
        }
    }

    /// The file the content is read from, if any.
    pub(crate) fn file_path(&self) -> Option<&Path> {
        match self {
            Content::Memory(_) => None,
            Content::File(file) => Some(&file.path),
        }
    }

    /// Writes the content to `dest` (a hard link when the file system allows).
    pub(crate) fn save_to(&self, dest: &Path) -> io::Result<()> {
        match self {
            Content::Memory(data) => std::fs::write(dest, data),
            Content::File(file) => {
                if std::fs::hard_link(&file.path, dest).is_ok() {
                    return Ok(());
                }
                std::fs::copy(&file.path, dest).map(drop)
            }
        }
    }
}

/// Content opened for one answer.
pub(crate) enum Opened {
    Memory(Bytes),
    File(std::fs::File),
}

impl Opened {
    /// Bytes `start..start + len` as a response body, read from the file as it is sent.
    pub(crate) fn body(self, start: u64, len: u64) -> Body {
        match self {
            Opened::Memory(data) => {
                let from = usize::try_from(start).unwrap_or(usize::MAX).min(data.len());
                let to = usize::try_from(start.saturating_add(len))
                    .unwrap_or(usize::MAX)
                    .min(data.len());
                Body::from(data.slice(from..to))
            }
            Opened::File(mut file) => {
                if let Err(error) = file.seek(SeekFrom::Start(start)) {
                    return Body::from_stream(futures_util::stream::once(async move {
                        Err::<Bytes, _>(error)
                    }));
                }
                let reader = tokio::io::AsyncReadExt::take(tokio::fs::File::from_std(file), len);
                Body::from_stream(tokio_util::io::ReaderStream::with_capacity(reader, BLOCK))
            }
        }
    }
}

/// Where temporary files go: under the data directory when there is one (so a saved object is
/// a hard link away), else the system's temporary directory.
pub(crate) fn temp_dir(data_dir: Option<&Path>) -> PathBuf {
    match data_dir {
        Some(dir) => dir.join("storage").join("tmp"),
        None => std::env::temp_dir(),
    }
}

pub(crate) fn new_temp(dir: &Path) -> io::Result<tempfile::NamedTempFile> {
    std::fs::create_dir_all(dir)?;
    tempfile::Builder::new()
        .prefix(".sora-sim-")
        .tempfile_in(dir)
}

/// Why a body could not be spooled.
#[derive(Debug)]
pub(crate) enum SpoolError {
    /// Longer than the simulator reads at all.
    TooLarge,
    /// The connection failed mid-body.
    Body(String),
    /// The disk failed.
    Disk(String),
}

/// Writes a stream of chunks to a new blob, hashing as it goes; at most `limit` bytes.
struct Writer {
    file: tempfile::NamedTempFile,
    len: u64,
    md5: md5::Md5,
    head: Vec<u8>,
    limit: u64,
}

impl Writer {
    fn new(dir: &Path, limit: u64) -> Result<Self, SpoolError> {
        Ok(Self {
            file: new_temp(dir).map_err(|e| SpoolError::Disk(e.to_string()))?,
            len: 0,
            md5: md5::Md5::new(),
            head: Vec::new(),
            limit,
        })
    }

    fn write(&mut self, chunk: &[u8]) -> Result<(), SpoolError> {
        self.len += chunk.len() as u64;
        if self.len > self.limit {
            return Err(SpoolError::TooLarge);
        }
        self.md5.update(chunk);
        self.file
            .write_all(chunk)
            .map_err(|e| SpoolError::Disk(e.to_string()))
    }

    fn finish(mut self) -> Result<Blob, SpoolError> {
        self.file
            .flush()
            .map_err(|e| SpoolError::Disk(e.to_string()))?;
        Ok(Blob {
            file: self.file,
            len: self.len,
            md5: crate::wire::hex(&self.md5.finalize()),
        })
    }
}

/// The request body on disk; with `forms`, a `multipart/form-data` body is parsed as it comes
/// (its first file part on disk, its fields in memory).
pub(crate) async fn spool(
    headers: &HeaderMap,
    body: Body,
    forms: bool,
    dir: &Path,
    limit: u64,
) -> Result<Spooled, SpoolError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let is_form = forms
        && content_type
            .split(';')
            .next()
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("multipart/form-data"));
    let mut raw = Writer::new(dir, limit)?;
    let mut stream = body.into_data_stream();
    if !is_form {
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| SpoolError::Body(e.to_string()))?;
            keep_head(&mut raw.head, &chunk);
            raw.write(&chunk)?;
        }
        let head = Bytes::from(std::mem::take(&mut raw.head));
        return Ok(Spooled::new(head, SpooledBody::Raw(raw.finish()?)));
    }
    // A form is parsed as it arrives; the raw body is only counted (and its head kept).
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, Infallible>>(4);
    let parse = read_form(content_type, rx, dir.to_path_buf(), limit);
    let feed = async {
        let mut head = Vec::new();
        let mut total = 0u64;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| SpoolError::Body(e.to_string()))?;
            total += chunk.len() as u64;
            if total > limit {
                return Err(SpoolError::TooLarge);
            }
            keep_head(&mut head, &chunk);
            // The parser may stop early (a malformed body): read the rest all the same.
            let _ = tx.send(Ok(chunk)).await;
        }
        drop(tx);
        Ok(Bytes::from(head))
    };
    let (form, head) = tokio::join!(parse, feed);
    Ok(Spooled::new(head?, SpooledBody::Form(form?)))
}

fn keep_head(head: &mut Vec<u8>, chunk: &[u8]) {
    let room = RECORDED_BODY_LIMIT.saturating_sub(head.len());
    head.extend_from_slice(&chunk[..room.min(chunk.len())]);
}

/// `multer`'s strict parse, as `multipart::parse` does it, with the first file part written to
/// disk. `Ok(None)`: not well-formed multipart.
async fn read_form(
    content_type: String,
    rx: tokio::sync::mpsc::Receiver<Result<Bytes, Infallible>>,
    dir: PathBuf,
    limit: u64,
) -> Result<Option<SpooledForm>, SpoolError> {
    let Ok(boundary) = multer::parse_boundary(&content_type) else {
        return Ok(None);
    };
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut form = SpooledForm::default();
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return Ok(Some(form)),
            Err(error) => {
                tracing::debug!(%error, "simulator refused a multipart body");
                return Ok(None);
            }
        };
        let name = field.name().map(str::to_string);
        let is_file = field.file_name().is_some();
        let part_type = field
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(|value| value.trim().to_string());
        if is_file && form.file.is_none() {
            let mut writer = Writer::new(&dir, limit)?;
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) => writer.write(&chunk)?,
                    Ok(None) => break,
                    Err(error) => {
                        tracing::debug!(%error, "simulator refused a multipart body");
                        return Ok(None);
                    }
                }
            }
            form.file = Some((part_type, writer.finish()?));
        } else {
            // Later file parts are read (the body must be well-formed to its end) and dropped.
            let mut text = Vec::new();
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) if !is_file => text.extend_from_slice(&chunk),
                    Ok(Some(_)) => {}
                    Ok(None) => break,
                    Err(error) => {
                        tracing::debug!(%error, "simulator refused a multipart body");
                        return Ok(None);
                    }
                }
            }
            if !is_file {
                form.fields
                    .push((name, String::from_utf8_lossy(&text).into_owned()));
            }
        }
    }
}

/// Appends `len` bytes of `from` (at its current position) to `to`, hashing them too.
pub(crate) fn append(
    from: &mut impl Read,
    len: u64,
    to: &mut impl Write,
    md5: &mut md5::Md5,
) -> io::Result<u64> {
    let mut buffer = vec![0u8; BLOCK];
    let mut left = len;
    while left > 0 {
        let want = usize::try_from(left).unwrap_or(BLOCK).min(BLOCK);
        let n = from.read(&mut buffer[..want])?;
        if n == 0 {
            break;
        }
        md5.update(&buffer[..n]);
        to.write_all(&buffer[..n])?;
        left -= n as u64;
    }
    Ok(len - left)
}

//! The structure check of an MP4 (ISO base media file, ISO/IEC 14496-12 §4.2): the top-level
//! boxes must follow one another from byte 0 exactly to the end of the file, the first must be
//! `ftyp`, a `moov` (the index a player needs) must be there, and the boxes inside `moov` must
//! fill it exactly. A body cut short (a server that under-reports `Content-Length`, a
//! connection that ends a body without a length) fails because its last box runs past the end;
//! an error page behind a fake `ftyp` fails because what follows is not a box.
//!
//! Pure: the walk reads box headers through a closure (`read_at(offset, buf)` fills `buf` from
//! `offset` or fails), so it runs on a file without loading it and on a byte slice in tests and
//! fuzzing ([`check_bytes`]). Bounded: at most [`MAX_BOXES`] headers are read.

/// Headers read at most (top level and inside `moov`): a real file has a handful; millions of
/// tiny boxes are not a video.
pub const MAX_BOXES: usize = 100_000;

/// Why a body is not a well-formed MP4.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Mp4Error {
    #[error("it does not start with an MP4 `ftyp` box")]
    NoFtyp,
    #[error(
        "the `{kind}` box at byte {offset} runs to byte {end}, past the end at byte {len}: it is cut short (or not an MP4 at all)"
    )]
    Truncated {
        kind: String,
        offset: u64,
        end: u64,
        len: u64,
    },
    #[error("byte {offset} is not the start of an MP4 box ({why})")]
    NotABox { offset: u64, why: &'static str },
    #[error("it has no `moov` box (the index a player needs to play it)")]
    NoMoov,
    #[error("it has more than {MAX_BOXES} boxes")]
    TooManyBoxes,
    #[error("it could not be read back: {0}")]
    Read(String),
}

/// One box header: where it starts, its four-character type, header length and whole size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct BoxHeader {
    offset: u64,
    kind: [u8; 4],
    header: u64,
    size: u64,
}

impl BoxHeader {
    fn end(&self) -> u64 {
        // `read_header` checked that this does not overflow.
        self.offset + self.size
    }

    fn kind_text(&self) -> String {
        String::from_utf8_lossy(&self.kind).into_owned()
    }
}

/// Check the structure of a whole MP4 held in memory.
pub fn check_bytes(data: &[u8]) -> Result<(), Mp4Error> {
    check(data.len() as u64, |offset, buf| {
        let start = usize::try_from(offset).map_err(|_| "offset out of range".to_string())?;
        let end = start
            .checked_add(buf.len())
            .filter(|&e| e <= data.len())
            .ok_or_else(|| "read past the end".to_string())?;
        buf.copy_from_slice(&data[start..end]);
        Ok(())
    })
}

/// Check the structure of an MP4 of `len` bytes, reading box headers with `read_at`.
pub fn check<F>(len: u64, mut read_at: F) -> Result<(), Mp4Error>
where
    F: FnMut(u64, &mut [u8]) -> Result<(), String>,
{
    let mut first = [0u8; 8];
    if len < 8 || read_at(0, &mut first).is_err() || &first[4..8] != b"ftyp" {
        return Err(Mp4Error::NoFtyp);
    }
    let mut budget = MAX_BOXES;
    let mut offset = 0u64;
    let mut moov = false;
    while offset < len {
        let b = read_header(offset, len, &mut read_at, &mut budget)?;
        if offset == 0 && b.size < b.header + 8 {
            return Err(Mp4Error::NoFtyp);
        }
        if &b.kind == b"moov" {
            moov = true;
            let mut inner = b.offset + b.header;
            while inner < b.end() {
                inner = read_header(inner, b.end(), &mut read_at, &mut budget)?.end();
            }
        }
        offset = b.end();
    }
    if !moov {
        return Err(Mp4Error::NoMoov);
    }
    Ok(())
}

/// The header of the box at `offset`, which must end at or before `limit` (the end of the file
/// or of the enclosing box).
fn read_header<F>(
    offset: u64,
    limit: u64,
    read_at: &mut F,
    budget: &mut usize,
) -> Result<BoxHeader, Mp4Error>
where
    F: FnMut(u64, &mut [u8]) -> Result<(), String>,
{
    *budget = budget.checked_sub(1).ok_or(Mp4Error::TooManyBoxes)?;
    let left = limit - offset;
    if left < 8 {
        return Err(Mp4Error::NotABox {
            offset,
            why: "fewer than 8 bytes left for a box header",
        });
    }
    let mut head = [0u8; 8];
    read_at(offset, &mut head).map_err(Mp4Error::Read)?;
    let size32 = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
    let kind = [head[4], head[5], head[6], head[7]];
    if !kind.iter().all(|c| (0x20..=0x7e).contains(c)) {
        return Err(Mp4Error::NotABox {
            offset,
            why: "its type is not four printable characters",
        });
    }
    let (header, size) = match size32 {
        // A 64-bit size follows the type.
        1 => {
            if left < 16 {
                return Err(Mp4Error::NotABox {
                    offset,
                    why: "its 64-bit size is cut off",
                });
            }
            let mut large = [0u8; 8];
            read_at(offset + 8, &mut large).map_err(Mp4Error::Read)?;
            (16, u64::from_be_bytes(large))
        }
        // The box runs to the end of the file (or of its parent).
        0 => (8, left),
        n => (8, u64::from(n)),
    };
    if size < header {
        return Err(Mp4Error::NotABox {
            offset,
            why: "its size is smaller than its header",
        });
    }
    let b = BoxHeader {
        offset,
        kind,
        header,
        size,
    };
    match offset.checked_add(size) {
        Some(end) if end <= limit => Ok(b),
        Some(end) => Err(Mp4Error::Truncated {
            kind: b.kind_text(),
            offset,
            end,
            len: limit,
        }),
        None => Err(Mp4Error::NotABox {
            offset,
            why: "its size runs past any possible file",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A box of `kind` around `body`, with a 32-bit size.
    fn b(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut v = ((body.len() + 8) as u32).to_be_bytes().to_vec();
        v.extend_from_slice(kind);
        v.extend_from_slice(body);
        v
    }

    fn ftyp() -> Vec<u8> {
        b(b"ftyp", b"isom\0\0\x02\0isomiso2")
    }

    fn moov() -> Vec<u8> {
        let mut body = b(b"mvhd", &[0; 100]);
        body.extend(b(b"trak", &b(b"tkhd", &[0; 84])));
        b(b"moov", &body)
    }

    fn file(parts: &[Vec<u8>]) -> Vec<u8> {
        parts.concat()
    }

    /// Laid out like the simulator's sample: ftyp, moov, free, then a large mdat.
    fn sample() -> Vec<u8> {
        file(&[ftyp(), moov(), b(b"free", &[]), b(b"mdat", &[9; 47_000])])
    }

    #[test]
    fn a_minimal_file_passes_with_32_and_64_bit_sizes_and_a_box_to_the_end() {
        let plain = file(&[ftyp(), moov(), b(b"mdat", &[7; 500])]);
        assert_eq!(check_bytes(&plain), Ok(()));
        // mdat with size == 1 and a 64-bit size.
        let mut large = 1u32.to_be_bytes().to_vec();
        large.extend_from_slice(b"mdat");
        large.extend_from_slice(&(16u64 + 500).to_be_bytes());
        large.extend_from_slice(&[7; 500]);
        assert_eq!(check_bytes(&file(&[ftyp(), moov(), large])), Ok(()));
        // mdat with size == 0: to the end of the file.
        let mut to_end = 0u32.to_be_bytes().to_vec();
        to_end.extend_from_slice(b"mdat");
        to_end.extend_from_slice(&[7; 500]);
        assert_eq!(check_bytes(&file(&[ftyp(), moov(), to_end])), Ok(()));
        // moov after mdat (not "fast start") is fine too.
        assert_eq!(
            check_bytes(&file(&[ftyp(), b(b"mdat", &[1; 50]), moov()])),
            Ok(())
        );
    }

    #[test]
    fn a_file_cut_short_fails_as_truncated() {
        let whole = file(&[ftyp(), moov(), b(b"mdat", &[7; 5000])]);
        for cut in [1000, 2500, whole.len() - 1] {
            let err = check_bytes(&whole[..cut]).expect_err("cut short");
            assert!(
                matches!(err, Mp4Error::Truncated { .. } | Mp4Error::NotABox { .. }),
                "{cut}: {err}"
            );
        }
        let sample = sample();
        assert_eq!(check_bytes(&sample), Ok(()));
        let err = check_bytes(&sample[..sample.len() - 1000]).expect_err("short by 1000 B");
        assert!(err.to_string().contains("cut short"), "{err}");
        let half = check_bytes(&sample[..sample.len() / 2]).expect_err("half");
        assert!(matches!(half, Mp4Error::Truncated { .. }), "{half}");
    }

    #[test]
    fn extra_bytes_after_the_last_box_fail() {
        let mut data = file(&[ftyp(), moov(), b(b"mdat", &[7; 50])]);
        data.extend_from_slice(&[0xAB; 5]);
        assert!(matches!(check_bytes(&data), Err(Mp4Error::NotABox { .. })));
        // A sample with a second copy of its tail appended (a resume that repeated bytes).
        let sample = sample();
        let mut doubled = sample.to_vec();
        doubled.extend_from_slice(&sample[sample.len() - 4096..]);
        assert!(check_bytes(&doubled).is_err());
    }

    #[test]
    fn an_error_page_behind_a_fake_ftyp_fails() {
        let mut page = b(b"ftyp", b"isom\0\0\0\0isom");
        page.extend_from_slice(b"<!DOCTYPE html><html><body>Service Unavailable</body></html>\n");
        assert!(check_bytes(&page).is_err());
        assert_eq!(
            check_bytes(b"<html><body>oops</body></html>"),
            Err(Mp4Error::NoFtyp)
        );
        assert_eq!(check_bytes(b""), Err(Mp4Error::NoFtyp));
    }

    #[test]
    fn moov_is_required_and_its_children_must_fill_it() {
        assert_eq!(
            check_bytes(&file(&[ftyp(), b(b"mdat", &[7; 50])])),
            Err(Mp4Error::NoMoov)
        );
        // A moov whose child claims more than the moov holds.
        let mut child = b(b"mvhd", &[0; 100]);
        child[3] = 200;
        let bad = file(&[ftyp(), b(b"moov", &child), b(b"mdat", &[7; 50])]);
        assert!(matches!(check_bytes(&bad), Err(Mp4Error::Truncated { .. })));
    }

    #[test]
    fn impossible_sizes_are_refused_without_panicking() {
        // size smaller than the header
        let mut tiny = ftyp();
        tiny.extend_from_slice(&[0, 0, 0, 4]);
        tiny.extend_from_slice(b"moov");
        assert!(matches!(check_bytes(&tiny), Err(Mp4Error::NotABox { .. })));
        // a 64-bit size that overflows
        let mut huge = ftyp();
        huge.extend_from_slice(&1u32.to_be_bytes());
        huge.extend_from_slice(b"mdat");
        huge.extend_from_slice(&u64::MAX.to_be_bytes());
        assert!(check_bytes(&huge).is_err());
        // a 64-bit size cut off
        let mut cut = ftyp();
        cut.extend_from_slice(&1u32.to_be_bytes());
        cut.extend_from_slice(b"mdat\0\0");
        assert!(check_bytes(&cut).is_err());
        // a non-printable type
        let mut binary = ftyp();
        binary.extend(b(&[0, 1, 2, 3], &[0; 8]));
        assert!(matches!(
            check_bytes(&binary),
            Err(Mp4Error::NotABox { .. })
        ));
    }

    #[test]
    fn the_walk_is_bounded() {
        let mut data = file(&[ftyp(), moov()]);
        for _ in 0..(MAX_BOXES + 1) {
            data.extend(b(b"free", &[]));
        }
        assert_eq!(check_bytes(&data), Err(Mp4Error::TooManyBoxes));
    }
}

//! What a model accepts and what it costs, as data: the dashboard draws its parameter choices
//! and cost estimate from it, and every request is checked against it before anything is sent
//! (a refused request costs nothing; an invalid one sent can cost a round trip or money).

use std::path::Path;

use super::{GenerationRequest, Size};

/// One frame size a model offers, with its variant limit and price.
#[derive(Debug, Clone, PartialEq)]
pub struct SizeOption {
    pub size: Size,
    pub max_variants: u32,
    /// US dollars per second of output, if known.
    pub price_per_second: Option<f64>,
}

/// The documented limits of one model (or deployment) of one API family.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelProfile {
    /// The model as the user knows it: `sora`, `sora-2`, `sora-2-pro`.
    pub model: String,
    pub sizes: Vec<SizeOption>,
    /// Allowed clip lengths, ascending.
    pub seconds: Vec<u32>,
    pub default_seconds: u32,
    /// Image-to-video: the reference image must have exactly the requested size.
    pub image_must_match_size: bool,
}

/// Longest prompt accepted before sending (the APIs document no limit; this guards against a
/// pasted file, not a real prompt).
pub const MAX_PROMPT_CHARS: usize = 4000;
/// Largest reference image accepted (the services document no limit; this is far above any
/// first frame up to 1792x1024, and keeps a wrong path from filling memory).
pub const MAX_IMAGE_BYTES: u64 = 20 * 1024 * 1024;

/// A reference image's bytes: a regular file of at most [`MAX_IMAGE_BYTES`]; `/dev/zero`, a
/// FIFO or a directory are refused at once.
pub fn read_image_file(path: &Path) -> Result<Vec<u8>, crate::local_file::LocalFileError> {
    crate::local_file::read_regular(path, MAX_IMAGE_BYTES, "image")
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValidationError {
    #[error("the prompt is empty: describe the video you want")]
    EmptyPrompt,
    #[error("the prompt has {0} characters; at most {MAX_PROMPT_CHARS} are accepted")]
    PromptTooLong(usize),
    #[error("size {size} is not offered by {model}; valid sizes: {valid}")]
    Size {
        model: String,
        size: Size,
        valid: String,
    },
    #[error("{seconds} s is not offered by {model}; valid lengths: {valid}")]
    Seconds {
        model: String,
        seconds: u32,
        valid: String,
    },
    #[error("{variants} variants are not offered at {size}; valid: {valid}")]
    Variants {
        variants: u32,
        size: Size,
        valid: String,
    },
    #[error("image {path}: {problem}")]
    Image { path: String, problem: String },
    /// A Runway or fal request the model catalogue refuses.
    #[error(transparent)]
    Catalogue(Box<super::catalogue::CatalogueError>),
    /// A parameter this service does not take (`--param` for a Sora model).
    #[error("{0}")]
    NotTaken(String),
}

impl From<super::catalogue::CatalogueError> for ValidationError {
    fn from(e: super::catalogue::CatalogueError) -> Self {
        ValidationError::Catalogue(Box::new(e))
    }
}

/// Prices used when the config names none (US dollars per second of output), from the public
/// price lists: Sora 2 $0.10, Sora 2 Pro $0.30 at 720p and $0.50 above; Sora 1 has no
/// published figure, so third-party estimators' $0.10 is used.
#[derive(Debug, Clone, PartialEq)]
pub struct Pricing {
    pub sora: f64,
    pub sora_2: f64,
    pub sora_2_pro: f64,
    pub sora_2_pro_hd: f64,
}

impl Default for Pricing {
    fn default() -> Self {
        Self {
            sora: 0.10,
            sora_2: 0.10,
            sora_2_pro: 0.30,
            sora_2_pro_hd: 0.50,
        }
    }
}

const AZURE_SORA_SIZES: [(u32, u32); 9] = [
    (480, 480),
    (480, 854),
    (854, 480),
    (720, 720),
    (720, 1280),
    (1280, 720),
    (1080, 1080),
    (1080, 1920),
    (1920, 1080),
];

impl ModelProfile {
    /// Azure Sora (preview jobs API): nine sizes, 1–20 s, variants 1 at 1080p, 2 at 720p, 4 below.
    pub fn azure_sora(pricing: &Pricing) -> Self {
        let sizes = AZURE_SORA_SIZES
            .iter()
            .map(|&(w, h)| {
                let size = Size::new(w, h);
                SizeOption {
                    size,
                    max_variants: match w.min(h) {
                        1080.. => 1,
                        720.. => 2,
                        _ => 4,
                    },
                    price_per_second: Some(pricing.sora),
                }
            })
            .collect();
        Self {
            model: "sora".into(),
            sizes,
            seconds: (1..=20).collect(),
            default_seconds: 5,
            image_must_match_size: false,
        }
    }

    /// Sora 2 (OpenAI, or an Azure deployment of it): 720p portrait or landscape, 4/8/12 s.
    pub fn sora_2(pricing: &Pricing) -> Self {
        Self {
            model: "sora-2".into(),
            sizes: [(720, 1280), (1280, 720)]
                .iter()
                .map(|&(w, h)| one_variant(w, h, pricing.sora_2))
                .collect(),
            seconds: vec![4, 8, 12],
            default_seconds: 4,
            image_must_match_size: true,
        }
    }

    /// Sora 2 Pro: Sora 2's sizes plus 1024x1792 and 1792x1024, priced higher above 720p.
    pub fn sora_2_pro(pricing: &Pricing) -> Self {
        let mut p = Self::sora_2(pricing);
        p.model = "sora-2-pro".into();
        p.sizes = [
            (720, 1280, pricing.sora_2_pro),
            (1280, 720, pricing.sora_2_pro),
        ]
        .iter()
        .chain(&[
            (1024, 1792, pricing.sora_2_pro_hd),
            (1792, 1024, pricing.sora_2_pro_hd),
        ])
        .map(|&(w, h, price)| one_variant(w, h, price))
        .collect();
        p
    }

    /// The profile for a v1 model name, dated snapshots included (`sora-2-pro-2025-10-06`).
    /// None for a name this build does not know.
    pub fn for_v1_model(model: &str, pricing: &Pricing) -> Option<Self> {
        let m = model.trim().to_ascii_lowercase();
        let mut profile = if m == "sora-2-pro" || m.starts_with("sora-2-pro-20") {
            Self::sora_2_pro(pricing)
        } else if m == "sora-2" || m.starts_with("sora-2-20") {
            Self::sora_2(pricing)
        } else {
            return None;
        };
        profile.model = model.trim().to_string();
        Some(profile)
    }

    pub fn size_option(&self, size: Size) -> Option<&SizeOption> {
        self.sizes.iter().find(|o| o.size == size)
    }

    pub fn max_variants(&self) -> u32 {
        self.sizes.iter().map(|o| o.max_variants).max().unwrap_or(1)
    }

    /// Check everything that can be checked without the network (the image is read from disk
    /// for its type and dimensions).
    pub fn validate(&self, request: &GenerationRequest) -> Result<(), ValidationError> {
        if let Some((name, _)) = request.params.first() {
            return Err(ValidationError::NotTaken(format!(
                "{} takes no parameter {name}: Sora models take --size, --seconds and --variants",
                self.model
            )));
        }
        check_prompt(&request.prompt)?;
        let option = self.check_size(request.size)?;
        self.check_seconds(request.seconds)?;
        Self::check_variants(option, request.variants)?;
        if let Some(path) = &request.image {
            check_image(path, self.image_must_match_size.then_some(request.size))?;
        }
        Ok(())
    }

    /// The size is one this model offers; its limits come back.
    pub fn check_size(&self, size: Size) -> Result<&SizeOption, ValidationError> {
        self.size_option(size).ok_or_else(|| ValidationError::Size {
            model: self.model.clone(),
            size,
            valid: self
                .sizes
                .iter()
                .map(|o| o.size.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        })
    }

    /// The clip length is one this model offers.
    pub fn check_seconds(&self, seconds: u32) -> Result<(), ValidationError> {
        if self.seconds.contains(&seconds) {
            return Ok(());
        }
        Err(ValidationError::Seconds {
            model: self.model.clone(),
            seconds,
            valid: describe_seconds(&self.seconds),
        })
    }

    /// The variant count is offered at this size.
    pub fn check_variants(option: &SizeOption, variants: u32) -> Result<(), ValidationError> {
        if variants == 0 || variants > option.max_variants {
            return Err(ValidationError::Variants {
                variants,
                size: option.size,
                valid: if option.max_variants == 1 {
                    "1 only".into()
                } else {
                    format!("1 to {}", option.max_variants)
                },
            });
        }
        Ok(())
    }

    /// Estimated price of a request in US dollars, if the model's price is known.
    pub fn estimate(&self, request: &GenerationRequest) -> Option<f64> {
        let price = self.size_option(request.size)?.price_per_second?;
        Some(price * f64::from(request.seconds) * f64::from(request.variants.max(1)))
    }
}

fn one_variant(w: u32, h: u32, price: f64) -> SizeOption {
    SizeOption {
        size: Size::new(w, h),
        max_variants: 1,
        price_per_second: Some(price),
    }
}

/// `1 to 20` for a contiguous range, `4, 8, 12` otherwise.
fn describe_seconds(seconds: &[u32]) -> String {
    match (seconds.first(), seconds.last()) {
        (Some(a), Some(b)) if seconds.len() > 3 && (b - a) as usize + 1 == seconds.len() => {
            format!("{a} to {b}")
        }
        _ => seconds
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn check_prompt(prompt: &str) -> Result<(), ValidationError> {
    if prompt.trim().is_empty() {
        return Err(ValidationError::EmptyPrompt);
    }
    let n = prompt.chars().count();
    if n > MAX_PROMPT_CHARS {
        return Err(ValidationError::PromptTooLong(n));
    }
    Ok(())
}

/// An image's kind, from its first bytes (never from its name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Jpeg,
    Png,
    Webp,
}

impl ImageKind {
    pub fn mime(self) -> &'static str {
        match self {
            ImageKind::Jpeg => "image/jpeg",
            ImageKind::Png => "image/png",
            ImageKind::Webp => "image/webp",
        }
    }
}

pub(crate) fn check_image(path: &Path, must_match: Option<Size>) -> Result<(), ValidationError> {
    let fail = |problem: String| ValidationError::Image {
        path: path.display().to_string(),
        problem,
    };
    let bytes = read_image_file(path).map_err(|e| fail(e.problem()))?;
    let Some(kind) = image_kind(&bytes) else {
        return Err(fail("not a JPEG, PNG or WebP image".into()));
    };
    if let Some(want) = must_match {
        match image_size(kind, &bytes) {
            Some(got) if got == want => {}
            Some(got) => {
                return Err(fail(format!(
                    "it is {got}, but this model needs the reference image to be exactly the requested size {want}: resize or crop it first"
                )));
            }
            None => return Err(fail("its dimensions cannot be read".into())),
        }
    }
    Ok(())
}

pub fn image_kind(bytes: &[u8]) -> Option<ImageKind> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageKind::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageKind::Png)
    } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(ImageKind::Webp)
    } else {
        None
    }
}

/// Pixel size from the image header: PNG's IHDR, JPEG's first SOF marker, WebP's VP8/VP8L/VP8X.
pub fn image_size(kind: ImageKind, b: &[u8]) -> Option<Size> {
    let be16 = |i: usize| Some(u32::from(u16::from_be_bytes([*b.get(i)?, *b.get(i + 1)?])));
    let le16 = |i: usize| Some(u32::from(u16::from_le_bytes([*b.get(i)?, *b.get(i + 1)?])));
    let be32 = |i: usize| {
        Some(u32::from_be_bytes([
            *b.get(i)?,
            *b.get(i + 1)?,
            *b.get(i + 2)?,
            *b.get(i + 3)?,
        ]))
    };
    match kind {
        ImageKind::Png => Some(Size::new(be32(16)?, be32(20)?)),
        ImageKind::Jpeg => {
            let mut i = 2;
            while i + 9 < b.len() {
                if b[i] != 0xFF {
                    return None;
                }
                let marker = b[i + 1];
                let len = be16(i + 2)? as usize;
                // SOF0..SOF15 carry the frame size, except DHT (C4), JPG (C8) and DAC (CC).
                if (0xC0..=0xCF).contains(&marker) && ![0xC4, 0xC8, 0xCC].contains(&marker) {
                    return Some(Size::new(be16(i + 7)?, be16(i + 5)?));
                }
                i += 2 + len;
            }
            None
        }
        ImageKind::Webp => match b.get(12..16)? {
            b"VP8 " => Some(Size::new(le16(26)? & 0x3FFF, le16(28)? & 0x3FFF)),
            b"VP8L" => {
                let bits = u32::from_le_bytes([*b.get(21)?, *b.get(22)?, *b.get(23)?, *b.get(24)?]);
                Some(Size::new((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
            }
            b"VP8X" => {
                let w = u32::from_le_bytes([*b.get(24)?, *b.get(25)?, *b.get(26)?, 0]) + 1;
                let h = u32::from_le_bytes([*b.get(27)?, *b.get(28)?, *b.get(29)?, 0]) + 1;
                Some(Size::new(w, h))
            }
            _ => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(w: u32, h: u32, seconds: u32, variants: u32) -> GenerationRequest {
        GenerationRequest {
            prompt: "a red fox".into(),
            size: Size::new(w, h),
            seconds,
            variants,
            image: None,
            params: Vec::new(),
        }
    }

    #[test]
    fn azure_sora_accepts_documented_combinations() {
        let p = ModelProfile::azure_sora(&Pricing::default());
        assert_eq!(p.validate(&req(480, 480, 5, 4)), Ok(()));
        assert_eq!(p.validate(&req(1280, 720, 20, 2)), Ok(()));
        assert_eq!(p.validate(&req(1920, 1080, 1, 1)), Ok(()));
    }

    #[test]
    fn azure_sora_refuses_with_the_valid_values() {
        let p = ModelProfile::azure_sora(&Pricing::default());
        let e = p.validate(&req(640, 480, 5, 1)).expect_err("size");
        assert!(e.to_string().contains("480x854"), "{e}");
        let e = p.validate(&req(480, 480, 21, 1)).expect_err("seconds");
        assert!(e.to_string().contains("1 to 20"), "{e}");
        let e = p
            .validate(&req(1080, 1920, 5, 2))
            .expect_err("variants at 1080p");
        assert!(e.to_string().contains("1 only"), "{e}");
        let e = p
            .validate(&req(720, 1280, 5, 3))
            .expect_err("variants at 720p");
        assert!(e.to_string().contains("1 to 2"), "{e}");
        assert_eq!(
            p.validate(&req(480, 480, 5, 0))
                .expect_err("zero")
                .to_string(),
            "0 variants are not offered at 480x480; valid: 1 to 4"
        );
        let mut r = req(480, 480, 5, 1);
        r.prompt = "  ".into();
        assert_eq!(p.validate(&r), Err(ValidationError::EmptyPrompt));
    }

    #[test]
    fn sora_2_and_pro_sizes_lengths_and_prices() {
        let pricing = Pricing::default();
        let s2 = ModelProfile::for_v1_model("sora-2", &pricing).expect("known");
        assert!(s2.validate(&req(1280, 720, 8, 1)).is_ok());
        let e = s2.validate(&req(1792, 1024, 8, 1)).expect_err("pro size");
        assert!(e.to_string().contains("720x1280, 1280x720"), "{e}");
        let e = s2.validate(&req(1280, 720, 5, 1)).expect_err("5 s");
        assert!(e.to_string().contains("4, 8, 12"), "{e}");
        assert!(
            s2.validate(&req(1280, 720, 4, 2)).is_err(),
            "one video per job"
        );
        let pro = ModelProfile::for_v1_model("sora-2-pro-2025-10-06", &pricing).expect("snapshot");
        assert!(pro.validate(&req(1792, 1024, 12, 1)).is_ok());
        assert_eq!(s2.estimate(&req(1280, 720, 8, 1)), Some(0.8));
        let hd = pro.estimate(&req(1024, 1792, 12, 1)).expect("priced");
        assert!((hd - 6.0).abs() < 1e-9, "{hd}");
        assert!(ModelProfile::for_v1_model("dall-e-3", &pricing).is_none());
    }

    #[test]
    fn reads_image_sizes_from_headers() {
        // A minimal PNG header for 720x1280.
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend_from_slice(&720u32.to_be_bytes());
        png.extend_from_slice(&1280u32.to_be_bytes());
        assert_eq!(image_kind(&png), Some(ImageKind::Png));
        assert_eq!(image_size(ImageKind::Png, &png), Some(Size::new(720, 1280)));
        let jpeg = include_bytes!("../../../../assets/thumbnail.jpg");
        assert_eq!(image_kind(jpeg), Some(ImageKind::Jpeg));
        assert_eq!(image_size(ImageKind::Jpeg, jpeg), Some(Size::new(480, 480)));
        assert_eq!(image_kind(b"GIF89a"), None);
    }

    #[test]
    fn a_reference_image_of_the_wrong_size_is_refused_before_sending() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("ref.jpg");
        std::fs::write(&path, include_bytes!("../../../../assets/thumbnail.jpg")).expect("write");
        let mut r = req(720, 1280, 4, 1);
        r.image = Some(path.clone());
        let e = ModelProfile::sora_2(&Pricing::default())
            .validate(&r)
            .expect_err("480x480 is not 720x1280");
        assert!(
            e.to_string()
                .contains("exactly the requested size 720x1280"),
            "{e}"
        );
        // Azure Sora crops instead, so any size goes.
        let mut r = req(480, 480, 5, 1);
        r.image = Some(path);
        assert_eq!(
            ModelProfile::azure_sora(&Pricing::default()).validate(&r),
            Ok(())
        );
        let text = dir.path().join("notes.txt");
        std::fs::write(&text, "hello").expect("write");
        r.image = Some(text);
        assert!(
            ModelProfile::azure_sora(&Pricing::default())
                .validate(&r)
                .is_err()
        );
    }
}

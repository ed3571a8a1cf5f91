//! Parameter checks made before any request is sent: a refused job costs nothing, an invalid
//! one sent to the service costs a round trip and, for some mistakes, money.

use super::{GenerationRequest, Size};

/// Azure Sora (preview jobs API) frame sizes, from the Azure "video generation" concept page.
pub const AZURE_SORA_SIZES: [Size; 9] = [
    Size::new(480, 480),
    Size::new(480, 854),
    Size::new(854, 480),
    Size::new(720, 720),
    Size::new(720, 1280),
    Size::new(1280, 720),
    Size::new(1080, 1080),
    Size::new(1080, 1920),
    Size::new(1920, 1080),
];

/// Azure Sora clip length range in seconds.
pub const AZURE_SORA_SECONDS: std::ops::RangeInclusive<u32> = 1..=20;

/// Longest prompt accepted before sending (the API documents no limit; this guards against a
/// pasted file, not a real prompt).
pub const MAX_PROMPT_CHARS: usize = 4000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValidationError {
    #[error("the prompt is empty: describe the video you want")]
    EmptyPrompt,
    #[error("the prompt has {0} characters; at most {MAX_PROMPT_CHARS} are accepted")]
    PromptTooLong(usize),
    #[error("size {size} is not offered; valid sizes: {valid}")]
    Size { size: Size, valid: String },
    #[error("{seconds} s is not offered; valid lengths: {valid}")]
    Seconds { seconds: u32, valid: String },
    #[error("{variants} variants are not offered at {size}; valid: {valid}")]
    Variants {
        variants: u32,
        size: Size,
        valid: String,
    },
}

/// Most variants Azure Sora makes at a size: 1 at 1080p, 2 at 720p, 4 below.
pub fn azure_sora_max_variants(size: Size) -> u32 {
    match size.width.min(size.height) {
        1080.. => 1,
        720.. => 2,
        _ => 4,
    }
}

pub fn azure_sora(request: &GenerationRequest) -> Result<(), ValidationError> {
    check_prompt(&request.prompt)?;
    if !AZURE_SORA_SIZES.contains(&request.size) {
        return Err(ValidationError::Size {
            size: request.size,
            valid: list(&AZURE_SORA_SIZES),
        });
    }
    if !AZURE_SORA_SECONDS.contains(&request.seconds) {
        return Err(ValidationError::Seconds {
            seconds: request.seconds,
            valid: format!(
                "{} to {}",
                AZURE_SORA_SECONDS.start(),
                AZURE_SORA_SECONDS.end()
            ),
        });
    }
    let max = azure_sora_max_variants(request.size);
    if request.variants == 0 || request.variants > max {
        return Err(ValidationError::Variants {
            variants: request.variants,
            size: request.size,
            valid: format!("1 to {max}"),
        });
    }
    Ok(())
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

fn list(sizes: &[Size]) -> String {
    sizes
        .iter()
        .map(Size::to_string)
        .collect::<Vec<_>>()
        .join(", ")
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
        }
    }

    #[test]
    fn accepts_documented_combinations() {
        assert_eq!(azure_sora(&req(480, 480, 5, 4)), Ok(()));
        assert_eq!(azure_sora(&req(1280, 720, 20, 2)), Ok(()));
        assert_eq!(azure_sora(&req(1920, 1080, 1, 1)), Ok(()));
    }

    #[test]
    fn refuses_with_the_valid_values() {
        let e = azure_sora(&req(640, 480, 5, 1)).expect_err("must be refused");
        assert!(e.to_string().contains("480x854"), "{e}");
        let e = azure_sora(&req(480, 480, 21, 1)).expect_err("must be refused");
        assert!(e.to_string().contains("1 to 20"), "{e}");
        let e = azure_sora(&req(1080, 1920, 5, 2)).expect_err("must be refused");
        assert!(e.to_string().contains("1 to 1"), "{e}");
        let e = azure_sora(&req(720, 1280, 5, 3)).expect_err("must be refused");
        assert!(e.to_string().contains("1 to 2"), "{e}");
        assert_eq!(
            azure_sora(&req(480, 480, 5, 0))
                .expect_err("must be refused")
                .to_string(),
            "0 variants are not offered at 480x480; valid: 1 to 4"
        );
        let mut r = req(480, 480, 5, 1);
        r.prompt = "  ".into();
        assert_eq!(azure_sora(&r), Err(ValidationError::EmptyPrompt));
    }
}

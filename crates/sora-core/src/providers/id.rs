//! Ids that go into URL paths, checked before any request.

use super::ProviderError;

/// An id goes into a URL path: refuse, before any request, one that would address something
/// else (`""` lists, `..` climbs a level, `a/b` adds a segment) or that no service issues.
pub fn check_id(id: &str) -> Result<(), ProviderError> {
    let problem = if id.is_empty() {
        Some("it is empty")
    } else if id == "." || id.contains("..") {
        Some("it holds `..` or is `.`")
    } else if id.contains(['/', '\\', '?', '#', '%']) {
        Some("it holds `/`, `\\`, `?`, `#` or `%`")
    } else if !id.chars().all(|c| c.is_ascii_graphic()) {
        Some("it holds spaces, control or non-ASCII characters")
    } else if id.len() > 200 {
        Some("it is longer than 200 characters")
    } else {
        None
    };
    match problem {
        None => Ok(()),
        Some(problem) => Err(ProviderError::Input(format!(
            "`{}` is not a job or video id ({problem}), so nothing was sent. Ids look like \
             task_01…, gen_01… or video_…: `sora-tui jobs` lists them",
            crate::text::one_line(id)
        ))),
    }
}

#[cfg(test)]
mod id_tests {
    use super::check_id;

    #[test]
    fn ids_that_would_change_the_url_are_refused() {
        for good in [
            "task_01jy98zkvpfb7909522ysd150a",
            "gen_01",
            "video_68d7.x-1",
        ] {
            assert!(check_id(good).is_ok(), "{good}");
        }
        for bad in [
            "", ".", "..", "a/..", "a/b", "x\\y", "a?b", "a#b", "%2e%2e", "a b", "a\x1b[2J", "é",
        ] {
            let err = check_id(bad).expect_err(bad).to_string();
            assert!(err.contains("nothing was sent"), "{err}");
            assert!(!err.contains('\x1b'), "{err}");
        }
        assert!(check_id(&"x".repeat(201)).is_err());
    }
}

//! A wrapper for credentials so that they cannot end up on screen, in logs or in panic text by
//! accident: `Debug` and `Display` both print a mask.

use std::fmt;

#[derive(Clone, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The raw value, for the one place that needs it: building an auth header.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }

    /// A hint that lets a person tell two keys apart without revealing either: the length and
    /// the last four characters, e.g. `…(32 chars, ends 9f3a)`.
    pub fn masked_hint(&self) -> String {
        let n = self.0.chars().count();
        if n < 12 {
            return format!("…({n} chars)");
        }
        let tail: String = self.0.chars().skip(n - 4).collect();
        format!("…({n} chars, ends {tail})")
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_the_value() {
        let s = Secret::new("super-secret-key-value-1234");
        assert!(!format!("{s:?}").contains("super"));
        assert!(!format!("{s}").contains("super"));
        assert!(!s.masked_hint().contains("super"));
        assert!(s.masked_hint().ends_with("1234)"));
    }
}

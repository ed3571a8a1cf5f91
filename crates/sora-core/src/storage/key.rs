//! What kind of key `SUPABASE_SERVICE_ROLE_KEY` holds, read from the key itself (a JWT's `role`
//! claim, or the `sb_secret_`/`sb_publishable_` prefix), never printed.
//!
//! An anon or publishable key is accepted by the server but meets row-level security: with no
//! policies (a fresh project) it lists no buckets and is refused every write, so the project
//! looks empty. sora-tui refuses such a key before sending anything, with what to use instead.

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// A JWT segment: URL-safe base64 (RFC 7515), read with or without padding and whatever its
/// unused last bits hold, as leniently as the key is only read to be described.
const JWT_SEGMENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// The kinds of key the Supabase dashboard hands out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyKind {
    /// A JWT with role `service_role`: bypasses row-level security.
    ServiceRole,
    /// `sb_secret_…`: the newer form of the service-role key (the gateway maps it).
    Secret,
    /// `sb_publishable_…`: the newer form of the anon key.
    Publishable,
    /// A JWT with another role (`anon`, `authenticated`, …).
    Role(String),
    /// Not a JWT and no known prefix: left to the server to judge.
    Unknown,
}

impl KeyKind {
    pub fn of(key: &str) -> Self {
        let key = key.trim();
        if key.starts_with("sb_secret_") {
            return KeyKind::Secret;
        }
        if key.starts_with("sb_publishable_") {
            return KeyKind::Publishable;
        }
        let role = key
            .split('.')
            .nth(1)
            .and_then(|payload| JWT_SEGMENT.decode(payload).ok())
            .and_then(|payload| serde_json::from_slice::<serde_json::Value>(&payload).ok())
            .and_then(|claims| claims.get("role")?.as_str().map(str::to_string));
        match role {
            Some(role) if role == "service_role" => KeyKind::ServiceRole,
            Some(role) => KeyKind::Role(role),
            None => KeyKind::Unknown,
        }
    }

    /// What the key is, when it is one that row-level security restricts (anon, publishable,
    /// a signed-in user's token): such a key cannot manage Storage.
    pub fn restricted(&self) -> Option<String> {
        match self {
            KeyKind::Publishable => Some("the publishable key (sb_publishable_…)".into()),
            KeyKind::Role(role) if role == "anon" => Some("the anon key (role anon)".into()),
            KeyKind::Role(role) if role == "authenticated" => {
                Some("a signed-in user's token (role authenticated)".into())
            }
            _ => None,
        }
    }

    /// For error messages: the kind, in a few words.
    pub fn describe(&self) -> String {
        match self {
            KeyKind::ServiceRole => "a JWT with role service_role".into(),
            KeyKind::Secret => "a secret key (sb_secret_…)".into(),
            KeyKind::Publishable => {
                "a publishable key (sb_publishable_…): Storage needs the service-role/secret key"
                    .into()
            }
            KeyKind::Role(role) => {
                format!("a JWT with role {role}: Storage management needs service_role")
            }
            KeyKind::Unknown => "not a JWT".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: &str) -> String {
        format!(
            "eyJhbGciOiJIUzI1NiJ9.{}.c2ln",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims.as_bytes())
        )
    }

    #[test]
    fn tells_the_key_kinds_apart() {
        assert_eq!(
            KeyKind::of(&jwt(r#"{"role":"service_role"}"#)),
            KeyKind::ServiceRole
        );
        assert_eq!(KeyKind::of("sb_secret_abc"), KeyKind::Secret);
        assert_eq!(KeyKind::of("sb_publishable_abc"), KeyKind::Publishable);
        assert_eq!(KeyKind::of("plain"), KeyKind::Unknown);
        // Padded, as some tools write the segments: still read.
        assert_eq!(
            KeyKind::of("eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbjEifQ==.c2ln"),
            KeyKind::Role("anon1".into())
        );
        let anon = KeyKind::of(&jwt(r#"{"role":"anon","iss":"supabase"}"#));
        assert_eq!(
            anon.restricted().as_deref(),
            Some("the anon key (role anon)")
        );
        assert!(KeyKind::of("sb_publishable_x").restricted().is_some());
        assert!(KeyKind::Secret.restricted().is_none());
        assert!(KeyKind::ServiceRole.restricted().is_none());
    }
}

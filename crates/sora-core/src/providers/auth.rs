//! How requests authenticate: an API key header, a bearer key, or an Entra ID token that is
//! fetched with the Azure CLI and refreshed before it expires.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::{HeaderMap, HeaderValue};
use tokio::sync::Mutex;

use crate::secret::Secret;

/// Scope of Azure OpenAI tokens, as `az account get-access-token --resource` takes it.
pub const COGNITIVE_SERVICES_RESOURCE: &str = "https://cognitiveservices.azure.com";
/// A token is refreshed this long before it expires.
const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

#[derive(Debug, Clone)]
pub enum Auth {
    /// `api-key: <key>` (Azure).
    ApiKey(Secret),
    /// `Authorization: Bearer <key or token>` (OpenAI keys; a fixed Entra token).
    Bearer(Secret),
    /// `Authorization: Bearer <token>` from `az account get-access-token`, cached.
    AzCli(Arc<AzCliToken>),
}

impl Auth {
    /// The headers to send; may run the Azure CLI when the cached token is near expiry.
    pub async fn headers(&self) -> Result<HeaderMap, String> {
        let (name, value) = match self {
            Auth::ApiKey(k) => ("api-key", k.expose().to_string()),
            Auth::Bearer(t) => ("authorization", format!("Bearer {}", t.expose())),
            Auth::AzCli(source) => (
                "authorization",
                format!("Bearer {}", source.token().await?.expose()),
            ),
        };
        let mut headers = HeaderMap::new();
        let mut v = HeaderValue::from_str(&value)
            .map_err(|_| "the key or token holds characters a header cannot carry".to_string())?;
        // Keeps the value out of reqwest's Debug output.
        v.set_sensitive(true);
        headers.insert(name, v);
        Ok(headers)
    }

    pub fn describe(&self) -> &'static str {
        match self {
            Auth::ApiKey(_) => "api-key header",
            Auth::Bearer(_) => "bearer token",
            Auth::AzCli(_) => "Entra ID token from the Azure CLI",
        }
    }
}

/// An Entra ID token from the Azure CLI, fetched on first use and again shortly before expiry.
#[derive(Debug)]
pub struct AzCliToken {
    program: String,
    cached: Mutex<Option<(Secret, SystemTime)>>,
}

impl AzCliToken {
    /// `program` is normally `az`; tests point it at a stand-in script.
    pub fn new(program: impl Into<String>) -> Self {
        Self {
            program: program.into(),
            cached: Mutex::new(None),
        }
    }

    pub async fn token(&self) -> Result<Secret, String> {
        let mut cached = self.cached.lock().await;
        if let Some((token, expires)) = cached.as_ref()
            && SystemTime::now() + REFRESH_MARGIN < *expires
        {
            return Ok(token.clone());
        }
        let output = tokio::process::Command::new(&self.program)
            .args([
                "account",
                "get-access-token",
                "--resource",
                COGNITIVE_SERVICES_RESOURCE,
                "--output",
                "json",
            ])
            .kill_on_drop(true)
            .output()
            .await
            .map_err(|e| {
                format!(
                    "cannot run `{} account get-access-token` ({e}): install the Azure CLI and run `az login`, or set AZURE_OPENAI_API_KEY",
                    self.program
                )
            })?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            return Err(format!(
                "`az account get-access-token` failed: {}. Run `az login` first.",
                stderr.trim()
            ));
        }
        let (token, expires) = parse_az_token(&output.stdout)?;
        *cached = Some((token.clone(), expires));
        Ok(token)
    }
}

/// Parse `az account get-access-token --output json`: `accessToken`, and the expiry as
/// `expires_on` (unix seconds, newer CLIs) or `expiresOn` (local time text, older ones; then
/// assume the usual hour).
pub fn parse_az_token(json: &[u8]) -> Result<(Secret, SystemTime), String> {
    let v: serde_json::Value = serde_json::from_slice(json)
        .map_err(|e| format!("the Azure CLI printed something that is not JSON ({e})"))?;
    let token = v
        .get("accessToken")
        .and_then(|t| t.as_str())
        .filter(|t| !t.is_empty())
        .ok_or("the Azure CLI's answer has no accessToken")?;
    let expires = v
        .get("expires_on")
        .and_then(|e| {
            e.as_u64()
                .or_else(|| e.as_str().and_then(|s| s.parse().ok()))
        })
        // An absurd expiry (past year 292 billion) overflows SystemTime: treated as missing.
        .and_then(|secs| UNIX_EPOCH.checked_add(Duration::from_secs(secs)))
        .unwrap_or_else(|| SystemTime::now() + Duration::from_secs(3600));
    Ok((Secret::new(token), expires))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_absurd_cli_expiry_does_not_panic() {
        let (_, e) =
            parse_az_token(br#"{"accessToken":"tok-abc","expires_on":18446744073709551615}"#)
                .expect("parsed");
        assert!(e > SystemTime::now(), "treated as an hour from now");
    }

    #[test]
    fn parses_both_cli_expiry_forms() {
        let (t, e) = parse_az_token(
            br#"{"accessToken":"tok-abc","expires_on":1900000000,"tokenType":"Bearer"}"#,
        )
        .expect("parses");
        assert_eq!(t.expose(), "tok-abc");
        assert_eq!(e, UNIX_EPOCH + Duration::from_secs(1_900_000_000));
        let (_, e) =
            parse_az_token(br#"{"accessToken":"tok","expiresOn":"2026-11-26 10:00:00.000000"}"#)
                .expect("parses");
        assert!(e > SystemTime::now());
        assert!(parse_az_token(b"{}").is_err());
        assert!(parse_az_token(b"ERROR: Please run 'az login'").is_err());
    }

    #[tokio::test]
    async fn headers_carry_the_key_but_never_show_it() {
        let h = Auth::ApiKey(Secret::new("key-123456789"))
            .headers()
            .await
            .expect("headers");
        assert_eq!(
            h.get("api-key").map(|v| v.as_bytes()),
            Some(&b"key-123456789"[..])
        );
        assert!(!format!("{h:?}").contains("key-123456789"));
        let h = Auth::Bearer(Secret::new("sk-test"))
            .headers()
            .await
            .expect("headers");
        assert_eq!(
            h.get("authorization").map(|v| v.as_bytes()),
            Some(&b"Bearer sk-test"[..])
        );
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn az_cli_tokens_are_cached_until_near_expiry() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tmp");
        let counter = dir.path().join("calls");
        let script = dir.path().join("az");
        let far = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("clock")
            .as_secs()
            + 3600;
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\necho x >> {}\necho '{{\"accessToken\":\"tok-from-cli\",\"expires_on\":{far}}}'\n",
                counter.display()
            ),
        )
        .expect("script");
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let source = Arc::new(AzCliToken::new(script.display().to_string()));
        let auth = Auth::AzCli(Arc::clone(&source));
        for _ in 0..3 {
            let h = auth.headers().await.expect("headers");
            assert_eq!(
                h.get("authorization").map(|v| v.as_bytes()),
                Some(&b"Bearer tok-from-cli"[..])
            );
        }
        let calls = std::fs::read_to_string(&counter)
            .expect("calls")
            .lines()
            .count();
        assert_eq!(calls, 1, "the token is fetched once while it is fresh");
        // Near expiry: fetched again.
        *source.cached.lock().await = Some((
            Secret::new("old"),
            SystemTime::now() + Duration::from_secs(10),
        ));
        auth.headers().await.expect("headers");
        let calls = std::fs::read_to_string(&counter)
            .expect("calls")
            .lines()
            .count();
        assert_eq!(calls, 2);
    }
}

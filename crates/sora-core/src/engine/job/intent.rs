//! The journal line written, and fsynced, before a create goes out: if the process dies in
//! between, the next start reconciles by listing the service's jobs instead of sending again.

use std::path::Path;

use super::{JobEnd, Start};
use crate::engine::{Ctx, JobKey};
use crate::providers::catalogue::value_text;
use crate::providers::{ContentVariant, GenerationRequest, Provider};

/// Record the intent of a new job (a create or a remix; an existing job has none) and file the
/// job under it.
pub(super) fn record(
    ctx: &Ctx,
    key: JobKey,
    provider: &Provider,
    start: &Start,
    upload: bool,
    variants: &[ContentVariant],
) -> Result<(), JobEnd> {
    let (Some(journal), false) = (&ctx.journal, matches!(start, Start::Existing { .. })) else {
        return Ok(());
    };
    let id = crate::journal::new_id();
    let entry = intent_entry(provider, start, upload, &ctx.download_dir(key), variants);
    crate::engine::append_off_the_runtime(journal, &id, entry).map_err(|e| {
        JobEnd::Failed(format!(
            "not sent: the job could not be recorded first ({e})"
        ))
    })?;
    ctx.send(crate::engine::EngineEvent::JobJournaled {
        key,
        journal_id: id.clone(),
    });
    ctx.set_journal_id(key, Some(id));
    Ok(())
}

/// The journal line that says a job is about to be created.
fn intent_entry(
    provider: &Provider,
    start: &Start,
    upload: bool,
    download_dir: &Path,
    variants: &[ContentVariant],
) -> crate::journal::Event {
    let (request, remix_of, cost_estimate) = match start {
        Start::New(r) => (
            crate::journal::RequestRecord {
                prompt: r.prompt.clone(),
                // A catalogue model has no Sora size or length: its params say it.
                size: if provider.sora_profile().is_some() {
                    r.size.to_string()
                } else {
                    String::new()
                },
                seconds: r.seconds,
                variants: r.variants,
                image: r.image.as_ref().map(|p| p.display().to_string()),
                model: Some(provider.model()),
                params: resolved_params(provider, r),
            },
            None,
            provider.estimate(r),
        ),
        Start::Remix { source, prompt } => (
            crate::journal::RequestRecord {
                prompt: prompt.clone(),
                size: String::new(),
                seconds: 0,
                variants: 1,
                image: None,
                model: Some(provider.model()),
                params: Vec::new(),
            },
            Some(source.clone()),
            None,
        ),
        Start::Existing { id, .. } => (
            crate::journal::RequestRecord {
                prompt: String::new(),
                size: String::new(),
                seconds: 0,
                variants: 1,
                image: None,
                model: Some(provider.model()),
                params: Vec::new(),
            },
            Some(id.clone()),
            None,
        ),
    };
    crate::journal::Event::Intent {
        family: provider.family().label().to_string(),
        provider: provider.describe(),
        request,
        upload,
        cost_estimate,
        remix_of,
        download_dir: Some(download_dir.display().to_string()),
        renditions: variants
            .iter()
            .filter(|v| provider.variants().contains(v))
            .map(|v| v.label().to_string())
            .collect(),
    }
}

/// The parameters a Runway or fal request is sent with (defaults included), as text.
fn resolved_params(provider: &Provider, request: &GenerationRequest) -> Vec<(String, String)> {
    let Some(resolved) = provider
        .model_choice()
        .and_then(|choice| choice.resolve(request).ok())
    else {
        return Vec::new();
    };
    resolved
        .params
        .iter()
        .map(|(name, value)| (name.clone(), value_text(value)))
        .collect()
}

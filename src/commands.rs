//! The headless subcommands besides `generate`: thin shells over the provider and the engine
//! that print for people (one line each) or for programs (`--json`).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use tokio::sync::mpsc;

use std::sync::Arc;

use crate::cli::{
    DeleteArgs, DoctorArgs, DownloadArgs, HistoryArgs, JobsArgs, RemixArgs, StatusArgs,
};
use sora_core::config::Config;
use sora_core::engine::{Command, Engine, EngineExtras, Services};
use sora_core::http::Http;
use sora_core::journal::{Journal, NextStep};
use sora_core::providers::{ContentVariant, Provider};
use sora_core::setup;
use sora_core::text::one_line;
use sora_tui::headless;

fn provider(config: &Config) -> Result<Provider> {
    Ok(setup::provider(config, &setup::http(config)?)?)
}

/// Open the journal for a run that creates or resumes jobs; a second instance is refused.
pub fn open_journal(config: &Config) -> Result<Arc<Journal>> {
    // The demo's journal is a scratch one, removed with its directory when the demo ends.
    let (journal, loaded) = if config.data_dir.source == sora_core::config::Source::Demo {
        Journal::open_scratch(&config.data_dir.value)?
    } else {
        Journal::open(&config.data_dir.value)?
    };
    for warning in loaded.warnings {
        eprintln!(
            "journal {}: {}",
            journal.path().display(),
            one_line(&warning)
        );
    }
    Ok(Arc::new(journal))
}

/// An engine for one headless job, recording in the journal; storage is required only when
/// uploading. `http` is the process's one client (the provider's).
pub fn engine(
    config: &Config,
    http: &Http,
    provider: Provider,
    upload: bool,
    out: Option<PathBuf>,
) -> Result<(
    Engine,
    mpsc::UnboundedReceiver<sora_core::engine::EngineEvent>,
)> {
    let journal = open_journal(config)?;
    let storage = if upload {
        Some(setup::storage(config, http)?)
    } else {
        setup::storage(config, http).ok()
    };
    let mut settings = setup::engine_settings(config);
    if let Some(out) = out {
        settings.download_dir = out;
    }
    let (tx, rx) = mpsc::unbounded_channel();
    let engine = Engine::with_extras(
        Services::new(Some(provider), storage),
        settings,
        tx,
        EngineExtras {
            limits: setup::download_limits(config),
            journal: Some(journal),
            doctor: None,
            http: Some(http.clone()),
        },
    );
    Ok((engine, rx))
}

/// Run one job command to the end; exit 0 only when every step worked.
pub async fn finish(
    (engine, rx): (
        Engine,
        mpsc::UnboundedReceiver<sora_core::engine::EngineEvent>,
    ),
    command: Command,
) -> Result<ExitCode> {
    let outcome = headless::run_job(&engine, rx, command).await;
    Ok(ExitCode::from(outcome.exit_code()))
}

pub async fn jobs(config: &Config, args: &JobsArgs) -> Result<ExitCode> {
    let provider = provider(config)?;
    let page = provider
        .list(args.limit, args.after.as_deref())
        .await
        .context("cannot list jobs")?;
    if args.json {
        let all: Vec<_> = page.jobs.iter().map(headless::job_json).collect();
        println!("{}", serde_json::to_string_pretty(&all)?);
    } else if page.jobs.is_empty() {
        println!("no jobs on {}", provider.describe());
    } else {
        for job in &page.jobs {
            println!("{}", headless::job_line(job));
        }
        if let (true, Some(last)) = (page.has_more, &page.last_id) {
            println!("… more: sora-tui jobs --after {}", one_line(last));
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn status(config: &Config, args: &StatusArgs) -> Result<ExitCode> {
    let provider = provider(config)?;
    let job = provider
        .get(&args.id)
        .await
        .with_context(|| format!("cannot look up {}", one_line(&args.id)))?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&headless::job_json(&job))?
        );
    } else {
        println!("{}", headless::job_line(&job));
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn delete(config: &Config, args: &DeleteArgs) -> Result<ExitCode> {
    let provider = provider(config)?;
    provider
        .delete(&args.id)
        .await
        .with_context(|| format!("cannot delete {}", one_line(&args.id)))?;
    println!("deleted {}", one_line(&args.id));
    Ok(ExitCode::SUCCESS)
}

pub async fn download(config: Config, args: DownloadArgs) -> Result<ExitCode> {
    let http = setup::http(&config)?;
    let provider = setup::provider(&config, &http)?;
    let variants = if args.variant.trim() == "all" {
        provider.variants().to_vec()
    } else {
        let v = ContentVariant::parse(&args.variant).with_context(|| {
            format!(
                "--variant `{}` is not one of video, thumbnail, spritesheet, all",
                args.variant
            )
        })?;
        anyhow::ensure!(
            provider.variants().contains(&v),
            "{} offers no {} (it has: {})",
            provider.describe(),
            v.label(),
            provider
                .variants()
                .iter()
                .map(|v| v.label())
                .collect::<Vec<_>>()
                .join(", ")
        );
        vec![v]
    };
    let command = Command::Fetch {
        key: headless::HEADLESS_JOB,
        job_id: args.id,
        variants,
        upload: args.upload,
        via: None,
    };
    finish(
        engine(&config, &http, provider, args.upload, args.out)?,
        command,
    )
    .await
}

pub async fn remix(config: Config, args: RemixArgs) -> Result<ExitCode> {
    let http = setup::http(&config)?;
    let provider = setup::provider(&config, &http)?;
    anyhow::ensure!(
        provider.supports_remix(),
        "{} cannot remix: remix is part of the v1 videos API (set provider to \"azure-sora2\" or \"openai\")",
        provider.describe()
    );
    let command = Command::Remix {
        key: headless::HEADLESS_JOB,
        source_id: args.id,
        prompt: args.prompt,
        upload: args.upload,
    };
    finish(
        engine(&config, &http, provider, args.upload, args.out)?,
        command,
    )
    .await
}

pub async fn history(config: &Config, args: &HistoryArgs) -> Result<ExitCode> {
    if let Some(id) = &args.forget {
        return forget(config, id);
    }
    let dir = &config.data_dir.value;
    let loaded = Journal::read_only(dir)?;
    for warning in &loaded.warnings {
        eprintln!("journal: {}", one_line(warning));
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&loaded.records)?);
    } else if loaded.records.is_empty() {
        println!(
            "no jobs recorded yet ({})",
            dir.join("journal.jsonl").display()
        );
    } else {
        for record in loaded.records.iter().rev() {
            println!("{}", headless::history_line(record));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `history --forget ID`: the entry is marked removed (the journal keeps its lines).
fn forget(config: &Config, id: &str) -> Result<ExitCode> {
    let journal = open_journal(config)?;
    let record = journal
        .records()
        .into_iter()
        .find(|r| r.id == id || r.job_id.as_deref() == Some(id))
        .with_context(|| {
            format!(
                "no journal entry has the id `{}`: `sora-tui history --json` lists them (`id` and `job_id`)",
                one_line(id)
            )
        })?;
    journal
        .append(&record.id, sora_core::journal::Event::Removed)
        .context("cannot update the journal")?;
    println!(
        "forgot {} (\"{}\"): `resume` no longer picks it up; nothing was deleted on the service or on disk",
        one_line(record.job_id.as_deref().unwrap_or(&record.id)),
        one_line(&record.request.prompt)
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn resume(config: Config) -> Result<ExitCode> {
    let http = setup::http(&config)?;
    let journal = open_journal(&config)?;
    let unfinished: Vec<_> = journal
        .records()
        .into_iter()
        .filter(|r| r.next_step() != NextStep::Done)
        .collect();
    if unfinished.is_empty() {
        println!("nothing to resume: every recorded job is finished");
        return Ok(ExitCode::SUCCESS);
    }
    // Each job goes back to the service that recorded it: every configured one is offered.
    let services = setup::services(&config, &http);
    if services.all_providers().next().is_none() {
        // The configured one's own error says what is missing.
        setup::provider(&config, &http)?;
    }
    let (tx, rx) = mpsc::unbounded_channel();
    let engine = Engine::with_extras(
        services,
        setup::engine_settings(&config),
        tx,
        EngineExtras {
            limits: setup::download_limits(&config),
            journal: Some(journal),
            doctor: None,
            http: Some(http.clone()),
        },
    );
    let commands = unfinished
        .iter()
        .enumerate()
        .map(|(i, r)| {
            println!(
                "resuming {} ({:?}): \"{}\"",
                one_line(r.job_id.as_deref().unwrap_or(&r.id)),
                r.next_step(),
                one_line(&r.request.prompt)
            );
            Command::Resume {
                key: sora_core::engine::JobKey(i as u64 + 1),
                journal_id: r.id.clone(),
            }
        })
        .collect();
    let outcome = headless::run_jobs(&engine, rx, commands).await;
    Ok(ExitCode::from(outcome.exit_code()))
}

pub async fn doctor(config: &Config, args: &DoctorArgs) -> Result<ExitCode> {
    let http = setup::http(config)?;
    let report = setup::run_doctor(
        config,
        &http,
        sora_core::doctor::Options { probe: args.probe },
    )
    .await;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.to_text());
    }
    Ok(if report.failed() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

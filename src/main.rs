//! `sora-tui`: picks the dashboard, the simulator or a headless command, after loading the
//! configuration. All real work lives in the library.

mod cli;
mod commands;
mod demo;
mod generate;
mod storage_commands;

use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;
use tokio::sync::mpsc;

use cli::{Cli, Cmd};
use sora_core::config::{Config, Overrides};
use sora_core::engine::{Engine, EngineExtras};
use sora_core::journal::NextStep;
use sora_core::providers::ModelProfile;
use sora_core::setup;
use sora_core::text::multi_line;
use sora_tui::app;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return refused_arguments(&error),
    };
    let wants_json = cli.wants_json();
    if !matches!(cli.command, None | Some(Cmd::Sim(_))) {
        restore_default_sigpipe();
    }
    let _log_guard = match init_logging(cli.log_level.as_deref()) {
        Ok(guard) => guard,
        Err(e) => {
            eprintln!("sora-tui: {e}");
            return ExitCode::FAILURE;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("sora-tui: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            // Errors quote services and files: their control characters are shown, not obeyed.
            let text = multi_line(&format!("{e:#}")).into_owned();
            eprintln!("sora-tui: {text}");
            // A program that asked for JSON gets its error as JSON too, on stdout.
            if wants_json {
                println!("{}", serde_json::json!({ "error": text }));
            }
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<ExitCode> {
    let overrides = Overrides {
        download_dir: cli.download_dir.clone(),
    };
    let mut config = Config::load(
        cli.config.as_deref(),
        &|k| std::env::var(k).ok(),
        &overrides,
    )?;
    if let Some(Cmd::Sim(args)) = &cli.command {
        return demo::run_sim(args).await;
    }
    if cli.no_mouse {
        config.ui_mouse = false;
    }
    if let Some(images) = cli.images {
        config.ui.images =
            sora_core::config::Setting::new(images, sora_core::config::Source::Flag("--images"));
    }
    // Keep the simulator alive for the whole run; the demo's journal goes with it.
    let _demo = if cli.demo {
        Some(demo::start(&mut config).await?)
    } else {
        None
    };
    generate::apply_service_flags(&mut config, cli.provider.as_deref(), cli.model.as_deref())?;
    // Said once, before any request: the dashboard shows it as a notice, doctor as a check.
    if !matches!(cli.command, None | Some(Cmd::Doctor(_))) {
        for plain in sora_core::config::plain_http_warnings(&config) {
            eprintln!("sora-tui: warning: {plain}");
        }
    }
    match cli.command {
        None => run_dashboard(config, _demo.as_ref().map(demo::Demo::note)).await,
        Some(Cmd::Sim(_)) => Ok(ExitCode::SUCCESS),
        Some(Cmd::Generate(args)) => generate::run(config, args).await,
        Some(Cmd::Jobs(args)) => commands::jobs(&config, &args).await,
        Some(Cmd::Status(args)) => commands::status(&config, &args).await,
        Some(Cmd::Delete(args)) => commands::delete(&config, &args).await,
        Some(Cmd::Download(args)) => commands::download(config, args).await,
        Some(Cmd::Remix(args)) => commands::remix(config, args).await,
        Some(Cmd::History(args)) => commands::history(&config, &args).await,
        Some(Cmd::Resume) => commands::resume(config).await,
        Some(Cmd::Doctor(args)) => commands::doctor(&config, &args).await,
        Some(Cmd::Buckets(args)) => storage_commands::buckets(&config, &args).await,
        Some(Cmd::Ls(args)) => storage_commands::ls(&config, &args).await,
        Some(Cmd::Upload(args)) => storage_commands::upload(&config, &args).await,
        Some(Cmd::Get(args)) => storage_commands::get(&config, &args).await,
        Some(Cmd::Url(args)) => storage_commands::url(&config, &args).await,
        Some(Cmd::Rm(args)) => storage_commands::rm(&config, &args).await,
        Some(Cmd::Du(args)) => storage_commands::du(&config, &args).await,
        Some(Cmd::Cp(args)) => storage_commands::cp(&config, &args).await,
        Some(Cmd::Mv(args)) => storage_commands::mv(&config, &args).await,
    }
}

/// `demo_note`: what the demo's simulator does on purpose, when it runs one.
async fn run_dashboard(config: Config, demo_note: Option<String>) -> Result<ExitCode> {
    let demo = demo_note.is_some();
    // A `[keys]` typo stops the start here, before any request, with the name and the file.
    let keymap = app::keymap::KeyMap::with_overrides(&config.keys, config.file.as_deref())?;
    let theme = sora_tui::ui::theme_file::resolve(
        config.ui_theme.as_ref().map(|t| t.value.as_str()),
        config.file.as_deref(),
        |k| std::env::var(k).ok(),
    )?;
    let http = setup::http(&config)?;
    let services = setup::services(&config, &http);
    let provider_description = match &services.provider {
        Some(p) => p.describe(),
        None => match setup::provider(&config, &http) {
            Err(e) => format!("no video service: {e}"),
            Ok(_) => "no video service".into(),
        },
    };
    // Every configured service, the default first: the prompt switches between them.
    let choices: Vec<app::ServiceChoice> = services
        .all_providers()
        .map(app::ServiceChoice::from_provider)
        .collect();
    let no_service = choices
        .is_empty()
        .then(|| sora_core::engine::NO_PROVIDER.to_string());
    // A second instance stops here, before it touches the terminal, with the lock's message.
    let journal = commands::open_journal(&config)?;
    let profile = setup::sora_profile(&config, config.provider.value)?
        .unwrap_or_else(|| ModelProfile::azure_sora(&config.pricing.value));
    let (default_size, default_seconds, default_variants) = setup::defaults_for(&config, &profile)?;
    // Folded once: the jobs to resume and the prompts' history both come from it.
    let records = journal.records();
    let settings = app::AppSettings {
        provider_description,
        demo,
        demo_note,
        default_size,
        default_seconds,
        default_variants,
        profile,
        output_bucket: config.supabase.output_bucket.value.clone(),
        input_bucket: config.supabase.input_bucket.value.clone(),
        public_urls: config.supabase.public_urls.value,
        supabase_url: config.supabase.url.as_ref().map(|u| u.value.clone()),
        download_dir: config.download.dir.value.clone(),
        auto_upload: config.defaults.auto_upload.value,
        supports_remix: config.provider.value.supports_remix(),
        fault_tags: if demo { demo::fault_tags() } else { Vec::new() },
        services: choices,
        no_service,
        resume: records
            .iter()
            .filter(|r| r.next_step() != NextStep::Done)
            .map(|r| (r.id.clone(), r.request.prompt.clone()))
            .collect(),
        open_command: config.open_command.clone(),
        // The program log's data dir, not the demo's journal dir (removed when the demo ends).
        data_dir: sora_core::config::data_dir(&|k| std::env::var(k).ok()).value,
        log_file: Some(log_path()).filter(|p| p.is_file()),
        notify: config.ui.notify.value,
        keymap,
        mouse: config.ui_mouse,
        images: config.ui.images.value,
        thumbnails: None,
        prompt_history: prompt_history(records),
    };
    let (tx, rx) = mpsc::unbounded_channel();
    for plain in sora_core::config::plain_http_warnings(&config) {
        let _ = tx.send(sora_core::engine::EngineEvent::Warning {
            key: None,
            message: plain.to_string(),
        });
    }
    let engine = Engine::with_extras(
        services,
        setup::engine_settings(&config),
        tx,
        EngineExtras {
            limits: setup::download_limits(&config),
            journal: Some(journal),
            doctor: Some(setup::doctor(
                std::sync::Arc::new(config.clone()),
                http.clone(),
            )),
            http: Some(http),
        },
    );
    // Returning (rather than exiting) lets the demo's simulator and journal dir clean up.
    Ok(
        match sora_tui::tui::run(engine, rx, settings, theme).await? {
            None => ExitCode::SUCCESS,
            Some(signal) => ExitCode::from(signal.exit_code()),
        },
    )
}

/// Every prompt the journal holds, oldest first: the prompt's Ctrl-p/Ctrl-r history.
fn prompt_history(mut records: Vec<sora_core::journal::JobRecord>) -> Vec<String> {
    records.sort_by_key(|r| r.started_at);
    records.into_iter().map(|r| r.request.prompt).collect()
}

/// Arguments clap refused (or `--help`/`--version`, which it prints as an "error"): printed as
/// clap prints them, and for a command line that asked for `--json`, as JSON on stdout too, as
/// every other error of a JSON command is.
fn refused_arguments(error: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let informational = matches!(
        error.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    );
    let asked_json = std::env::args_os().any(|a| a == "--json");
    if asked_json && !informational {
        let text = error.render().to_string();
        let text = text.trim_end();
        eprintln!("{text}");
        println!("{}", serde_json::json!({ "error": multi_line(text) }));
        return ExitCode::from(2);
    }
    // clap's own output and exit code (2 for a usage error, 0 for --help).
    error.exit()
}

/// Rust ignores SIGPIPE, so printing into a closed pipe (`sora-tui jobs | head -1`) would
/// panic. Headless commands behave like other command-line tools instead: they end quietly.
/// The dashboard (a terminal, not a pipe) and the simulator (which must outlive a reader that
/// stops after the env lines) keep Rust's default.
fn restore_default_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called at the start of main, before any thread exists; SIG_DFL is a valid handler.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Where the program's log goes (see `sora_core::config::log_dir`).
fn log_path() -> std::path::PathBuf {
    sora_core::config::log_dir(&|k| std::env::var(k).ok()).join("sora-tui.log")
}

/// Lines the log writer thread may have queued (32 bytes each).
const LOG_QUEUE_LINES: usize = 4096;

/// Logs go to [`log_path`] (`SORA_TUI_DATA_DIR` moves them with the journal), never to the
/// terminal the UI owns. A log that cannot be opened (a root-owned file left by one
/// `sudo` run, a read-only disk) costs the log, not the command: one warning, no file log.
fn init_logging(
    level: Option<&str>,
) -> Result<Option<tracing_appender::non_blocking::WorkerGuard>, String> {
    // A bad level is the user's to fix, and is said before anything runs.
    const LEVELS: [&str; 6] = ["off", "error", "warn", "info", "debug", "trace"];
    let refuse = |why: String| {
        format!(
            "--log-level {}: {why}; give error, warn, info, debug or trace, or a filter like sora_core=debug",
            sora_core::text::one_line(level.unwrap_or_default())
        )
    };
    let filter = match level {
        // A bare word that is no level would be read as a module name and log nothing.
        Some(level) if !level.contains('=') && !LEVELS.contains(&level.trim()) => {
            return Err(refuse("not a level".into()));
        }
        Some(level) => {
            Some(tracing_subscriber::EnvFilter::try_new(level).map_err(|e| refuse(e.to_string()))?)
        }
        None => None,
    };
    let path = log_path();
    let Some(dir) = path.parent().map(std::path::Path::to_path_buf) else {
        return Ok(None);
    };
    let opened = sora_core::download::files::create_private_dir(&dir).and_then(|()| {
        // Appended to, 0600, and never through a symbolic link planted at its name.
        sora_core::download::files::private_options()
            .create(true)
            .append(true)
            .open(&path)
    });
    let file = match opened {
        Ok(file) => file,
        Err(e) => {
            eprintln!(
                "sora-tui: warning: cannot write the log {} ({e}); running without a log file. Check who owns it (a `sudo` run leaves it to root) or set SORA_TUI_DATA_DIR",
                path.display()
            );
            return Ok(None);
        }
    };
    // The default queue of 128,000 lines is allocated and touched up front: 4 MiB of RSS and
    // ~2.5 ms before the first frame. Logs are a few lines a second at most; when the writer
    // falls this far behind, lines are dropped (the default's behaviour too), never waited on.
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(LOG_QUEUE_LINES)
        .finish(file);
    let filter = filter.unwrap_or_else(|| {
        tracing_subscriber::EnvFilter::try_from_env("SORA_TUI_LOG")
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("sora_tui=info,sora_core=info"))
    });
    if tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .is_err()
    {
        return Ok(None);
    }
    Ok(Some(guard))
}

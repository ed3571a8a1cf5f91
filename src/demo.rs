//! The built-in simulator: `--demo` runs the dashboard against it in-process, `sim` serves it for
//! other processes. Compiled only with the default feature `demo`; without it both say so.

#[cfg(feature = "demo")]
pub use with_simulator::{Demo, fault_tags, run_sim, start};
#[cfg(not(feature = "demo"))]
pub use without_simulator::{Demo, fault_tags, run_sim, start};

#[cfg(feature = "demo")]
mod with_simulator {
    use std::io::Write;
    use std::process::ExitCode;
    use std::time::Duration;

    use anyhow::{Context, Result};
    use sora_core::config::{AzureAuthMode, Config, Setting, Source};
    use sora_core::secret::Secret;

    use crate::cli::SimArgs;

    /// The demo's content lag: after a job completes, its content answers 404 this long, so a
    /// demo shows the download waiting and retrying. `sora-tui sim` has none unless asked.
    const DEMO_CONTENT_DELAY: Duration = Duration::from_secs(3);

    /// Each step of a demo Runway task (PENDING, then three of RUNNING): Runway is polled no
    /// faster than every 5 s, so at the simulator's usual second a task would end before the
    /// first poll; at this pace the timeline shows RUNNING with its percentage rising.
    const DEMO_RUNWAY_STEP: Duration = Duration::from_secs(4);

    /// What a demo keeps alive for the whole run: the simulator, and the demo's own journal
    /// directory, removed when the run ends.
    pub struct Demo {
        _sim: sora_sim::SimHandle,
        _journal_dir: RemoveOnDrop,
    }

    impl Demo {
        /// The line the dashboard shows: what the demo does differently from the services.
        pub fn note(&self) -> String {
            format!(
                "content held back {} s after each job, on purpose",
                DEMO_CONTENT_DELAY.as_secs()
            )
        }
    }

    /// The demo's fault tags with what each does, for the empty jobs panel.
    pub fn fault_tags() -> Vec<(String, String)> {
        sora_sim::demo_fault_tags()
            .iter()
            .map(|(tag, what)| (tag.to_string(), what.to_string()))
            .collect()
    }

    /// Start the simulator in-process on a free loopback port and point the config at it.
    pub async fn start(config: &mut Config) -> Result<Demo> {
        let sim_config = sora_sim::SimConfig {
            content_delay: DEMO_CONTENT_DELAY,
            runway_step: Some(DEMO_RUNWAY_STEP),
            ..sora_sim::SimConfig::default()
        };
        let handle = sora_sim::start(sim_config.clone(), ([127, 0, 0, 1], 0).into())
            .await
            .context("cannot start the built-in simulator")?;
        let base = url::Url::parse(&handle.base_url()).context("simulator address")?;
        point_at(config, &base, &sim_config);
        // Simulated jobs get a journal of their own: they cannot be resumed against real services
        // (nor against the next demo's fresh simulator).
        let demo_dir = std::env::temp_dir().join(format!("sora-tui-demo-{}", std::process::id()));
        config.data_dir = Setting::new(demo_dir, Source::Demo);
        // The simulator moves a job on every second; poll twice as often (unless the user chose
        // otherwise), so the timeline shows every status the demo is there to show.
        if config.download.poll_interval.source == Source::Default {
            config.download.poll_interval = Setting::new(Duration::from_millis(500), Source::Demo);
        }
        // Simulated videos go to a `demo` folder of their own, not among real ones (unless the
        // user named a directory).
        if config.download.dir.source == Source::Default {
            let dir = config.download.dir.value.join("demo");
            config.download.dir = Setting::new(dir, Source::Demo);
        }
        let journal_dir = RemoveOnDrop(config.data_dir.value.clone());
        Ok(Demo {
            _sim: handle,
            _journal_dir: journal_dir,
        })
    }

    /// Point every service at the simulator at `base`, with its demo keys. The provider family
    /// stays as configured: the simulator speaks all of them.
    fn point_at(config: &mut Config, base: &url::Url, sim: &sora_sim::SimConfig) {
        config.azure.endpoint = Some(Setting::new(base.clone(), Source::Demo));
        config.azure.api_key = Some(Setting::new(Secret::new(&sim.azure_api_key), Source::Demo));
        config.azure.auth = Setting::new(AzureAuthMode::ApiKey, Source::Demo);
        if let Ok(openai) = base.join("v1") {
            config.openai.base_url = Setting::new(openai, Source::Demo);
        }
        config.openai.api_key = Some(Setting::new(Secret::new(&sim.openai_api_key), Source::Demo));
        config.runway.base_url = Setting::new(base.clone(), Source::Demo);
        config.runway.api_key = Some(Setting::new(Secret::new(&sim.runway_api_key), Source::Demo));
        config.fal.queue_url = Setting::new(base.clone(), Source::Demo);
        config.fal.key = Some(Setting::new(Secret::new(&sim.fal_key), Source::Demo));
        config.supabase.url = Some(Setting::new(base.clone(), Source::Demo));
        config.supabase.service_role_key =
            Some(Setting::new(Secret::new(&sim.supabase_key), Source::Demo));
    }

    pub async fn run_sim(args: &SimArgs) -> Result<ExitCode> {
        let secs = |v: f64, name: &str| {
            if v.is_finite() && (0.0..=3600.0).contains(&v) {
                Ok(Duration::from_secs_f64(v))
            } else {
                Err(anyhow::anyhow!(
                    "--{name} must be between 0 and 3600 seconds, got {v}"
                ))
            }
        };
        let sim_config = sora_sim::SimConfig {
            status_step: secs(args.status_step, "status-step")?,
            content_delay: secs(args.content_delay, "content-delay")?,
            fail_prompts_containing: args.fail_prompts_containing.clone(),
            data_dir: args.data.clone(),
            list_lag: secs(args.list_lag, "list-lag")?,
            // fal-client forces https: the env lines name the certificate for SSL_CERT_FILE.
            tls: true,
            ..sora_sim::SimConfig::default()
        };
        let seeds = args
            .seeds
            .iter()
            .map(|seed| parse_seed(seed))
            .collect::<Result<Vec<_>>>()?;
        let handle = sora_sim::start(sim_config.clone(), args.addr)
            .await
            .with_context(|| format!("cannot listen on {}", args.addr))?;
        for (bucket, prefix, count) in &seeds {
            handle.seed_objects(bucket, prefix, *count);
        }
        // Written with errors ignored: whoever started us may stop reading after the env lines.
        let mut out = std::io::stdout().lock();
        let _ = writeln!(
            out,
            "# sora-tui simulator of Azure OpenAI (Sora, Sora 2), OpenAI (Videos), Runway, fal.ai and Supabase Storage, listening on {} (media on {}, TLS on {})",
            handle.base_url(),
            handle.media_url(),
            handle.tls_host().unwrap_or_default()
        );
        let _ = writeln!(
            out,
            "# point a client at it (these keys are the simulator's, not secrets):"
        );
        for line in sora_sim::env_lines(&handle, &sim_config)
            .into_iter()
            .chain(sora_sim::openai_env_lines(&handle, &sim_config))
        {
            let _ = writeln!(out, "{line}");
        }
        let _ = writeln!(
            out,
            "# Storage's anon key (row-level security: an empty project, writes refused): {}",
            sim_config.supabase_anon_key
        );
        let _ = writeln!(out, "# Ctrl-C (or SIGTERM) stops it.");
        let _ = out.flush();
        drop(out);
        // Either signal shuts down cleanly, so the TLS certificate file is removed too.
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .context("cannot watch for SIGTERM")?;
        tokio::select! {
            stopped = tokio::signal::ctrl_c() => stopped.context("waiting for Ctrl-C")?,
            _ = term.recv() => {}
        }
        handle.shutdown().await;
        Ok(ExitCode::SUCCESS)
    }

    /// Most objects one `--seed` puts in a folder.
    const MAX_SEED: usize = 10_000_000;

    /// `BUCKET/PREFIX=COUNT` (or `BUCKET=COUNT`) → its parts.
    fn parse_seed(seed: &str) -> Result<(String, String, usize)> {
        let wrong = || {
            anyhow::anyhow!(
                "--seed takes BUCKET/PREFIX=COUNT (COUNT 1 to {MAX_SEED}), e.g. output-videos/bench=100000; got {seed:?}"
            )
        };
        let (location, count) = seed.rsplit_once('=').ok_or_else(wrong)?;
        let count: usize = count.trim().parse().map_err(|_| wrong())?;
        let (bucket, prefix) = location.split_once('/').unwrap_or((location, ""));
        if bucket.is_empty() || !(1..=MAX_SEED).contains(&count) {
            return Err(wrong());
        }
        Ok((bucket.to_string(), prefix.to_string(), count))
    }

    /// Deletes a directory when dropped: the demo's journal lives only as long as its simulator.
    struct RemoveOnDrop(std::path::PathBuf);

    impl Drop for RemoveOnDrop {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

#[cfg(not(feature = "demo"))]
mod without_simulator {
    use std::process::ExitCode;

    use anyhow::{Result, bail};
    use sora_core::config::Config;

    use crate::cli::SimArgs;

    const NO_SIMULATOR: &str = "this sora-tui was built without the simulator (the `demo` feature); \
        install it with `cargo install --path .` (the feature is on by default), or configure a real service";

    pub enum Demo {}

    impl Demo {
        pub fn note(&self) -> String {
            match *self {}
        }
    }

    pub fn fault_tags() -> Vec<(String, String)> {
        Vec::new()
    }

    pub async fn start(_config: &mut Config) -> Result<Demo> {
        bail!("--demo: {NO_SIMULATOR}")
    }

    pub async fn run_sim(_args: &SimArgs) -> Result<ExitCode> {
        bail!("sim: {NO_SIMULATOR}")
    }
}

//! The command line (clap).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "sora-tui",
    version,
    about = "Generate Sora videos, watch every job, download them reliably, store them in Supabase",
    long_about = "Without a subcommand: the dashboard. `--demo` runs everything against the built-in simulator, no credentials needed."
)]
pub struct Cli {
    /// Config file (default: <platform config dir>/sora-tui/config.toml).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Use the built-in simulator of Azure OpenAI and Supabase (no credentials needed).
    #[arg(long, global = true)]
    pub demo: bool,

    /// Where videos are written (overrides `download.dir` and SORA_TUI_DOWNLOAD_DIR).
    #[arg(long, global = true, value_name = "DIR")]
    pub download_dir: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Cmd>,
}

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Run the simulator of Azure OpenAI (Sora) and Supabase Storage as a server.
    Sim(SimArgs),
    /// Generate a video without the dashboard: one line per event; exit 0 only if every step worked.
    Generate(GenerateArgs),
}

#[derive(Debug, Args)]
pub struct SimArgs {
    /// Address to listen on (loopback by default).
    #[arg(long, default_value = "127.0.0.1:8787")]
    pub addr: SocketAddr,
    /// Seconds each job spends in each status before the next.
    #[arg(long, default_value_t = 1.0, value_name = "SECS")]
    pub status_step: f64,
    /// Seconds content answers 404 after a job succeeded (the "content lags" fault).
    #[arg(long, default_value_t = 3.0, value_name = "SECS")]
    pub content_delay: f64,
    /// Jobs whose prompt contains this text fail with `input_moderation`.
    #[arg(long, value_name = "TEXT")]
    pub fail_prompts_containing: Option<String>,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// What the video should show.
    pub prompt: String,
    /// Frame size, WIDTHxHEIGHT (default from config: 480x480).
    #[arg(long, value_name = "WxH")]
    pub size: Option<String>,
    /// Length in seconds (default from config: 5).
    #[arg(long, value_name = "N")]
    pub seconds: Option<u32>,
    /// How many variants (default from config: 1).
    #[arg(long, value_name = "N")]
    pub variants: Option<u32>,
    /// Directory for the files (default: the configured download directory).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Store the video(s) in the output bucket and print the object path and public URL.
    #[arg(long)]
    pub upload: bool,
}

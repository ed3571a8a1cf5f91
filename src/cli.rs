//! The command line (clap).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "sora-tui",
    version,
    about = "Generate videos (Runway, fal.ai, Sora), watch every job, download them reliably, store them in Supabase",
    long_about = "Without a subcommand: the dashboard. `--demo` runs everything against the built-in simulator, no credentials needed. Runway (RUNWAYML_API_SECRET) and fal.ai (FAL_KEY) generate today; the Sora APIs are retired or retiring."
)]
pub struct Cli {
    /// Config file (default: <platform config dir>/sora-tui/config.toml).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Use the built-in simulator of every service (no credentials needed).
    #[arg(long, global = true)]
    pub demo: bool,

    /// How much the log file (~/.local/state/sora-tui/logs/sora-tui.log) records: error, warn, info (the
    /// default), debug or trace, or a filter like `sora_core=debug` (overrides SORA_TUI_LOG).
    /// The log never goes to the terminal.
    #[arg(long, global = true, value_name = "LEVEL")]
    pub log_level: Option<String>,

    /// Leave the mouse to the terminal (its text selection) instead of clicks and the wheel
    /// (overrides `[ui] mouse`; M or F12 in the dashboard switches it too).
    #[arg(long)]
    pub no_mouse: bool,

    /// How thumbnails are drawn: auto (ask the terminal: kitty, sixel or iTerm2 graphics where
    /// it has them, half-blocks otherwise), halfblocks, kitty, sixel, iterm2, or off (overrides
    /// `[ui] images`).
    #[arg(long, value_name = "MODE", value_parser = parse_images)]
    pub images: Option<sora_core::config::Images>,

    /// The video service: runway, fal, or a Sora family (azure-sora, azure-sora2, openai)
    /// (overrides `provider` and SORA_TUI_PROVIDER).
    #[arg(long, global = true, value_name = "NAME")]
    pub provider: Option<String>,

    /// The model: a Runway or fal catalogue id (gen4.5, veo3.1, fal-ai/veo3.1...), the OpenAI
    /// model, or the Azure deployment name.
    #[arg(long, global = true, value_name = "NAME")]
    pub model: Option<String>,

    /// Where videos are written (overrides `download.dir` and SORA_TUI_DOWNLOAD_DIR).
    #[arg(long, global = true, value_name = "DIR")]
    pub download_dir: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Cmd>,
}

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Run the simulator of Runway, fal.ai, Azure OpenAI and OpenAI (Sora) and Supabase Storage
    /// as a server.
    Sim(SimArgs),
    /// Generate a video without the dashboard: one line per event; exit 0 only if every step worked.
    Generate(GenerateArgs),
    /// List the service's jobs (newest first).
    Jobs(JobsArgs),
    /// Show one job (or Azure generation, or video).
    Status(StatusArgs),
    /// Download the content of an existing job, generation or video.
    Download(DownloadArgs),
    /// Delete a job or video on the service (its content goes with it).
    Delete(DeleteArgs),
    /// Make a new video from a finished one and a new prompt (azure-sora2 and openai), and download it.
    Remix(RemixArgs),
    /// Past jobs from the journal: prompt, parameters, status, cost estimate, files, bucket paths.
    History(HistoryArgs),
    /// Finish what an earlier run left: poll, download and upload the journal's unfinished jobs.
    Resume,
    /// Check the configuration and every service it names; exit non-zero when a check fails.
    Doctor(DoctorArgs),
    /// List the Supabase Storage buckets (public flag, size limit, allowed types).
    Buckets(BucketsArgs),
    /// List a folder of a bucket: BUCKET or BUCKET/PREFIX (every page), with its totals.
    Ls(LsArgs),
    /// Objects and bytes in a bucket or folder, all levels down (counted from a listing).
    Du(DuArgs),
    /// Upload a local file (streamed; resumable above supabase.resumable_threshold_mib), or a
    /// folder with -r.
    Upload(UploadArgs),
    /// Download an object to a file, or a folder with -r.
    Get(GetArgs),
    /// Print an object's public URL, or a signed one with --signed SECONDS.
    Url(UrlArgs),
    /// Delete objects: BUCKET/PATH..., or whole folders with -r.
    Rm(RmArgs),
    /// Copy an object (or a folder with -r), within a bucket or to another.
    Cp(CopyArgs),
    /// Move an object (or a folder with -r), within a bucket or to another.
    Mv(MoveArgs),
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// One JSON array of the journal's entries instead of lines.
    #[arg(long)]
    pub json: bool,
    /// Drop an entry (by its job id, or the journal id `history --json` shows) so `resume`
    /// stops picking it up: for a job you have settled yourself. Nothing is deleted on the
    /// service or on disk.
    #[arg(long, value_name = "ID")]
    pub forget: Option<String>,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Also upload and delete a tiny probe object in the output bucket.
    #[arg(long)]
    pub probe: bool,
    /// The settings and checks as one JSON object instead of the table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct BucketsArgs {
    /// One JSON array of the buckets instead of lines.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct LsArgs {
    /// BUCKET or BUCKET/PREFIX.
    pub location: String,
    /// The entries and totals as JSON instead of lines.
    #[arg(long)]
    pub json: bool,
    /// Only entries whose name starts with this text (case-insensitive, as the server's search).
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    /// Order of the entries (folders first when by size or date). By name (the server's order)
    /// each page prints as it arrives; by size or date every entry is fetched first, then sorted.
    #[arg(long, value_enum, default_value_t = SortBy::Name)]
    pub sort: SortBy,
    /// Largest, newest or last name first (every entry is fetched first, then sorted).
    #[arg(long)]
    pub desc: bool,
    /// Every object in every folder below, by its path under BUCKET/PREFIX (every entry is
    /// fetched first, then sorted).
    #[arg(short = 'r', long)]
    pub recursive: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortBy {
    /// By name, as the server lists them (each page printed as it arrives).
    Name,
    /// By size in bytes (smallest first; --desc for largest first).
    Size,
    /// By last change (oldest first; --desc for newest first).
    Updated,
}

#[derive(Debug, Args)]
pub struct DuArgs {
    /// BUCKET or BUCKET/PREFIX.
    pub location: String,
    /// The totals as one JSON object instead of a line.
    #[arg(long)]
    pub json: bool,
}

/// Files (or objects) transferred at a time by -r: 1 to 16.
fn jobs() -> clap::builder::RangedI64ValueParser<u16> {
    clap::value_parser!(u16).range(1..=16)
}

#[derive(Debug, Args)]
pub struct UploadArgs {
    /// The file (with -r: the folder) to upload.
    pub file: PathBuf,
    /// BUCKET/PATH of the object; a bare BUCKET (or one ending in /) keeps the file's name
    /// inside. With -r: BUCKET or BUCKET/PREFIX the folder's files go under.
    pub target: String,
    /// Overwrite an existing object (with -r: replace objects that differ from the local file).
    #[arg(long)]
    pub upsert: bool,
    /// The object's content type (default: guessed from the file name).
    #[arg(long, value_name = "TYPE", conflicts_with = "recursive")]
    pub content_type: Option<String>,
    /// Upload every file under the folder; files already stored identically are skipped.
    #[arg(short = 'r', long)]
    pub recursive: bool,
    /// With -r: files uploaded at a time.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = jobs())]
    pub jobs: u16,
}

#[derive(Debug, Args)]
pub struct GetArgs {
    /// BUCKET/PATH of the object (with -r: BUCKET or BUCKET/PREFIX of the folder).
    pub object: String,
    /// File to write, or an existing folder to save into (default: the object's name in the
    /// current directory). With -r: the folder to save into (default: the folder's name).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Replace the local file if it exists (without it, an existing file is left alone).
    #[arg(long)]
    pub force: bool,
    /// Download every object under the folder; local files already identical are skipped.
    #[arg(short = 'r', long)]
    pub recursive: bool,
    /// With -r: files downloaded at a time.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = jobs())]
    pub jobs: u16,
}

#[derive(Debug, Args)]
pub struct CopyArgs {
    /// BUCKET/PATH of the object (with -r: of the folder).
    pub source: String,
    /// BUCKET/PATH it goes to; ending in / (or a bare BUCKET) keeps its name inside.
    pub destination: String,
    /// Copy every object under the folder, each to the same place under the destination.
    #[arg(short = 'r', long)]
    pub recursive: bool,
    /// Overwrite objects at the destination.
    #[arg(long)]
    pub upsert: bool,
    /// With -r: objects copied at a time.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = jobs())]
    pub jobs: u16,
}

#[derive(Debug, Args)]
pub struct MoveArgs {
    /// BUCKET/PATH of the object (with -r: of the folder).
    pub source: String,
    /// BUCKET/PATH it goes to; ending in / (or a bare BUCKET) keeps its name inside. A move
    /// never overwrites: an object already there is refused.
    pub destination: String,
    /// Move every object under the folder, each to the same place under the destination.
    #[arg(short = 'r', long)]
    pub recursive: bool,
    /// With -r: objects moved at a time.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = jobs())]
    pub jobs: u16,
}

#[derive(Debug, Args)]
pub struct UrlArgs {
    /// BUCKET/PATH of the object.
    pub object: String,
    /// A signed URL valid this many seconds instead of the public URL.
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    pub signed: Option<u64>,
}

#[derive(Debug, Args)]
pub struct RmArgs {
    /// BUCKET/PATH of each object (with -r: BUCKET/FOLDER of each folder).
    #[arg(required = true)]
    pub objects: Vec<String>,
    /// Delete every object in each folder, all levels down: counted first, asked once, deleted
    /// in batches, then listed again to report what is left.
    #[arg(short = 'r', long)]
    pub recursive: bool,
    /// With -r: count, and stop there.
    #[arg(long, requires = "recursive")]
    pub dry_run: bool,
    /// With -r: do not ask (needed when stdin is not a terminal).
    #[arg(short = 'y', long, requires = "recursive")]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct JobsArgs {
    /// How many jobs to show.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub limit: u32,
    /// Start after this job id (the `last_id` of the previous page).
    #[arg(long, value_name = "ID")]
    pub after: Option<String>,
    /// One JSON array instead of lines.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// A job id (`task_…`), generation id (`gen_…`) or video id (`video_…`).
    pub id: String,
    /// The service's answer as one JSON object instead of lines.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DownloadArgs {
    /// A job id (`task_…`), generation id (`gen_…`) or video id (`video_…`).
    pub id: String,
    /// Which rendition: video, thumbnail, spritesheet (v1 API), or all.
    #[arg(long, default_value = "video")]
    pub variant: String,
    /// Directory for the files (default: the configured download directory).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Also store the video(s) in the output bucket.
    #[arg(long)]
    pub upload: bool,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The job id (`task_…`) or video id (`video_…`) to delete on the service.
    pub id: String,
}

#[derive(Debug, Args)]
pub struct RemixArgs {
    /// The finished video to start from (`video_…`).
    pub id: String,
    /// What to change.
    pub prompt: String,
    /// Directory for the new video (default: the configured download directory).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Also store the new video in the output bucket and print its object path and URL.
    #[arg(long)]
    pub upload: bool,
}

#[derive(Debug, Args)]
pub struct SimArgs {
    /// Address to listen on (loopback by default).
    #[arg(long, default_value = "127.0.0.1:8787")]
    pub addr: SocketAddr,
    /// Seconds each job spends in each status before the next.
    #[arg(long, default_value_t = 1.0, value_name = "SECS")]
    pub status_step: f64,
    /// Seconds content answers 404 after a job succeeded (the "content lags" fault; off by
    /// default, as the services serve content at once; the `[lag]` prompt tag does it for one job).
    #[arg(long, default_value_t = 0.0, value_name = "SECS")]
    pub content_delay: f64,
    /// Jobs whose prompt contains this text fail with `input_moderation`.
    #[arg(long, value_name = "TEXT")]
    pub fail_prompts_containing: Option<String>,
    /// Keep Storage's buckets and objects in this directory across restarts.
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Seconds a new job stays out of the job lists (a list that lags behind the service).
    #[arg(long, default_value_t = 0.0, value_name = "SECS")]
    pub list_lag: f64,
    /// Put COUNT small objects (PREFIX/obj-000000.bin...) straight into BUCKET (created, public,
    /// when missing) before serving: huge folders for benchmarks. Repeatable.
    #[arg(long = "seed", value_name = "BUCKET/PREFIX=COUNT")]
    pub seeds: Vec<String>,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// What the video should show.
    pub prompt: String,
    /// Sora frame size, WIDTHxHEIGHT (default from config: 480x480); Runway and fal models
    /// take their own ratio instead (--param ratio=1280:720, or aspect_ratio for fal).
    #[arg(long, value_name = "WxH")]
    pub size: Option<String>,
    /// Length in seconds (Sora: default from config, 5; Runway and fal: the model's
    /// `duration`, its default when not given).
    #[arg(long, value_name = "N")]
    pub seconds: Option<u32>,
    /// How many variants (Sora only; default from config: 1).
    #[arg(long, value_name = "N")]
    pub variants: Option<u32>,
    /// A Runway or fal model parameter, NAME=VALUE (repeatable): ratio=720:1280,
    /// duration=8, audio=false... Without one, the model's defaults are sent.
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// Image to video: a local JPEG, PNG or WebP used as the first frame.
    #[arg(long, value_name = "FILE")]
    pub image: Option<PathBuf>,
    /// Directory for the files (default: the configured download directory).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Store the video(s) in the output bucket and print the object path and public URL.
    #[arg(long)]
    pub upload: bool,
}

impl Cli {
    /// The command was asked for JSON output (`--json`): its errors come as JSON too.
    pub fn wants_json(&self) -> bool {
        match &self.command {
            Some(Cmd::History(a)) => a.json,
            Some(Cmd::Doctor(a)) => a.json,
            Some(Cmd::Buckets(a)) => a.json,
            Some(Cmd::Ls(a)) => a.json,
            Some(Cmd::Du(a)) => a.json,
            Some(Cmd::Jobs(a)) => a.json,
            Some(Cmd::Status(a)) => a.json,
            _ => false,
        }
    }
}

/// `--images MODE`: the names `[ui] images` takes.
fn parse_images(name: &str) -> Result<sora_core::config::Images, String> {
    sora_core::config::Images::from_name(name).ok_or_else(|| {
        format!(
            "`{name}` is not a way to draw thumbnails: use {}",
            sora_core::config::Images::CHOICES
        )
    })
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    /// Every subcommand has an about and every argument (positional or flag, and each value of
    /// a choice) has help: a new flag without one fails here, not in a user's `--help`.
    #[test]
    fn every_command_and_argument_has_help() {
        fn walk(command: &clap::Command, path: &str, missing: &mut Vec<String>) {
            if command.get_about().is_none() {
                missing.push(format!("{path}: no about"));
            }
            for arg in command.get_arguments() {
                let id = arg.get_id().as_str();
                // clap's own; it brings its help.
                if matches!(id, "help" | "version") {
                    continue;
                }
                if arg.get_help().is_none() && arg.get_long_help().is_none() {
                    missing.push(format!("{path} {id}: no help"));
                }
                // A flag's true/false are clap's, not choices to explain.
                let values = if arg.get_action().takes_values() {
                    arg.get_possible_values()
                } else {
                    Vec::new()
                };
                for value in values {
                    if !value.is_hide_set() && value.get_help().is_none() {
                        missing.push(format!("{path} {id}={}: no help", value.get_name()));
                    }
                }
            }
            for sub in command.get_subcommands() {
                if sub.get_name() == "help" {
                    continue;
                }
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
        let mut missing = Vec::new();
        let command = Cli::command();
        walk(&command, command.get_name(), &mut missing);
        assert!(missing.is_empty(), "without help: {missing:#?}");
    }
}

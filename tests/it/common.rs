//! Helpers shared by the integration tests: a temporary home so no test touches the user's
//! config, data or downloads, and the simulator's own assets to compare downloads against.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub const SAMPLE_MP4: &[u8] = include_bytes!("../../assets/sample.mp4");
pub const THUMBNAIL_JPG: &[u8] = include_bytes!("../../assets/thumbnail.jpg");

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_sora-tui")
}

/// A sandbox: HOME and the XDG dirs point inside a temporary directory.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A config file with fast timings, so tests take seconds, not minutes.
    pub fn fast_config(&self) -> PathBuf {
        let path = self.path().join("config.toml");
        std::fs::write(
            &path,
            "[download]\npoll_interval_secs = 0.2\nretry_schedule_secs = [1, 1, 1, 2, 2]\nthumbnails = true\n",
        )
        .expect("write config");
        path
    }

    /// A command for the binary with a clean environment pointing into the sandbox.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(bin());
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", self.path())
            .env("XDG_CONFIG_HOME", self.path().join("config"))
            .env("XDG_DATA_HOME", self.path().join("data"))
            .env("XDG_STATE_HOME", self.path().join("state"))
            .env("XDG_DOWNLOAD_DIR", self.path().join("Downloads"))
            .env("NO_PROXY", "127.0.0.1,localhost");
        cmd
    }
}

/// `sora-tui sim` as a child process on a free port; the env lines it prints tell where.
pub struct SimProcess {
    pub child: Child,
    pub env: Vec<(String, String)>,
}

impl SimProcess {
    pub fn start(sandbox: &Sandbox, extra_args: &[&str]) -> Self {
        let mut cmd = sandbox.command();
        cmd.args(["sim", "--addr", "127.0.0.1:0"]).args(extra_args);
        Self::spawn(cmd)
    }

    /// Start a prepared `sora-tui sim` command (in a network namespace, say) and read its env
    /// lines.
    pub fn spawn(mut cmd: Command) -> Self {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start sora-tui sim");
        let stdout = child.stdout.take().expect("sim stdout");
        let mut lines = BufReader::new(stdout).lines();
        let mut env = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(20);
        // The env lines end with the "# Ctrl-C stops it." line.
        while Instant::now() < deadline {
            let Some(Ok(line)) = lines.next() else { break };
            if let Some(rest) = line.strip_prefix("export ")
                && let Some((k, v)) = rest.split_once('=')
            {
                env.push((k.to_string(), v.to_string()));
            }
            if line.starts_with("# Ctrl-C") {
                break;
            }
        }
        assert!(env.len() >= 4, "sim printed its env lines: {env:?}");
        Self { child, env }
    }

    /// Inject a fault rule (`POST /__sim/faults`, JSON) into the running simulator, so a test
    /// gets its fault on a given request rather than after a delay the machine's load can hide.
    pub fn inject(&self, rule_json: &str) {
        use std::io::{Read, Write};
        let base = self.var("SUPABASE_URL");
        let addr = base.trim_start_matches("http://").trim_end_matches('/');
        let mut stream = std::net::TcpStream::connect(addr).expect("connect to the simulator");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("read timeout");
        write!(
            stream,
            "POST /__sim/faults HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{rule_json}",
            rule_json.len()
        )
        .expect("send the fault rule");
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        assert!(
            answer.starts_with("HTTP/1.1 2"),
            "the simulator took the fault rule: {answer}"
        );
    }

    /// The requests the simulator answered so far (its `/__sim/requests` control route).
    pub fn requests(&self) -> Vec<serde_json::Value> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            let base = self.var("AZURE_OPENAI_ENDPOINT");
            sora_core::http::client()
                .expect("http client")
                .get(format!("{base}/__sim/requests"))
                .send()
                .await
                .expect("requests")
                .json::<serde_json::Value>()
                .await
                .expect("json")
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
    }

    pub fn var(&self, name: &str) -> &str {
        self.env
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("sim printed no {name}"))
    }
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The simulator in this process (its server runs on its own runtime's thread), for tests that
/// seed far more objects than uploading one by one would allow.
pub struct LocalSim {
    pub handle: sora_sim::SimHandle,
    pub env: Vec<(String, String)>,
    _runtime: tokio::runtime::Runtime,
}

impl LocalSim {
    pub fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let config = sora_sim::SimConfig::default();
        let handle = runtime
            .block_on(sora_sim::start(config.clone(), ([127, 0, 0, 1], 0).into()))
            .expect("sim starts");
        let env = sora_sim::env_lines(&handle, &config)
            .iter()
            .filter_map(|line| {
                let (k, v) = line.strip_prefix("export ")?.split_once('=')?;
                Some((k.to_string(), v.to_string()))
            })
            .collect();
        Self {
            handle,
            env,
            _runtime: runtime,
        }
    }
}

/// Run `cmd` to its end, or kill it after `limit` and fail: a command that hangs or reads
/// without end is the bug. Its address space is capped at 2 GiB so a runaway read fails fast
/// instead of filling the machine's memory.
pub fn run_bounded(mut cmd: std::process::Command, limit: std::time::Duration) -> Output {
    use std::io::Read;
    use std::process::Stdio;
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: setrlimit is async-signal-safe; nothing else runs between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                let cap = libc::rlimit {
                    rlim_cur: 2 << 30,
                    rlim_max: 2 << 30,
                };
                libc::setrlimit(libc::RLIMIT_AS, &cap);
                Ok(())
            });
        }
    }
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn sora-tui");
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let out_thread = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = out.read_to_end(&mut b);
        b
    });
    let err_thread = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = err.read_to_end(&mut b);
        b
    });
    let deadline = std::time::Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("sora-tui did not finish within {limit:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out_thread.join().expect("stdout thread"),
        stderr: err_thread.join().expect("stderr thread"),
    }
}

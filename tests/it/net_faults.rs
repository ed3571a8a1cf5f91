//! Real link trouble, not simulated delays: the simulator runs in a network namespace of its
//! own behind a veth pair, and the client reaches it over that link while `tc`'s `tbf` caps it
//! at 2 Mbit/s and the link is cut (set down) in the middle of a download, then brought back.
//! Every download ends byte-identical. A namespace that cannot be made fails the test with the
//! reason: nothing is skipped (`scripts/test.sh` installs iproute2; the tests need root, as CI
//! and these machines give).

use crate::common;

use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::fault_proxy::{FaultProxy, Faults};
use common::{SAMPLE_MP4, Sandbox, SimProcess};

static NEXT_LINK: AtomicU32 = AtomicU32::new(0);

/// A namespace with the simulator's side of a veth pair; the host keeps the other side.
struct Link {
    ns: String,
    host_if: String,
    ns_if: String,
    ns_ip: String,
}

fn ip(args: &[&str]) -> Result<(), String> {
    let out = Command::new("ip")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run `ip` (iproute2; scripts/test.sh installs it): {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "`ip {}` failed: {} (the network tests need root, or CAP_NET_ADMIN)",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

impl Link {
    fn new() -> Self {
        let n = std::process::id() % 1000 * 10 + NEXT_LINK.fetch_add(1, Ordering::SeqCst) % 10;
        let subnet = format!("10.231.{}", n % 250);
        let link = Link {
            ns: format!("sorat{n}"),
            host_if: format!("sorat{n}h"),
            ns_if: format!("sorat{n}n"),
            ns_ip: format!("{subnet}.2"),
        };
        let host_ip = format!("{subnet}.1/30");
        let ns_ip = format!("{}/30", link.ns_ip);
        let steps: Vec<Vec<&str>> = vec![
            vec!["netns", "add", &link.ns],
            vec![
                "link",
                "add",
                &link.host_if,
                "type",
                "veth",
                "peer",
                "name",
                &link.ns_if,
            ],
            vec!["link", "set", &link.ns_if, "netns", &link.ns],
            vec!["addr", "add", &host_ip, "dev", &link.host_if],
            vec!["link", "set", &link.host_if, "up"],
            vec!["-n", &link.ns, "addr", "add", &ns_ip, "dev", &link.ns_if],
            vec!["-n", &link.ns, "link", "set", &link.ns_if, "up"],
            vec!["-n", &link.ns, "link", "set", "lo", "up"],
        ];
        for step in steps {
            if let Err(e) = ip(&step) {
                panic!("cannot build the test network: {e}");
            }
        }
        link
    }

    /// Cap what the simulator sends (downloads) with a token bucket.
    fn cap(&self, rate: &str) {
        let out = Command::new("ip")
            .args([
                "netns",
                "exec",
                &self.ns,
                "tc",
                "qdisc",
                "add",
                "dev",
                &self.ns_if,
            ])
            .args([
                "root", "tbf", "rate", rate, "burst", "32kbit", "latency", "400ms",
            ])
            .output()
            .expect("run tc");
        assert!(
            out.status.success(),
            "tc tbf: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn set(&self, state: &str) {
        ip(&["link", "set", &self.host_if, state]).unwrap_or_else(|e| panic!("{e}"));
    }

    /// `sora-tui sim` inside the namespace, listening on its side of the link.
    fn start_sim(&self, sandbox: &Sandbox) -> SimProcess {
        let cmd = sandbox.command();
        let bin = cmd.get_program().to_owned();
        let mut inside = Command::new("ip");
        inside.args(["netns", "exec", &self.ns]).arg(bin);
        inside.env_clear();
        for (k, v) in cmd.get_envs() {
            if let Some(v) = v {
                inside.env(k, v);
            }
        }
        inside.args([
            "sim",
            "--addr",
            &format!("{}:0", self.ns_ip),
            "--status-step",
            "0.3",
        ]);
        SimProcess::spawn(inside)
    }
}

impl Drop for Link {
    fn drop(&mut self) {
        // Deleting the namespace takes its end of the pair, and the pair with it.
        let _ = ip(&["netns", "del", &self.ns]);
        let _ = ip(&["link", "del", &self.host_if]);
    }
}

fn run(sandbox: &Sandbox, sim: &SimProcess, args: &[&str], limit: Duration) -> Output {
    let mut cmd = sandbox.command();
    cmd.arg("--config").arg(sandbox.fast_config()).args(args);
    for (k, v) in &sim.env {
        cmd.env(k, v);
    }
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn sora-tui");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    rx.recv_timeout(limit)
        .expect("ended in time")
        .expect("output")
}

fn text(o: &Output) -> String {
    format!(
        "exit {:?}\n{}{}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn a_download_over_a_capped_link_cut_mid_way_arrives_byte_identical() {
    let sandbox = Sandbox::new();
    let link = Link::new();
    let sim = link.start_sim(&sandbox);
    // 1 MiB of a pattern, stored through the link before it is capped.
    let file = sandbox.path().join("big.bin");
    let bytes: Vec<u8> = (0..1024 * 1024).map(|i| (i * 31 % 251) as u8).collect();
    std::fs::write(&file, &bytes).expect("write");
    let stored = run(
        &sandbox,
        &sim,
        &[
            "upload",
            file.to_str().expect("utf-8"),
            "output-videos/net/big.bin",
        ],
        Duration::from_secs(60),
    );
    assert!(stored.status.success(), "{}", text(&stored));
    link.cap("2mbit");

    // At 2 Mbit/s the download takes about 4 s: the link goes down for 3 s after 1.5 s.
    let got = sandbox.path().join("got.bin");
    let mut cmd = sandbox.command();
    cmd.args([
        "get",
        "output-videos/net/big.bin",
        "--out",
        got.to_str().expect("utf-8"),
    ]);
    for (k, v) in &sim.env {
        cmd.env(k, v);
    }
    let started = Instant::now();
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn get");
    std::thread::sleep(Duration::from_millis(1500));
    link.set("down");
    std::thread::sleep(Duration::from_secs(3));
    link.set("up");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let output = rx
        .recv_timeout(Duration::from_secs(90))
        .expect("get ended in time")
        .expect("output");
    let elapsed = started.elapsed();
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        std::fs::read(&got).expect("downloaded") == bytes,
        "byte-identical after the cut"
    );
    // The cap and the cut were real: 1 MiB at 2 Mbit/s, plus 3 s without a link.
    assert!(elapsed > Duration::from_secs(6), "took only {elapsed:?}");
}

#[test]
fn generate_over_a_capped_link_gets_the_video_from_the_media_origin_byte_identical() {
    let sandbox = Sandbox::new();
    let link = Link::new();
    let sim = link.start_sim(&sandbox);
    link.cap("2mbit");
    let out = sandbox.path().join("out");
    let output = run(
        &sandbox,
        &sim,
        &[
            "generate",
            "a red fox",
            "--provider",
            "runway",
            "--out",
            out.to_str().expect("utf-8"),
            "--upload",
        ],
        Duration::from_secs(120),
    );
    assert!(output.status.success(), "{}", text(&output));
    let video = std::fs::read_dir(&out)
        .expect("out")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "mp4"))
        .expect("a video");
    assert_eq!(std::fs::read(video).expect("read"), SAMPLE_MP4);
    assert!(
        text(&output).contains(&format!("GET http://{}:", link.ns_ip)),
        "{}",
        text(&output)
    );
}

/// Azure Sora through the fault proxy: the API, the content and Storage all come back through
/// it, so every byte of the video meets the faults.
fn through_proxy(faults: Faults, extra_config: &str) -> (Sandbox, Output) {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &["--status-step", "0.3"]);
    let upstream: std::net::SocketAddr = sim
        .var("AZURE_OPENAI_ENDPOINT")
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .expect("sim address");
    let proxy = FaultProxy::start(upstream, faults);
    let config = sandbox.path().join("proxy.toml");
    std::fs::write(
        &config,
        format!("[download]\npoll_interval_secs = 0.2\nretry_schedule_secs = [1, 1, 1, 2, 2]\n{extra_config}"),
    )
    .expect("config");
    let out = sandbox.path().join("out");
    let mut cmd = sandbox.command();
    cmd.arg("--config").arg(&config).args([
        "generate",
        "a red fox",
        "--provider",
        "azure-sora",
        "--out",
        out.to_str().expect("utf-8"),
        "--upload",
    ]);
    for (k, v) in &sim.env {
        cmd.env(k, v);
    }
    let base = format!("http://{}", proxy.addr);
    cmd.env("AZURE_OPENAI_ENDPOINT", &base)
        .env("SUPABASE_URL", &base);
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let output = rx
        .recv_timeout(Duration::from_secs(120))
        .expect("ended in time")
        .expect("output");
    let video = std::fs::read_dir(&out).ok().and_then(|d| {
        d.flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|e| e == "mp4"))
    });
    assert!(output.status.success(), "{}", text(&output));
    assert_eq!(
        std::fs::read(video.expect("a video")).expect("read"),
        SAMPLE_MP4,
        "byte-identical"
    );
    drop(proxy);
    (sandbox, output)
}

#[test]
fn latency_with_jitter_and_bodies_in_tiny_writes_still_give_the_exact_video() {
    through_proxy(
        Faults {
            latency: Duration::from_millis(40),
            jitter: Duration::from_millis(60),
            slice: 7,
            ..Faults::default()
        },
        "",
    );
}

#[test]
fn a_connection_that_goes_silent_is_dropped_and_the_download_resumes() {
    // The content answer stops after 20 KB for 20 s; the stall timeout (2 s here) drops it
    // and the engine resumes from the bytes it has over a new connection.
    let (_sandbox, output) = through_proxy(
        Faults {
            silent_after: Some(20_000),
            silent_for: Duration::from_secs(20),
            ..Faults::default()
        },
        "stall_timeout_secs = 2\n",
    );
    let all = text(&output);
    assert!(
        all.contains("stall") || all.contains("no data"),
        "the stall was seen: {all}"
    );
}

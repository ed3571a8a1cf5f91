#!/usr/bin/env python3
"""Fixed cost per command: headless `sora-tui jobs` and a 1 KiB `sora-tui get` against `curl`
of the same endpoint, from the same local `sora-tui sim`, in the same run.

    cargo build --release -p sora-tui
    python3 scripts/bench_cli.py            # BENCH_ROUNDS=N (default 40)

Each round runs the four commands in a rotating order; the figures are medians (and p90) of
wall time around each process, ratio = curl's median / sora-tui's median (>= 1: sora-tui is at
least as fast). The load average is printed with the results: these machines are shared.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(os.environ["SORA_TUI_BIN"]) if os.environ.get("SORA_TUI_BIN") else ROOT / "target/release/sora-tui"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "40"))


def start_sim(env):
    sim = subprocess.Popen(
        [str(BIN), "sim", "--addr", "127.0.0.1:0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    found = {}
    deadline = time.time() + 20
    while time.time() < deadline:
        line = sim.stdout.readline()
        if not line:
            break
        if line.startswith("export ") and "=" in line:
            key, value = line[len("export "):].strip().split("=", 1)
            found[key] = value
        if line.startswith("# Ctrl-C"):
            break
    return sim, found


def timed(cmd, env):
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{cmd[0]} failed: {done.stderr.decode(errors='replace')}")
    return elapsed


def main():
    if not BIN.exists():
        sys.exit(f"{BIN} is missing: cargo build --release -p sora-tui")
    work = Path(tempfile.mkdtemp(prefix="sora-bench-cli-"))
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(work),
        "XDG_CONFIG_HOME": str(work / "config"),
        "XDG_DATA_HOME": str(work / "data"),
        "NO_PROXY": "127.0.0.1,localhost",
    }
    sim, sim_env = start_sim(env)
    try:
        env.update(sim_env)
        env.pop("SSL_CERT_FILE", None)
        base = sim_env["AZURE_OPENAI_ENDPOINT"].rstrip("/")
        azure_key = sim_env["AZURE_OPENAI_API_KEY"]
        storage_key = sim_env["SUPABASE_SERVICE_ROLE_KEY"]
        small = work / "1k.bin"
        small.write_bytes(bytes(range(256)) * 4)
        subprocess.run(
            [str(BIN), "upload", str(small), "output-videos/bench/1k.bin", "--upsert"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        got_tui = work / "got-tui.bin"
        got_curl = work / "got-curl.bin"
        commands = {
            "sora-tui jobs": [str(BIN), "jobs", "--provider", "azure-sora", "--limit", "20"],
            "curl jobs": [
                "curl", "-sf", "-o", "/dev/null", "-H", f"api-key: {azure_key}",
                f"{base}/openai/v1/video/generations/jobs?api-version=preview&limit=20",
            ],
            "sora-tui get 1 KiB": [
                str(BIN), "get", "output-videos/bench/1k.bin", "--out", str(got_tui), "--force",
            ],
            "curl get 1 KiB": [
                "curl", "-sf", "-o", str(got_curl),
                "-H", f"Authorization: Bearer {storage_key}", "-H", f"apikey: {storage_key}",
                f"{base}/storage/v1/object/output-videos/bench/1k.bin",
            ],
        }
        # sora-tui makes every download durable (fdatasync before the rename): curl made as
        # durable, for the fair comparison.
        commands["curl get 1 KiB + sync"] = [
            "sh", "-c", " ".join(commands["curl get 1 KiB"]) + f" && sync -d {got_curl}",
        ]
        names = list(commands)
        times = {name: [] for name in names}
        for r in range(ROUNDS):
            order = names[r % len(names):] + names[: r % len(names)]
            for name in order:
                times[name].append(timed(commands[name], env))
        if got_tui.read_bytes() != small.read_bytes() or got_curl.read_bytes() != small.read_bytes():
            sys.exit("a download came back different")
        load = os.getloadavg()
        print(f"rounds: {ROUNDS}; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
        print("| command | median (ms) | p90 (ms) |")
        print("|---|---:|---:|")
        for name in names:
            t = sorted(times[name])
            p90 = t[int(len(t) * 0.9) - 1]
            print(f"| {name} | {statistics.median(t) * 1000:.1f} | {p90 * 1000:.1f} |")
        for what, curl in [("jobs", "curl jobs"), ("get 1 KiB", "curl get 1 KiB"), ("get 1 KiB", "curl get 1 KiB + sync")]:
            ratio = statistics.median(times[curl]) / statistics.median(times[f"sora-tui {what}"])
            print(f"ratio sora-tui {what} vs {curl} ({curl} / sora-tui): {ratio:.2f}")
    finally:
        sim.terminate()
        sim.wait(timeout=10)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The simulator's Storage at benchmark scale, and `ls` of a huge folder (docs/BENCHMARKS.md,
"Storage at scale"). Starts its own `sora-tui sim` on 127.0.0.1 for every part.

  python3 scripts/bench-storage-scale.py --bin target/release/sora-tui [--before OLD_BINARY]
      [--rounds 5] [--page-rounds 3] [--skip list,upload,ls]

Measures, for each binary given (the one under test, and an older build to compare with):
  list    one list request (100 entries, first page and last page) at 10,000 and 100,000
          objects, and paging a 100,000-object folder to its end 100 at a time
  upload  the simulator's peak RSS (VmHWM) while it receives a 1 GiB PUT (refused at the end by
          the 50 MiB default size limit, as the real server does, but received in full), and a
          500 MiB resumable (TUS) upload in 6 MiB chunks, which it stores
  ls      `sora-tui ls` of a 10,000- and a 100,000-object folder, text and --json: wall time and peak RSS
          (`/usr/bin/time -f %M`); the simulator is the one under test for both binaries
Medians of the rounds; the load average is printed before and after.
"""

import argparse
import http.client
import json
import os
import signal
import statistics
import subprocess
import tempfile
import time

MIB = 1024 * 1024


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


class Sim:
    """`sora-tui sim` on a free loopback port, its env lines read."""

    def __init__(self, binary, home, seeds=()):
        args = [binary, "sim", "--addr", "127.0.0.1:0"]
        for seed in seeds:
            args += ["--seed", seed]
        env = {"PATH": os.environ.get("PATH", ""), "HOME": home, "XDG_CONFIG_HOME": home + "/config", "XDG_DATA_HOME": home + "/data"}
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
        self.env = {}
        deadline = time.time() + 120
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            if line.startswith("export "):
                key, _, value = line[len("export "):].strip().partition("=")
                self.env[key] = value
            if line.startswith("# Ctrl-C"):
                break
        if "SUPABASE_URL" not in self.env:
            self.stop()
            raise SystemExit("the simulator did not start")
        self.host, _, port = self.env["SUPABASE_URL"].removeprefix("http://").partition(":")
        self.port = int(port.rstrip("/"))
        self.key = self.env["SUPABASE_SERVICE_ROLE_KEY"]

    def connection(self, blocksize=8192):
        return http.client.HTTPConnection(self.host, self.port, timeout=600, blocksize=blocksize)

    def headers(self, **extra):
        return {"apikey": self.key, "Authorization": "Bearer " + self.key, **extra}

    def peak_rss_kib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return 0

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def list_once(sim, conn, prefix, offset, limit=100):
    body = json.dumps({"prefix": prefix, "limit": limit, "offset": offset})
    started = time.perf_counter()
    conn.request("POST", "/storage/v1/object/list/output-videos", body, sim.headers(**{"Content-Type": "application/json"}))
    response = conn.getresponse()
    data = response.read()
    took = time.perf_counter() - started
    if response.status != 200:
        raise SystemExit(f"list answered {response.status}: {data[:200]!r}")
    return took, len(json.loads(data))


def bench_list(binary, home, rounds, page_rounds):
    sim = Sim(binary, home, ["output-videos/b10k=10000", "output-videos/b100k=100000"])
    try:
        conn = sim.connection()
        rows = []
        for prefix, count in (("b10k", 10_000), ("b100k", 100_000)):
            for where, offset in (("first page", 0), ("last page", count - 100)):
                times = [list_once(sim, conn, prefix, offset)[0] for _ in range(rounds)]
                rows.append((f"one list request, {count:,} objects, {where}", statistics.median(times) * 1000, "ms"))
        totals = []
        for _ in range(page_rounds):
            started = time.perf_counter()
            offset, seen = 0, 0
            for _ in range(2000):
                _, n = list_once(sim, conn, "b100k", offset)
                seen += n
                offset += 100
                if n < 100:
                    break
            totals.append(time.perf_counter() - started)
            if seen != 100_000:
                raise SystemExit(f"paging saw {seen} objects, not 100,000")
        rows.append(("page 100,000 objects to the end, 100 at a time", statistics.median(totals), "s"))
        return rows
    finally:
        sim.stop()


def sparse_file(path, size):
    with open(path, "wb") as f:
        f.truncate(size)


def bench_upload(binary, home, rounds, work):
    big = os.path.join(work, "upload-1GiB.bin")
    sparse_file(big, 1024 * MIB)
    put_peaks, tus_peaks = [], []
    for _ in range(rounds):
        sim = Sim(binary, home)
        try:
            out = subprocess.run(
                ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-T", big,
                 "-H", "apikey: " + sim.key, "-H", "Authorization: Bearer " + sim.key,
                 "-H", "Content-Type: application/octet-stream",
                 f"http://{sim.host}:{sim.port}/storage/v1/object/output-videos/big.bin"],
                capture_output=True, text=True, check=False)
            put_peaks.append(sim.peak_rss_kib() / 1024)
            status = out.stdout.strip()
        finally:
            sim.stop()
        sim = Sim(binary, home)
        try:
            tus_peaks.append(tus_upload(sim, big, 500 * MIB) / 1024)
        finally:
            sim.stop()
    return [
        (f"sim peak RSS, receiving a 1 GiB PUT (answered {status})", statistics.median(put_peaks), "MiB"),
        ("sim peak RSS, a 500 MiB TUS upload in 6 MiB chunks (stored)", statistics.median(tus_peaks), "MiB"),
    ]


def tus_upload(sim, path, length):
    import base64
    conn = sim.connection(blocksize=MIB)
    meta = "bucketName " + base64.b64encode(b"output-videos").decode() + ",objectName " + base64.b64encode(b"tus.bin").decode()
    conn.request("POST", "/storage/v1/upload/resumable", b"", sim.headers(**{"Tus-Resumable": "1.0.0", "Upload-Length": str(length), "Upload-Metadata": meta}))
    response = conn.getresponse()
    response.read()
    if response.status != 201:
        raise SystemExit(f"TUS create answered {response.status}")
    location = response.getheader("location").split(f":{sim.port}", 1)[1]
    chunk = 6 * MIB
    with open(path, "rb") as f:
        offset = 0
        while offset < length:
            n = min(chunk, length - offset)
            data = f.read(n)
            conn.request("PATCH", location, data, sim.headers(**{"Tus-Resumable": "1.0.0", "Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"}))
            response = conn.getresponse()
            response.read()
            if response.status != 204:
                raise SystemExit(f"TUS PATCH answered {response.status}")
            offset += n
    return sim.peak_rss_kib()


def bench_ls(binary, sim_binary, home, rounds):
    sim = Sim(sim_binary, home, ["output-videos/b10k=10000", "output-videos/b100k=100000"])
    try:
        env = {"PATH": os.environ.get("PATH", ""), "HOME": home, "XDG_CONFIG_HOME": home + "/config",
               "XDG_DATA_HOME": home + "/data", "NO_PROXY": "127.0.0.1",
               "SUPABASE_URL": sim.env["SUPABASE_URL"], "SUPABASE_SERVICE_ROLE_KEY": sim.key}
        rows = []
        cases = [(f"ls{' --json' if json_out else ''} of {count:,} objects", folder, ["--json"] if json_out else [])
                 for json_out in (False, True) for count, folder in ((10_000, "b10k"), (100_000, "b100k"))]
        for label, folder, extra in cases:
            times, peaks = [], []
            for _ in range(rounds):
                out = subprocess.run(["/usr/bin/time", "-f", "%e %M", binary, "ls", "output-videos/" + folder, *extra],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True, check=False)
                last = out.stderr.strip().splitlines()[-1].split()
                times.append(float(last[0]))
                peaks.append(int(last[1]) / 1024)
            rows.append((label + ", time", statistics.median(times), "s"))
            rows.append((label + ", peak RSS", statistics.median(peaks), "MiB"))
        return rows
    finally:
        sim.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True, help="the sora-tui binary under test (a release build)")
    parser.add_argument("--before", help="an older sora-tui binary to compare with")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--page-rounds", type=int, default=3)
    parser.add_argument("--skip", default="", help="comma-separated: list, upload, ls")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    binaries = [("after", args.bin)] + ([("before", args.before)] if args.before else [])
    print(f"load average before: {loadavg()}")
    results = {}
    with tempfile.TemporaryDirectory() as work:
        home = os.path.join(work, "home")
        os.makedirs(home)
        for name, binary in binaries:
            rows = []
            if "list" not in skip:
                rows += bench_list(binary, home, args.rounds, args.page_rounds)
            if "upload" not in skip:
                rows += bench_upload(binary, home, min(args.rounds, 3), work)
            if "ls" not in skip:
                rows += bench_ls(binary, args.bin, home, args.rounds)
            results[name] = rows
    print(f"load average after: {loadavg()}")
    names = [name for name, _ in binaries]
    print("| measurement | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for i, (label, _, unit) in enumerate(results["after"]):
        cells = [f"{results[n][i][1]:.2f} {unit}" if results[n][i][1] < 100 else f"{results[n][i][1]:.0f} {unit}" for n in names]
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()

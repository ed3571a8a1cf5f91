#!/usr/bin/env python3
"""The dashboard in a real pseudo-terminal: idle cost, startup to first frame, key to redraw.

    cargo build --release -p sora-tui
    python3 scripts/bench_dashboard.py        # all three; BENCH_ONLY=idle,startup,keys picks

Everything is measured from outside, on the pty (200x60, TERM=xterm-256color), against a local
`sora-tui sim` the script starts (loopback only, a throw-away HOME):

- idle: `sora-tui` configured against the simulator, nothing running, no input. After the
  screen has settled (no byte for 2 s) the next BENCH_IDLE_SECS (30) are watched: bytes and
  frames written to the pty, CPU from /proc/PID/stat (utime+stime, all threads) and
  /proc/PID/task/*/schedstat (ns), wake-ups (context switches of every thread), VmRSS/VmHWM.
  BENCH_IDLE_ROUNDS rounds (3); `--demo` (fresh, no job) and `htop` (if installed) once each.
- startup: spawn to the end of the first complete frame (ratatui ends every frame by hiding
  the cursor, or by showing it and moving it to the prompt: the first such marker); "settled"
  is the last byte before 300 ms of quiet (the screen as the user sees it once the first
  answers are in). BENCH_ROUNDS rounds (30), rotating between `sora-tui` (its journal already
  there, as on every start but the first), `sora-tui --demo` and `htop`.
- keys: `sora-tui` against `sora-tui sim --status-step 600` (jobs stay queued and running:
  every one is polled every second, `poll_interval_secs = 1`); 50 jobs submitted by typing 50
  prompts + Enter into the prompt, one a second (faster ones are asked about, a paste guard); Tab to the jobs list, Home; then j and k alternately, each
  timed from the write of the key to the end of the first frame in which the selection (the
  highlighted rows) has moved. BENCH_KEY_SAMPLES samples (240), one every 20-70 ms (random); the
  first byte of each answer is recorded too, and htop (if installed) answers the same pacing
  of Down/Up (first byte), the floor the machine's scheduler sets.

BENCH_BEFORE_BIN=PATH adds another build (e.g. main's) to the startup rounds, for a before/after
in the same run. The load average is printed with the results: these machines are shared; compare medians.
"""

import fcntl
import os
import pty
import random
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(
    os.environ.get("SORA_TUI_BIN")
    or Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release/sora-tui"
)
ROWS, COLS = 60, 200
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "30"))
IDLE_SECS = float(os.environ.get("BENCH_IDLE_SECS", "30"))
IDLE_ROUNDS = int(os.environ.get("BENCH_IDLE_ROUNDS", "3"))
KEY_SAMPLES = int(os.environ.get("BENCH_KEY_SAMPLES", "240"))
JOBS = int(os.environ.get("BENCH_JOBS", "50"))
ONLY = set(filter(None, os.environ.get("BENCH_ONLY", "idle,startup,keys").split(",")))
CLK_TCK = os.sysconf("SC_CLK_TCK")

# ratatui ends each frame with the cursor: hidden, or shown and moved to the prompt.
FRAME_END = re.compile(rb"\x1b\[\?25l|\x1b\[\?25h\x1b\[\d+;\d+H")
CSI = re.compile(rb"\x1b\[([0-9;?]*)([A-Za-z])")
ANY = re.compile(rb"[\s\S]")


def load():
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def pct(values, q):
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * len(s) + 0.5) - 1))]


class Pty:
    """A program in a pseudo-terminal of ROWS x COLS; `out` is everything it wrote, `times`
    the arrival time of each read (parallel to `ends`, the end offset of each read)."""

    def __init__(self, argv, env):
        self.t0 = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
                os.execvpe(argv[0], argv, env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self.out = bytearray()
        self.times, self.ends = [], []
        self.closed = False
        self.answered = False

    def pump(self, timeout):
        """Read what is there within `timeout` s; True if something came."""
        if self.closed:
            return False
        ready, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not ready:
            return False
        try:
            data = os.read(self.fd, 1 << 16)
        except OSError:
            data = b""
        now = time.perf_counter()
        if not data:
            self.closed = True
            return False
        self.out += data
        self.times.append(now)
        self.ends.append(len(self.out))
        # sora-tui asks the terminal about its graphics at start, ending with a status request
        # (CSI 5 n) every terminal answers: answer as a plain xterm does (no graphics), or the
        # dashboard would wait out its timeout as no real terminal makes it.
        if not self.answered and b"\x1b[5n" in self.out:
            self.answered = True
            self.send(b"\x1b[?62;22c\x1b[0n")
        return True

    def time_at(self, offset):
        """Arrival time of the byte at `offset` (the read that brought it)."""
        for t, end in zip(self.times, self.ends):
            if end > offset:
                return t
        return None

    def wait_for(self, pattern, start, limit):
        """Wait until `pattern` occurs at or after `start`; returns the match or None."""
        deadline = time.perf_counter() + limit
        while True:
            m = pattern.search(self.out, start)
            if m:
                return m
            left = deadline - time.perf_counter()
            if left <= 0 or self.closed:
                return None
            self.pump(left)

    def settle(self, quiet, limit):
        """Read until nothing came for `quiet` s (at most `limit` s); time of the last byte."""
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline and self.pump(quiet):
            pass
        return self.times[-1] if self.times else None

    def send(self, data):
        os.write(self.fd, data)

    def stop(self):
        try:
            self.send(b"\x03")  # Ctrl-C quits every program measured here
        except OSError:
            pass
        deadline = time.perf_counter() + 3
        while time.perf_counter() < deadline:
            self.pump(0.05)
            done, _ = os.waitpid(self.pid, os.WNOHANG)
            if done:
                break
        else:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        os.close(self.fd)


def cpu_seconds(pid):
    """(utime+stime of the whole process in s, sum of every live thread's schedstat in s)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    ns = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/schedstat") as f:
                ns += int(f.read().split()[0])
        except OSError:
            pass
    return ticks / CLK_TCK, ns / 1e9


def wakeups(pid):
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/status") as f:
                for line in f:
                    # A thread that sleeps and is woken switches voluntarily once.
                    if line.startswith("voluntary_ctxt_switches:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def status(pid):
    found = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM", "Threads"):
                found[key] = int(value.split()[0])
    return found


def start_sim(env, *extra):
    sim = subprocess.Popen(
        [str(BIN), "sim", "--addr", "127.0.0.1:0", *extra],
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


def sandbox(work, name, config=""):
    home = work / name
    (home / "config/sora-tui").mkdir(parents=True)
    (home / "tmp").mkdir()
    if config:
        (home / "config/sora-tui/config.toml").write_text(config)
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_DOWNLOAD_DIR": str(home / "Downloads"),
        "TMPDIR": str(home / "tmp"),
        "TERM": "xterm-256color",
        "NO_PROXY": "127.0.0.1,localhost",
    }


def first_frame(p, limit=10):
    m = p.wait_for(FRAME_END, 0, limit)
    if not m:
        sys.exit(f"no frame within {limit} s; the program wrote {bytes(p.out[-400:])!r}")
    return p.time_at(m.end() - 1) - p.t0


# ---------------------------------------------------------------------------------------------
# idle


def idle_round(argv, env, settle=2.0, count_frames=True):
    p = Pty(argv, env)
    try:
        if count_frames:
            first_frame(p)
        p.settle(settle, 20)
        start_bytes = len(p.out)
        cpu0, sched0 = cpu_seconds(p.pid)
        wake0 = wakeups(p.pid)
        end = time.perf_counter() + IDLE_SECS
        while time.perf_counter() < end:
            p.pump(end - time.perf_counter())
        cpu1, sched1 = cpu_seconds(p.pid)
        wake1 = wakeups(p.pid)
        mem = status(p.pid)
        written = bytes(p.out[start_bytes:])
        # Frames: ratatui's end-of-frame markers; other programs: bursts 50 ms apart.
        if count_frames:
            frames = len(FRAME_END.findall(written))
        else:
            stamps = [t for t, e in zip(p.times, p.ends) if e > start_bytes]
            frames = sum(1 for a, b in zip([0.0] + stamps, stamps) if b - a > 0.05)
        return {
            "bytes": len(written),
            "frames": frames,
            "cpu_pct": 100 * (cpu1 - cpu0) / IDLE_SECS,
            "sched_pct": 100 * (sched1 - sched0) / IDLE_SECS,
            "wakeups_per_s": (wake1 - wake0) / IDLE_SECS,
            "rss_mib": mem.get("VmRSS", 0) / 1024,
            "hwm_mib": mem.get("VmHWM", 0) / 1024,
            "threads": mem.get("Threads", 0),
        }
    finally:
        p.stop()


def bench_idle(work, sim_env):
    print(f"\n## idle: {IDLE_SECS:.0f} s with no input after the screen settled (load {load()})")
    print("| program | round | bytes | frames | CPU % of a core (stat) | CPU % (schedstat) "
          "| wake-ups/s | VmRSS MiB | VmHWM MiB | threads |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    env = sandbox(work, "idle") | sim_env
    runs = [("sora-tui (simulator configured)", [str(BIN)], env, True)] * IDLE_ROUNDS
    runs.append(("sora-tui --demo (no job)", [str(BIN), "--demo"], sandbox(work, "idle-demo"), True))
    if shutil.which("htop"):
        runs.append(("htop (reference)", ["htop"], sandbox(work, "idle-htop"), False))
    rows = {}
    for i, (name, argv, env, ours) in enumerate(runs):
        r = idle_round(argv, env, count_frames=ours)
        rows.setdefault(name, []).append(r)
        print(f"| {name} | {len(rows[name])} | {r['bytes']} | {r['frames']} | {r['cpu_pct']:.3f} "
              f"| {r['sched_pct']:.3f} | {r['wakeups_per_s']:.2f} | {r['rss_mib']:.1f} "
              f"| {r['hwm_mib']:.1f} | {r['threads']} |", flush=True)
    print(f"load after: {load()}")


# ---------------------------------------------------------------------------------------------
# startup


def startup_round(argv, env, ours):
    p = Pty(argv, env)
    try:
        first = first_frame(p) if ours else None
        settled = p.settle(0.3, 10) - p.t0
        return first, settled
    finally:
        p.stop()


def bench_startup(work, sim_env):
    print(f"\n## startup to first frame, {ROUNDS} rounds, 200x60 (load {load()})")
    plain = sandbox(work, "startup") | sim_env
    # The journal and the log exist, as on every start but the very first.
    startup_round([str(BIN)], plain, True)
    cases = [
        ("sora-tui (simulator configured)", [str(BIN)], plain, True),
        ("sora-tui --demo", [str(BIN), "--demo"], sandbox(work, "startup-demo"), True),
        # No terminal graphics query: what asking the terminal about its pictures costs.
        ("sora-tui --images halfblocks", [str(BIN), "--images", "halfblocks"], plain, True),
    ]
    before = os.environ.get("BENCH_BEFORE_BIN")
    if before:
        # Another build (e.g. the one before a change), measured in the same rounds.
        old = sandbox(work, "startup-before") | sim_env
        startup_round([before], old, True)
        cases += [
            ("before: sora-tui (simulator configured)", [before], old, True),
            ("before: sora-tui --demo", [before, "--demo"], sandbox(work, "before-demo"), True),
        ]
    if shutil.which("htop"):
        cases.append(("htop (reference)", ["htop"], sandbox(work, "startup-htop"), False))
    first = {c[0]: [] for c in cases}
    settled = {c[0]: [] for c in cases}
    for r in range(ROUNDS):
        order = cases[r % len(cases):] + cases[: r % len(cases)]
        for name, argv, env, ours in order:
            f, s = startup_round(argv, env, ours)
            if f is not None:
                first[name].append(f)
            settled[name].append(s)
    print("| program | first frame median (ms) | p90 | p99 | min | settled median (ms) | p90 |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, *_ in cases:
        f = first[name]
        s = settled[name]
        ff = (f"{statistics.median(f) * 1e3:.1f} | {pct(f, .9) * 1e3:.1f} | {pct(f, .99) * 1e3:.1f} "
              f"| {min(f) * 1e3:.1f}") if f else "— | — | — | —"
        print(f"| {name} | {ff} | {statistics.median(s) * 1e3:.1f} | {pct(s, .9) * 1e3:.1f} |")
    print(f"load after: {load()}")


# ---------------------------------------------------------------------------------------------
# keys


class Screen:
    """Just enough of a terminal for ratatui's output: cursor moves, text (every character one
    column wide, which holds for this dashboard's text) and whether a cell is highlighted
    (reverse video, or a background colour: the selected job under NO_COLOR or in colour)."""

    def __init__(self):
        self.row = self.col = 1
        self.reverse = self.background = False
        self.cells = {}  # (row, col) -> (char, highlighted: reversed or on a background)

    def feed(self, data):
        i = 0
        for m in CSI.finditer(data):
            self._text(data[i:m.start()])
            params, final = m.group(1), m.group(2)
            if final == b"H":
                parts = (params.split(b";") + [b"1", b"1"])[:2]
                self.row, self.col = int(parts[0] or 1), int(parts[1] or 1)
            elif final == b"m":
                codes = [int(c or 0) for c in params.split(b";")] if params else [0]
                j = 0
                while j < len(codes):
                    c = codes[j]
                    if c in (38, 48, 58):  # extended colour: its arguments follow
                        n = 3 if codes[j + 1:j + 2] == [5] else 5
                        if c == 48:
                            self.background = True
                        j += n
                        continue
                    if c == 0:
                        self.reverse = self.background = False
                    elif c == 27:
                        self.reverse = False
                    elif c == 7:
                        self.reverse = True
                    elif c == 49:
                        self.background = False
                    elif 40 <= c <= 47 or 100 <= c <= 107:
                        self.background = True
                    j += 1
            elif final == b"J":
                self.cells.clear()
            i = m.end()
        self._text(data[i:])

    def _text(self, chunk):
        for ch in chunk.decode("utf-8", errors="replace"):
            if ch == "\x1b" or ord(ch) < 32:
                continue
            self.cells[(self.row, self.col)] = (ch, self.reverse or self.background)
            self.col += 1

    def text(self):
        return "\n".join(
            "".join(self.cells.get((r, c), (" ", False))[0] for c in range(1, COLS + 1))
            for r in range(1, ROWS + 1)
        )

    def selection(self):
        """The first row with many highlighted cells: the selected job's."""
        for r in range(1, ROWS + 1):
            if sum(1 for c in range(1, COLS + 1) if self.cells.get((r, c), ("", False))[1]) > 20:
                return r
        return None


def bench_keys(work):
    print(f"\n## key to redraw, {JOBS} jobs polling, {KEY_SAMPLES} samples (load {load()})")
    base = sandbox(work, "keys", "[download]\npoll_interval_secs = 1\n")
    sim, sim_env = start_sim(base, "--status-step", "600")
    try:
        env = base | sim_env
        env.pop("SSL_CERT_FILE", None)
        p = Pty([str(BIN)], env)
        screen = Screen()
        first_frame(p)
        p.settle(0.5, 10)
        fed = 0

        def wait_screen(what, ok, limit=10):
            nonlocal fed
            deadline = time.perf_counter() + limit
            while True:
                screen.feed(bytes(p.out[fed:]))
                fed = len(p.out)
                shown = screen.text()
                if ok(shown):
                    return shown
                if time.perf_counter() > deadline:
                    sys.exit(f"timed out waiting for {what}; screen:\n{shown}")
                p.pump(0.05)

        empty_prompt = "Describe a video, then Enter"
        last = 0.0
        for n in range(JOBS):
            p.send(f"bench job {n + 1}".encode())
            wait_screen("the typed prompt", lambda t: f"bench job {n + 1} " in t)
            # A prompt sent less than 1 s after the last one is asked about (a paste guard,
            # which ignores answers in the first second): pace the Enters instead.
            while time.perf_counter() < last + 1.05:
                p.pump(last + 1.05 - time.perf_counter())
            p.send(b"\r")
            last = time.perf_counter()
            wait_screen("the prompt sent", lambda t: empty_prompt in t)
        # Every job submitted and created (no "creating…" left) before measuring.
        deadline = time.perf_counter() + 60
        while True:
            screen.feed(bytes(p.out[fed:]))
            fed = len(p.out)
            shown = screen.text()
            if f"Jobs ({JOBS})" in shown and "creating\u2026" not in shown:
                break
            if time.perf_counter() > deadline:
                sys.exit(f"the jobs panel never showed {JOBS} created jobs; screen:\n{shown}")
            p.pump(0.2)
        p.settle(1.0, 10)
        p.send(b"\t")  # prompt -> jobs
        p.settle(0.3, 5)
        p.send(b"\x1b[H")  # Home: the first job
        p.settle(0.3, 5)
        screen.feed(bytes(p.out[fed:]))
        fed = len(p.out)
        if screen.selection() is None:
            sys.exit(f"no selected job on screen after Tab, Home; screen:\n{screen.text()}")
        samples, first_bytes, misses = [], [], 0
        keys = [b"j", b"k"]
        for i in range(KEY_SAMPLES):
            time.sleep(random.uniform(0.02, 0.07))
            while p.pump(0):
                pass
            screen.feed(bytes(p.out[fed:]))
            fed = len(p.out)
            before = screen.selection()
            sent = time.perf_counter()
            p.send(keys[i % 2])
            got = None
            deadline = sent + 2
            if p.wait_for(ANY, fed, 2):
                first_bytes.append(p.time_at(fed) - sent)
            while got is None and time.perf_counter() < deadline:
                m = FRAME_END.search(p.out, fed)
                if not m:
                    p.pump(deadline - time.perf_counter())
                    continue
                screen.feed(bytes(p.out[fed:m.end()]))
                fed = m.end()
                if screen.selection() != before:
                    got = p.time_at(m.end() - 1) - sent
            if got is None:
                misses += 1
            else:
                samples.append(got)
        polls = bytes(p.out).count(b"\x1b[?25")
        p.stop()
        print(f"frames written during the whole run (all causes): {polls}; samples with no "
              f"selection change within 2 s: {misses}")
        rows = [("sora-tui: j/k in the jobs list, whole frame", samples),
                ("sora-tui: j/k, first byte written after the key", first_bytes)]
        if shutil.which("htop"):
            rows.append(("htop (reference): Down/Up, first byte written after the key",
                         htop_keys(work)))
        print("| what | samples | median (ms) | p90 | p99 | max |")
        print("|---|---:|---:|---:|---:|---:|")
        for name, values in rows:
            print(f"| {name} | {len(values)} | {statistics.median(values) * 1e3:.2f} "
                  f"| {pct(values, .9) * 1e3:.2f} | {pct(values, .99) * 1e3:.2f} "
                  f"| {max(values) * 1e3:.2f} |")
        print(f"load after: {load()}")
    finally:
        sim.terminate()
        sim.wait(timeout=10)


def htop_keys(work):
    """The same pacing against htop: Down and Up alternately, time to the first byte written
    after the key (htop moves its selection bar at once): the floor this machine sets."""
    p = Pty(["htop"], sandbox(work, "keys-htop"))
    try:
        p.settle(1.0, 10)
        times = []
        for i in range(KEY_SAMPLES):
            time.sleep(random.uniform(0.02, 0.07))
            while p.pump(0):
                pass
            start = len(p.out)
            sent = time.perf_counter()
            p.send(b"\x1b[B" if i % 2 == 0 else b"\x1b[A")
            if p.wait_for(ANY, start, 2):
                times.append(p.time_at(start) - sent)
        return times
    finally:
        p.stop()


def main():
    if not BIN.exists():
        sys.exit(f"{BIN} is missing: cargo build --release -p sora-tui (or set SORA_TUI_BIN)")
    work = Path(tempfile.mkdtemp(prefix="sora-bench-dash-"))
    print(f"binary: {BIN}; load average {load()}; {os.cpu_count()} CPUs")
    try:
        if ONLY & {"idle", "startup"}:
            sim, sim_env = start_sim(sandbox(work, "sim"))
            sim_env.pop("SSL_CERT_FILE", None)
            try:
                if "idle" in ONLY:
                    bench_idle(work, sim_env)
                if "startup" in ONLY:
                    bench_startup(work, sim_env)
            finally:
                sim.terminate()
                sim.wait(timeout=10)
        if "keys" in ONLY:
            bench_keys(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

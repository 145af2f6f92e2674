#!/usr/bin/env python3
"""Measure build speed, check speed and memory on a newsroom's archive, against the floor.

    python bench/build_speed.py                         # N = 1, 100, 1000; every step
    python bench/build_speed.py --sizes 100 --repeat 5 --json figures.json
    python bench/build_speed.py --sizes 1000 --steps cold,nochange,check

For each N it lays out the synthetic corpus (bench/make_project_corpus.py, --layout only-corpus by
default; the floor's Hugo layout from make_corpus.py), caches both by N and seed, copies this
working tree's engine beside the cached content into a folder on a RAM disk, and measures, one
command at a time, alternating, each from a new process:

  cold       floor_build.py vs `build.py build --out DIR` into a fresh DIR, after removing every
             build cache the engine keeps (see find_build_caches); the outputs of all cold builds
             (and of the no-change rebuild) must be byte-identical; resident memory of the build's
             whole process tree is sampled every 20 ms
  nochange   `build.py build --out DIR` again into the same DIR, nothing changed, / cold
  edit       one sentence appended to one English section, then `build.py build --out DIR`
  check      `build.py check` / cold build
  preview    `build.py serve`: a section saved until the page is served with the edit; a template
             saved: largest delay of the server's answers while it rebuilds, and whether the
             live-reload message comes once the page is rebuilt
  report     100,000 findings printed: check_site() run in a harness, then the report printing
             (text, JSON, and the build's stderr listing) timed on its own
  linearity  one release with one 1 MB section, then 4 MB: t(4 MB) / t(1 MB)

Prints a Markdown table (figure, target, PASS/FAIL) and the raw times; --json FILE writes all of
it. Exit status 0 whatever the figures: it is a measuring instrument. Every command has a timeout.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import datetime
import hashlib
import importlib.util
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_TOOLS = "/work/shared/bench"
STEPS = ("cold", "nochange", "edit", "check", "preview", "report", "linearity")
# Fixed "now" for every build: embargo decisions (and anything dated) are the same in every run.
SOURCE_DATE_EPOCH = "1767225600"  # 2026-01-01T00:00:00Z
SAMPLE_SECONDS = 0.02
REPORT_FINDINGS = 100_000
# Where an engine might keep a build cache outside the project; cleared before each cold build
# (the child's XDG_CACHE_HOME and TMPDIR point into the run folder).
ENV_CACHE_DIRS = ("XDG_CACHE_HOME", "TMPDIR")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# ----------------------------------------------------------------------------------------------
# Running one command: wall time, exit status, memory of its process tree


@dataclass
class Run:
    """One measured command."""

    seconds: float
    status: int | None  # None: killed at the timeout
    peak_tree_mb: float = 0.0  # largest sum of RSS over the process and its descendants
    peak_pss_mb: float = (
        0.0  # largest sum of PSS over the same: a page shared by k processes counts 1/k in each
    )
    peak_main_mb: float = 0.0  # largest sampled RSS of the process itself
    maxrss_mb: float = 0.0  # kernel's peak RSS of the process (wait4), reaped children included
    processes: int = 1  # most processes seen at once in the tree
    log: str = ""

    @property
    def ok(self) -> bool:
        return self.status == 0


def _proc_stat(pid: str) -> tuple[int, int] | None:
    """Return (parent pid, RSS in bytes) from /proc/PID/stat."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    fields = data[data.rfind(b")") + 2 :].split()
    return int(fields[1]), int(fields[21]) * PAGE_SIZE


def _pss(pid: int) -> int:
    """Return the proportional set size of a process in bytes (0 where the kernel does not say).

    RSS counts a page shared by a forked worker and its parent in both; PSS
    splits it between them, so the sum over a tree is the memory it takes.
    """
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


class TreeSampler(threading.Thread):
    """Sample the RSS and PSS of a process and all its descendants until stopped."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.stop = threading.Event()
        self.peak_tree = 0
        self.peak_pss = 0
        self.peak_main = 0
        self.processes = 1

    def run(self) -> None:
        while not self.stop.is_set():
            self.sample()
            self.stop.wait(SAMPLE_SECONDS)

    def sample(self) -> None:
        # Children get larger pids than their parent (until pids wrap around): look only there.
        stats = {}
        for name in os.listdir("/proc"):
            if name.isdigit() and int(name) >= self.pid:
                found = _proc_stat(name)
                if found:
                    stats[int(name)] = found
        if self.pid not in stats:
            return
        children: dict[int, list[int]] = {}
        for pid, (ppid, _) in stats.items():
            children.setdefault(ppid, []).append(pid)
        tree, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo += children.get(pid, [])
        total = sum(stats[pid][1] for pid in tree)
        self.peak_tree = max(self.peak_tree, total)
        self.peak_pss = max(self.peak_pss, sum(_pss(pid) for pid in tree))
        self.peak_main = max(self.peak_main, stats[self.pid][1])
        self.processes = max(self.processes, len(tree))


def run_command(cmd: list[str], cwd: Path, env: dict, log: Path, timeout: float) -> Run:
    """Run `cmd` with output to `log`; return its wall time, status and memory."""
    with open(log, "wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        sampler = TreeSampler(proc.pid)
        sampler.start()
        killed = threading.Event()

        def kill():
            killed.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

        watchdog = threading.Timer(timeout, kill)
        watchdog.start()
        try:
            _, wait_status, usage = os.wait4(proc.pid, 0)
        finally:
            ended = time.perf_counter()
            watchdog.cancel()
            sampler.stop.set()
            sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(wait_status)
        # Workers the build left behind must not outlive the measurement.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    return Run(
        seconds=ended - started,
        status=None if killed.is_set() else proc.returncode,
        peak_tree_mb=sampler.peak_tree / 1e6,
        peak_pss_mb=sampler.peak_pss / 1e6,
        peak_main_mb=sampler.peak_main / 1e6,
        maxrss_mb=usage.ru_maxrss * 1024 / 1e6,
        processes=sampler.processes,
        log=str(log),
    )


# ----------------------------------------------------------------------------------------------
# Corpora, cached by N, seed and the scripts that make them


def load_module(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tree_digest(folder: Path, skip=("__pycache__",)) -> str:
    """Return a digest of every file's relative path and bytes under `folder`."""
    digest = hashlib.sha256()
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in skip)
        for name in sorted(files):
            path = Path(current) / name
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def corpus_key(args, what: str) -> str:
    digest = hashlib.sha256()
    for path in (Path(args.corpus_tools) / "make_corpus.py", HERE / "make_project_corpus.py"):
        digest.update(path.read_bytes())
    digest.update(tree_digest(ROOT / "content").encode())
    return f"{what}-seed{args.seed}-{args.layout}-{digest.hexdigest()[:12]}"


def cached_corpus(args, n: int, big_mb: float | None = None) -> Path:
    """Return a cache folder holding hugo/ (the floor's input) and content/ (ours) for N releases."""
    name = f"big{big_mb:g}MB" if big_mb else f"n{n}"
    folder = Path(args.cache) / corpus_key(args, name)
    if (folder / "done").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    scratch = Path(tempfile.mkdtemp(prefix="making-", dir=args.work))
    python, timeout = args.python, args.timeout
    env = dict(os.environ, MICROSITE_CORPUS_TOOLS=args.corpus_tools)
    print(f"  making the corpus for {name} (cached in {folder})", flush=True)
    try:
        if not big_mb:
            cmd = [python, str(Path(args.corpus_tools) / "make_corpus.py"), str(n), str(scratch / "corpus")]
            run = run_command([*cmd, "--seed", str(args.seed)], scratch, env, scratch / "corpus.log", timeout)
            if not run.ok:
                raise SystemExit(f"make_corpus.py failed: see {run.log}")
        cmd = [
            python,
            str(HERE / "make_project_corpus.py"),
            str(n),
            str(scratch / "ours"),
            "--seed",
            str(args.seed),
        ]
        cmd += ["--layout", args.layout] + (["--big-section", str(big_mb)] if big_mb else [])
        run = run_command(cmd, scratch, env, scratch / "ours.log", timeout)
        if not run.ok:
            raise SystemExit(f"make_project_corpus.py failed:\n{Path(run.log).read_text()}")
        folder.mkdir(parents=True)
        if not big_mb:
            shutil.move(scratch / "corpus" / "hugo", folder / "hugo")
        shutil.move(scratch / "ours" / "project" / "content", folder / "content")
        (folder / "done").write_text("")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return folder


def make_run_project(corpus: Path, dest: Path, python: str) -> Path:
    """Copy this working tree's engine and the cached content into `dest`; compile its bytecode."""
    mpc = load_module("make_project_corpus", HERE / "make_project_corpus.py")
    dest.mkdir(parents=True)
    mpc.copy_engine(ROOT, dest)
    shutil.copytree(corpus / "content", dest / "content")
    # Bytecode is not a build cache: a user's second build finds it; compile it before timing.
    subprocess.run([python, "-m", "compileall", "-q", str(dest / "microsite")], check=True, timeout=300)
    return dest


# ----------------------------------------------------------------------------------------------
# Build caches


def project_entries(project: Path) -> set[str]:
    """Return every path under the project, bytecode caches left out."""
    found = set()
    for current, dirs, files in os.walk(project):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        rel = Path(current).relative_to(project)
        found.update((rel / name).as_posix() for name in dirs + files)
    return found


def top_level_new(before: set[str], after: set[str]) -> list[str]:
    """Return the outermost paths in `after` that were not in `before`."""
    new = sorted(after - before)
    outer = []
    for path in new:
        if not any(path.startswith(o + "/") for o in outer):
            outer.append(path)
    return outer


class Sandbox:
    """One N's run folder: the project, output folders, the child's cache and temp folders."""

    def __init__(self, folder: Path, project: Path, python: str):
        self.folder = folder
        self.project = project
        self.python = python
        self.caches: list[str] = []  # paths under the project that a build created (found below)
        self.env = dict(os.environ, SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH)
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)
        for var in ENV_CACHE_DIRS:
            self.env[var] = str(folder / var.lower())
            (folder / var.lower()).mkdir()
        self.count = 0

    def log(self, name: str) -> Path:
        self.count += 1
        return self.folder / f"{self.count:03d}-{name}.log"

    def clear_caches(self) -> None:
        """Remove every build cache: those found under the project and the child's cache folders."""
        for rel in self.caches:
            path = self.project / rel
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
        for var in ENV_CACHE_DIRS:
            folder = Path(self.env[var])
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()

    def build(self, out: Path, timeout: float, name: str, extra: list[str] = ()) -> Run:
        cmd = [self.python, "build.py", "build", "--out", str(out), *extra]
        return run_command(cmd, self.project, self.env, self.log(name), timeout)

    def cold_build(self, out: Path, timeout: float) -> Run:
        """A full build from nothing: no output folder, no build cache."""
        shutil.rmtree(out, ignore_errors=True)
        self.clear_caches()
        before = project_entries(self.project)
        run = self.build(out, timeout, "cold")
        # Anything new under the project after a build is a cache (or a bug): record it.
        for rel in top_level_new(before, project_entries(self.project)):
            if rel not in self.caches:
                self.caches.append(rel)
        return run


# ----------------------------------------------------------------------------------------------
# Steps


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def first_failure(runs: list[Run]) -> str:
    bad = next((r for r in runs if not r.ok), None)
    if bad is None:
        return ""
    why = "timed out" if bad.status is None else f"exit status {bad.status}"
    tail = Path(bad.log).read_text(errors="replace").strip().splitlines()[-3:]
    return f"{why}: " + " | ".join(tail)


def edit_target(project: Path, n: int, layout: str) -> tuple[Path, str]:
    """Return the English section to edit (in the middle release) and its page's output path."""
    index = (n + 1) // 2
    if layout == "only-corpus" and index == 1:
        return project / "content" / "en" / "03-product-details.md", "en/index.html"
    slug = f"pr-{index:04d}"
    return project / "content" / "releases" / slug / "en" / "03-product-details.md", f"en/{slug}/index.html"


def measure_size(args, n: int, results: dict) -> None:
    """Run every per-N step for N releases; add figures to `results`."""
    print(f"N = {n}", flush=True)
    corpus = cached_corpus(args, n)
    folder = Path(tempfile.mkdtemp(prefix=f"n{n}-", dir=args.work))
    try:
        project = make_run_project(corpus, folder / "project", args.python)
        box = Sandbox(folder, project, args.python)
        figures = results.setdefault("sizes", {}).setdefault(str(n), {})
        figures["releases"] = n
        figures["files_in_content"] = sum(len(f) for _, _, f in os.walk(project / "content"))
        measure_rounds(args, n, box, corpus, figures)
        if "preview" in args.steps:
            figures["preview"] = measure_preview(args, n, box)
        if "report" in args.steps and n == args.report_size:
            results["report"] = measure_report(args, box)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def measure_rounds(args, n: int, box: Sandbox, corpus: Path, figures: dict) -> None:
    """Floor and cold build alternating, then no-change rebuild, check and edit, --repeat rounds."""
    timeout = args.timeout
    runs: dict[str, list[Run]] = {k: [] for k in ("floor", "cold", "nochange", "check", "edit")}
    digests: dict[str, list[str]] = {"cold": [], "nochange": [], "edit_marker_found": []}
    floor_cmd = [args.python, str(Path(args.corpus_tools) / "floor_build.py"), str(corpus / "hugo")]
    if n <= 100:
        # Warm-up (not timed): page cache, and any first-run work of Python itself.
        box.cold_build(box.folder / "warmup", timeout)
        run_command(
            [*floor_cmd, str(box.folder / "warmup-floor")], box.folder, box.env, box.log("warmup"), timeout
        )
        shutil.rmtree(box.folder / "warmup", ignore_errors=True)
        shutil.rmtree(box.folder / "warmup-floor", ignore_errors=True)
    section, page = edit_target(box.project, n, args.layout)
    original = section.read_text(encoding="utf-8")
    for round_ in range(args.repeat):
        out, floor_out = box.folder / "out", box.folder / "floor-out"
        order = ("floor", "cold") if round_ % 2 == 0 else ("cold", "floor")
        for which in order:
            if which == "floor":
                shutil.rmtree(floor_out, ignore_errors=True)
                cmd = [*floor_cmd, str(floor_out)]
                runs["floor"].append(run_command(cmd, box.folder, box.env, box.log("floor"), timeout))
                shutil.rmtree(floor_out, ignore_errors=True)
            else:
                run = box.cold_build(out, timeout)
                runs["cold"].append(run)
                if run.ok:
                    digests["cold"].append(tree_digest(out))
        print(
            f"  round {round_ + 1}: floor {runs['floor'][-1].seconds:.2f} s, cold {runs['cold'][-1].seconds:.2f} s",
            flush=True,
        )
        if not runs["cold"][-1].ok:
            break
        if "nochange" in args.steps:
            run = box.build(out, timeout, "nochange")
            runs["nochange"].append(run)
            if run.ok:
                digests["nochange"].append(tree_digest(out))
        if "check" in args.steps:
            cmd = [args.python, "build.py", "check"]
            runs["check"].append(run_command(cmd, box.project, box.env, box.log("check"), timeout))
        if "edit" in args.steps:
            marker = f"bench-edit-{round_ + 1}"
            section.write_text(
                original.rstrip("\n") + f"\n\nThe company thanked its first customers ({marker}).\n",
                encoding="utf-8",
            )
            try:
                run = box.build(out, timeout, "edit")
                runs["edit"].append(run)
                if run.ok:
                    digests["edit_marker_found"].append(
                        str(marker in (out / page).read_text(encoding="utf-8"))
                    )
            finally:
                section.write_text(original, encoding="utf-8")
        shutil.rmtree(out, ignore_errors=True)
        print(
            f"  round {round_ + 1}: "
            + ", ".join(
                f"{k} {v[-1].seconds:.2f} s" for k, v in runs.items() if v and k not in ("floor", "cold")
            ),
            flush=True,
        )
    if args.one_process_env:
        env = dict(box.env, **dict(item.split("=", 1) for item in args.one_process_env))
        out = box.folder / "reference"
        cmd = [args.python, "build.py", "build", "--out", str(out)]
        ref = run_command(cmd, box.project, env, box.log("reference"), timeout)
        figures["one_process_reference"] = tree_digest(out) if ref.ok else f"failed: {first_failure([ref])}"
        shutil.rmtree(out, ignore_errors=True)
    figures["build_caches_found"] = box.caches
    figures["runs"] = {k: [asdict(r) for r in v] for k, v in runs.items()}
    figures["failures"] = {k: first_failure(v) for k, v in runs.items() if first_failure(v)}
    figures["digests"] = digests
    figures["check_output_lines"] = _lines(runs["check"][-1].log) if runs["check"] else None
    figures["build_output_lines"] = _lines(runs["cold"][-1].log) if runs["cold"] else None
    for key, values in runs.items():
        figures[f"{key}_s"] = median([r.seconds for r in values if r.ok])
    cold = [r for r in runs["cold"] if r.ok]
    figures["peak_tree_mb"] = max((r.peak_tree_mb for r in cold), default=None)
    figures["peak_pss_mb"] = max((r.peak_pss_mb for r in cold), default=None) or None  # 0: not known here
    figures["peak_main_mb"] = max((r.peak_main_mb for r in cold), default=None)
    figures["maxrss_main_mb"] = max((r.maxrss_mb for r in cold), default=None)
    figures["floor_peak_tree_mb"] = max((r.peak_tree_mb for r in runs["floor"] if r.ok), default=None)
    figures["processes"] = max((r.processes for r in cold), default=None)
    reference = figures.get("one_process_reference") or (digests["cold"][0] if digests["cold"] else None)
    outputs = digests["cold"] + digests["nochange"]
    figures["identical"] = bool(outputs) and all(d == reference for d in outputs)


def _lines(path: str) -> int:
    with open(path, "rb") as handle:
        return sum(1 for _ in handle)


# ----------------------------------------------------------------------------------------------
# Preview: the live server


class LiveReloadClient(threading.Thread):
    """A browser's live-reload connection (WebSocket, stdlib only): records each message's arrival."""

    def __init__(self, host: str, port: int, page: str, timeout: float):
        super().__init__(daemon=True)
        self.sock = socket.create_connection((host, port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (
                f"GET /livereload HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise OSError("the live-reload connection closed during the handshake")
            head += chunk
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise OSError(f"no WebSocket upgrade: {head.splitlines()[0]!r}")
        self.sock.settimeout(None)
        self.messages: list[tuple[float, dict]] = []
        self.send({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]})
        self.send({"command": "info", "url": page, "plugins": {}})

    def send(self, message: dict) -> None:
        payload = json.dumps(message).encode()
        mask = os.urandom(4)
        size = len(payload)
        header = bytes([0x81]) + (
            bytes([0x80 | size]) if size < 126 else bytes([0x80 | 126]) + struct.pack(">H", size)
        )
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def _read(self, count: int) -> bytes:
        data = b""
        while len(data) < count:
            chunk = self.sock.recv(count - len(data))
            if not chunk:
                raise OSError("closed")
            data += chunk
        return data

    def run(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            while True:
                first, second = self._read(2)
                size = second & 0x7F
                if size == 126:
                    size = struct.unpack(">H", self._read(2))[0]
                elif size == 127:
                    size = struct.unpack(">Q", self._read(8))[0]
                payload = self._read(size)
                if first & 0x0F == 0x1:
                    self.messages.append((time.perf_counter(), json.loads(payload)))
                elif first & 0x0F == 0x8:
                    return

    def reloads_after(self, moment: float) -> list[float]:
        return [t for t, m in self.messages if t >= moment and m.get("command") == "reload"]

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()


def fetch(url: str, timeout: float = 30) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read().decode("utf-8")


def wait_for(url: str, test, timeout: float) -> float | None:
    """Poll `url` until test(text) holds; return when it did (None at the timeout)."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        with contextlib.suppress(OSError, urllib.error.HTTPError):
            if test(fetch(url, timeout=max(1.0, deadline - time.perf_counter()))):
                return time.perf_counter()
        time.sleep(0.003)
    return None


class Prober(threading.Thread):
    """Ask the server for a small file every 50 ms and record how long each answer takes."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url = url
        self.stop = threading.Event()
        self.delays: list[float] = []
        self.failures = 0

    def run(self) -> None:
        while not self.stop.is_set():
            started = time.perf_counter()
            try:
                urllib.request.urlopen(self.url, timeout=120).read()
            except OSError:
                self.failures += 1
            self.delays.append(time.perf_counter() - started)
            self.stop.wait(0.05)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def measure_preview(args, n: int, box: Sandbox) -> dict:
    """Section saves and one template save in `build.py serve` on the N-release project."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    section, page = edit_target(box.project, n, args.layout)
    page_url = base + page.removesuffix("index.html")
    template = box.project / "templates" / "base.html"
    original_section = section.read_text(encoding="utf-8")
    original_template = template.read_text(encoding="utf-8")
    log = box.log("serve")
    result: dict = {"page": page_url.removeprefix(base)}
    out = open(log, "wb")  # noqa: SIM115 (closed in the finally below)
    started = time.perf_counter()
    cmd = [args.python, "build.py", "serve", "--port", str(port)]
    server = subprocess.Popen(
        cmd, cwd=box.project, env=box.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )
    client = None
    try:
        if wait_for(page_url, lambda text: "<html" in text, args.timeout) is None:
            result["failure"] = "the server never served the page"
            return result
        result["start_s"] = time.perf_counter() - started
        client = LiveReloadClient("127.0.0.1", port, page_url, timeout=30)
        client.start()
        time.sleep(0.3)
        latencies = []
        for number in range(args.saves):
            marker = f"bench-preview-{number}"
            section.write_text(
                original_section.rstrip("\n") + f"\n\nA sentence ({marker}).\n", encoding="utf-8"
            )
            saved = time.perf_counter()
            served = wait_for(page_url, lambda text, m=marker: m in text, 60)
            if served is None:
                result["failure"] = f"save {number + 1}: the page never showed the edit within 60 s"
                break
            latencies.append(served - saved)
            time.sleep(0.15)  # an editor does not save twice within a tenth of a second
        section.write_text(original_section, encoding="utf-8")
        wait_for(page_url, lambda text: "bench-preview-" not in text, 60)
        result["section_save_ms"] = [round(s * 1000, 1) for s in latencies]
        result["section_save_median_ms"] = median(result["section_save_ms"])
        result.update(measure_template_save(base, page_url, template, original_template, client, args))
    finally:
        section.write_text(original_section, encoding="utf-8")
        template.write_text(original_template, encoding="utf-8")
        if client:
            client.close()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        out.close()
        for leftover in [box.project / "site", *box.project.glob(".site.*")]:
            shutil.rmtree(leftover, ignore_errors=True)
    return result


def measure_template_save(base, page_url, template, original, client, args) -> dict:
    """Save base.html: do other requests get answers during the rebuild; when does the reload come?"""
    marker = "bench-template-edit"
    text = original.replace("</body>", f"<!-- {marker} --></body>", 1)
    if text == original:
        text = original + f"\n<!-- {marker} -->\n"
    prober = Prober(base + "robots.txt")
    prober.start()
    time.sleep(0.3)
    saved = time.perf_counter()
    template.write_text(text, encoding="utf-8")
    found: dict = {}
    deadline = saved + args.timeout
    while time.perf_counter() < deadline and not client.reloads_after(saved):
        time.sleep(0.005)
    reloads = client.reloads_after(saved)
    if reloads:
        found["template_reload_s"] = reloads[0] - saved
        # What the browser loads when told to reload: it must be the rebuilt page.
        found["template_page_rebuilt_at_reload"] = marker in fetch(page_url)
    else:
        found["failure"] = f"no live-reload message within {args.timeout:.0f} s of the template save"
    served = wait_for(page_url, lambda t: marker in t, 30)
    found["template_served_s"] = served - saved if served else None
    time.sleep(0.2)
    prober.stop.set()
    prober.join()
    found["probe_max_delay_s"] = max(prober.delays, default=None)
    found["probe_requests"] = len(prober.delays)
    found["probe_failures"] = prober.failures
    # The original template is put back by the caller; the server is stopped without waiting
    # for that rebuild.
    return found


# ----------------------------------------------------------------------------------------------
# 100,000 findings printed


def report_harness(project: Path, folder: Path, wanted: int) -> dict:
    """Inside a fresh process in the project: collect findings, then time only their printing.

    Uses the engine's own functions (microsite.pipeline.check_site, microsite.report.text_report and
    json_report, microsite.cli.print_problems); if their names change, update this function.
    """

    sys.path.insert(0, str(project))
    from microsite.cli import print_problems
    from microsite.pipeline import BuildOptions, check_site
    from microsite.project import Project
    from microsite.report import json_report, text_report

    figures: dict = {}
    started = time.perf_counter()
    _, problems = check_site(Project(project), BuildOptions(preview=True))
    figures["check_site_s"] = time.perf_counter() - started
    figures["findings_real"] = len(problems)
    real = list(problems)
    copy = 0
    while len(problems) < wanted and real:
        # Too few real findings: add copies of them, each copy 100,000 lines further down (more: the
        # first `wanted` are printed).
        copy += 1
        problems += [p._replace(line=(p.line or 0) + copy * 100_000) for p in real]
    problems = problems[:wanted]
    figures["findings_printed"] = len(problems)
    figures["distinct_messages"] = len({p.message for p in problems})
    timings = {}
    for name, make in (
        ("text", lambda: text_report(problems, project, "the benchmark")),
        ("json", lambda: json_report(problems, project, "the benchmark")),
    ):
        started = time.perf_counter()
        with open(folder / f"report.{name}", "w", encoding="utf-8") as out:
            print(make(), file=out)
        timings[f"{name}_report_s"] = time.perf_counter() - started
    started = time.perf_counter()
    with open(folder / "report.build", "w", encoding="utf-8") as out, contextlib.redirect_stderr(out):
        print_problems(problems, project)
    timings["build_listing_s"] = time.perf_counter() - started
    figures.update(timings)
    text = (folder / "report.text").read_text(encoding="utf-8")
    figures["text_report_lines"] = text.count("\n")
    figures["text_report_bytes"] = len(text.encode("utf-8"))
    return figures


def measure_report(args, box: Sandbox) -> dict:
    """Run report_harness in a new process on this size's project."""
    print(f"  report: {REPORT_FINDINGS:,} findings printed", flush=True)
    folder = box.folder / "report"
    folder.mkdir()
    cmd = [args.python, str(Path(__file__).resolve()), "--report-harness", str(box.project), str(folder)]
    run = run_command(cmd, box.project, box.env, box.log("report"), args.timeout)
    text = Path(run.log).read_text(errors="replace")
    if not run.ok:
        return {"failure": first_failure([run]), "size": args.report_size}
    figures = json.loads(text.strip().splitlines()[-1])
    figures["size"] = args.report_size
    figures["harness_s"] = run.seconds
    return figures


# ----------------------------------------------------------------------------------------------
# Section-size linearity


def measure_linearity(args, results: dict) -> None:
    """Time cold builds of one release with one section of A MB, then of B MB (1 and 4), alternating."""
    sizes = args.linearity_mb
    print(f"linearity: one section of {sizes[0]:g} MB and of {sizes[1]:g} MB", flush=True)
    boxes = {}
    folder = Path(tempfile.mkdtemp(prefix="linearity-", dir=args.work))
    figures: dict = {"mb": list(sizes), "runs": {}, "t_s": {}, "timeout_s": args.linearity_timeout}
    try:
        for mb in sizes:
            corpus = cached_corpus(args, 1, big_mb=mb)
            (folder / f"{mb:g}").mkdir()
            project = make_run_project(corpus, folder / f"{mb:g}" / "project", args.python)
            boxes[mb] = Sandbox(folder / f"{mb:g}", project, args.python)
            en = next((project / "content" / "en").glob("*.md"))
            figures[f"section_bytes_{mb:g}mb"] = en.stat().st_size
        boxes[sizes[0]].cold_build(folder / "warmup", args.timeout)
        shutil.rmtree(folder / "warmup", ignore_errors=True)
        runs: dict[float, list[Run]] = {mb: [] for mb in sizes}
        for round_ in range(args.linearity_repeat):
            for mb in sizes if round_ % 2 == 0 else sizes[::-1]:
                if runs[mb] and not runs[mb][-1].ok:
                    continue  # it did not finish before: do not wait for it again
                out = folder / f"out-{mb:g}"
                runs[mb].append(boxes[mb].cold_build(out, args.linearity_timeout))
                shutil.rmtree(out, ignore_errors=True)
                print(f"  {mb:g} MB: {runs[mb][-1].seconds:.2f} s (status {runs[mb][-1].status})", flush=True)
        for mb, values in runs.items():
            figures["runs"][f"{mb:g} MB"] = [asdict(r) for r in values]
            ok = [r.seconds for r in values if r.ok]
            figures["t_s"][f"{mb:g}"] = median(ok) if ok and len(ok) == len(values) else None
            figures[f"failure_{mb:g}mb"] = first_failure(values)
        small, big = (figures["t_s"][f"{mb:g}"] for mb in sizes)
        figures["ratio"] = big / small if small and big else None
        figures["limit"] = sizes[1] / sizes[0]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    results["linearity"] = figures


# ----------------------------------------------------------------------------------------------
# The table


@dataclass
class Row:
    measure: str
    n: str
    value: str
    target: str
    verdict: str
    raw: list = field(default_factory=list)


def verdict(value, limit, fits=lambda v, limit: v <= limit) -> str:
    if value is None:
        return "n/a"
    return "PASS" if fits(value, limit) else "FAIL"


def ratio(a, b):
    return a / b if a is not None and b else None


def fmt(value, unit="", digits=2) -> str:
    if value is None:
        return "—"
    return f"{value:.{digits}f}{unit}"


def _ratio_to_cold(n, f: dict, secs: dict, step: str, label: str, limit: float, digits: int) -> Row:
    """A step's median time as a fraction of the cold build's, against its target."""
    value = ratio(f[f"{step}_s"], f["cold_s"])
    return Row(
        label,
        n,
        f"{fmt(value, ' ×', digits)} ({fmt(f[f'{step}_s'], ' s')})",
        f"≤ {limit} ×",
        verdict(value, limit),
        [f"{step} {secs[step]}"],
    )


def make_rows(results: dict) -> list[Row]:
    rows = []
    for n, f in results.get("sizes", {}).items():
        n_int = int(n)
        runs = f["runs"]
        secs = {k: [round(r["seconds"], 3) for r in v] for k, v in runs.items()}
        cold_floor = ratio(f["cold_s"], f["floor_s"])
        limit = {100: 1.5, 1000: 1.2}.get(n_int)
        rows.append(
            Row(
                "cold full build, checks included / floor",
                n,
                f"{fmt(cold_floor, ' ×')} ({fmt(f['cold_s'], ' s')} / {fmt(f['floor_s'], ' s')})",
                f"≤ {limit} ×" if limit else "—",
                verdict(cold_floor, limit) if limit else "info",
                [f"cold {secs['cold']}", f"floor {secs['floor']}"],
            )
        )
        rows.append(
            Row(
                "output byte-identical across cold builds and the no-change rebuild",
                n,
                "yes" if f["identical"] else "NO",
                "yes",
                "PASS" if f["identical"] else "FAIL",
            )
        )
        if secs["nochange"]:
            rows.append(
                _ratio_to_cold(n, f, secs, "nochange", "no-change rebuild, new process / cold", 0.1, 3)
            )
        if secs["edit"]:
            found = f["digests"]["edit_marker_found"]
            rows.append(
                Row(
                    "one section edited, `build.py build`",
                    n,
                    fmt(f["edit_s"], " s")
                    + ("" if all(x == "True" for x in found) else " (edit NOT in the page!)"),
                    "≤ 1 s",
                    verdict(f["edit_s"], 1.0) if all(x == "True" for x in found) else "FAIL",
                    [f"edit {secs['edit']}"],
                )
            )
        preview = f.get("preview")
        if preview:
            rows += preview_rows(n, preview)
        if secs["check"]:
            rows.append(_ratio_to_cold(n, f, secs, "check", "`build.py check` / cold build", 1.0, 2))
        # Judged on the tree's PSS: RSS counts every page a forked worker still
        # shares with the main process twice. The RSS sum is shown beside it.
        rows.append(
            Row(
                "peak memory of the cold build (process tree, PSS; RSS sum; main process RSS)",
                n,
                f"{fmt(f['peak_pss_mb'], ' MB', 0)}; {fmt(f['peak_tree_mb'], ' MB', 0)};"
                f" {fmt(f['peak_main_mb'], ' MB', 0)} (floor {fmt(f['floor_peak_tree_mb'], ' MB', 0)})",
                "≤ 200 MB at N=1000",
                verdict(f["peak_pss_mb"], 200) if n_int >= 1000 else "info",
                [f"kernel maxrss of the main process {fmt(f['maxrss_main_mb'], ' MB', 0)}"],
            )
        )
    report = results.get("report")
    if report:
        if "failure" in report:
            rows.append(
                Row("100,000 findings printed", str(report["size"]), report["failure"], "< 1 s", "n/a")
            )
        else:
            rows.append(
                Row(
                    f"{report['findings_printed']:,} findings printed by `check` (text report)",
                    str(report["size"]),
                    fmt(report["text_report_s"], " s"),
                    "< 1 s",
                    verdict(report["text_report_s"], 1.0, lambda v, lim: v < lim),
                    [
                        f"real findings {report['findings_real']:,}",
                        f"check_site {report['check_site_s']:.2f} s",
                        f"JSON {report['json_report_s']:.2f} s",
                        f"build's listing {report['build_listing_s']:.2f} s",
                    ],
                )
            )
            grouped = report["text_report_lines"] < report["findings_printed"]
            rows.append(
                Row(
                    "that report groups and counts repeated findings (lines per finding)",
                    str(report["size"]),
                    f"{report['text_report_lines'] / report['findings_printed']:.2f} "
                    f"({report['text_report_lines']:,} lines, {report['text_report_bytes'] / 1e6:.1f} MB)",
                    "< 1 line per finding",
                    "PASS" if grouped else "FAIL",
                )
            )
    lin = results.get("linearity")
    if lin:
        small, big = lin["mb"]
        t_small, t_big = lin["t_s"][f"{small:g}"], lin["t_s"][f"{big:g}"]
        value = f"{fmt(lin.get('ratio'), ' ×')} ({fmt(t_small, ' s', 1)} → "
        value += (
            f"{fmt(t_big, ' s', 1) if t_big else 'did not finish in ' + str(int(lin['timeout_s'])) + ' s'})"
        )
        rows.append(
            Row(
                f"one section of {big:g} MB / of {small:g} MB (cold build)",
                "1",
                value,
                f"≤ {lin['limit']:g} ×",
                verdict(lin.get("ratio"), lin["limit"]) if t_small else "n/a",
                [f"{k}: {[round(r['seconds'], 2) for r in v]}" for k, v in lin["runs"].items()],
            )
        )
    return rows


def preview_rows(n: str, p: dict) -> list[Row]:
    if "section_save_median_ms" not in p:
        return [Row("preview", n, p.get("failure", "failed"), "—", "FAIL")]
    rows = [
        Row(
            "preview: section saved → page served with the edit (median)",
            n,
            f"{fmt(p['section_save_median_ms'], ' ms', 0)} (worst {fmt(max(p['section_save_ms']), ' ms', 0)})",
            "≤ 300 ms",
            verdict(p["section_save_median_ms"], 300),
            [f"ms {p['section_save_ms']}", f"server start {fmt(p.get('start_s'), ' s')}"],
        )
    ]
    answered = p.get("probe_max_delay_s")
    rows.append(
        Row(
            "preview: template saved → longest wait for any answer during the rebuild",
            n,
            fmt(answered, " s") + f" ({p.get('probe_requests')} requests, {p.get('probe_failures')} failed)",
            "keeps answering (≤ 1 s)",
            verdict(answered, 1.0) if not p.get("probe_failures") else "FAIL",
        )
    )
    reloaded = p.get("template_reload_s")
    rows.append(
        Row(
            "preview: template saved → browser told to reload, page rebuilt",
            n,
            f"{fmt(reloaded, ' s')}, rebuilt page at reload: {p.get('template_page_rebuilt_at_reload', '—')}"
            if reloaded is not None
            else p.get("failure", "no reload"),
            "reload when done",
            "PASS" if reloaded is not None and p.get("template_page_rebuilt_at_reload") else "FAIL",
        )
    )
    return rows


def print_table(rows: list[Row]) -> str:
    lines = ["| measurement | N | figure | target | result |", "|---|---|---|---|---|"]
    lines += [f"| {r.measure} | {r.n} | {r.value} | {r.target} | {r.verdict} |" for r in rows]
    lines += ["", "Raw times (seconds, in the order measured):", ""]
    lines += [f"- {r.measure}, N={r.n}: " + "; ".join(r.raw) for r in rows if r.raw]
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,100,1000", help="numbers of releases, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per measurement (medians)")
    parser.add_argument("--steps", default=",".join(STEPS), help=f"comma-separated, from {','.join(STEPS)}")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--layout", choices=("only-corpus", "beside"), default="only-corpus")
    parser.add_argument("--json", metavar="FILE", help="also write every figure to FILE")
    parser.add_argument("--timeout", type=float, default=900, help="seconds any one command may take")
    parser.add_argument("--linearity-timeout", type=float, default=300)
    parser.add_argument(
        "--linearity-mb", default="1,4", help="the two section sizes, in MB (default %(default)s)"
    )
    parser.add_argument(
        "--linearity-repeat", type=int, help="rounds of the 1 MB / 4 MB builds (default --repeat)"
    )
    parser.add_argument("--saves", type=int, default=10, help="section saves in the preview")
    parser.add_argument("--report-size", type=int, help="N whose findings are printed (default: the largest)")
    parser.add_argument(
        "--one-process-env",
        action="append",
        default=[],
        metavar="VAR=VALUE",
        help="environment that makes the engine build in one process: its output is the reference",
    )
    parser.add_argument("--python", default=sys.executable, help="the Python with the project's requirements")
    parser.add_argument(
        "--corpus-tools",
        default=os.environ.get("MICROSITE_CORPUS_TOOLS", DEFAULT_TOOLS),
        help="folder of make_corpus.py and floor_build.py (default: $MICROSITE_CORPUS_TOOLS or %(default)s)",
    )
    cache_home = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    parser.add_argument(
        "--cache",
        default=os.path.join(cache_home, "microsite-bench"),
        help="corpus cache (default %(default)s)",
    )
    parser.add_argument(
        "--work",
        default="/dev/shm" if os.access("/dev/shm", os.W_OK) else tempfile.gettempdir(),
        help="where the run's folder is made, a RAM disk by default (%(default)s); removed at the end",
    )
    parser.add_argument("--report-harness", nargs=2, metavar=("PROJECT", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    args.steps = [s.strip() for s in args.steps.split(",") if s.strip()]
    unknown = set(args.steps) - set(STEPS)
    if unknown:
        parser.error(f"unknown steps: {', '.join(sorted(unknown))}")
    args.report_size = args.report_size or max(args.sizes)
    args.linearity_repeat = args.linearity_repeat or args.repeat
    args.linearity_mb = tuple(float(x) for x in args.linearity_mb.split(","))
    if len(args.linearity_mb) != 2:
        parser.error("--linearity-mb takes two sizes, such as 1,4")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.report_harness:
        project, folder = (Path(p) for p in args.report_harness)
        print(json.dumps(report_harness(project, folder, REPORT_FINDINGS)))
        return 0
    if args.report_size not in args.sizes:
        args.sizes.append(args.report_size)
    args.work = tempfile.mkdtemp(prefix="microsite-bench-", dir=args.work)
    results: dict = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "machine": platform.platform(),
        "layout": args.layout,
        "seed": args.seed,
        "repeat": args.repeat,
        "steps": args.steps,
    }
    started = time.perf_counter()
    try:
        for n in args.sizes:
            measure_size(args, n, results)
        if "linearity" in args.steps:
            measure_linearity(args, results)
    except KeyboardInterrupt:
        print("interrupted: the figures so far", file=sys.stderr)
    finally:
        shutil.rmtree(args.work, ignore_errors=True)
    results["bench_seconds"] = time.perf_counter() - started
    table = print_table(make_rows(results))
    results["table"] = table
    print()
    print(
        f"{results['date']}, Python {results['python']}, {results['cpus']} CPUs, layout {args.layout}, "
        f"{args.repeat} rounds, medians"
    )
    print()
    print(table)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""fanzha build and check benchmark at 1,000 and 10,000 generated case notes.

  python3 bench/bench.py [N ...]          # from the project's root, after `cargo build --release`

For each N: copies the bundled site, adds N case notes from ../shared/bench/gen_corpus.py
(--flavor fanzha), then runs `fanzha build --timings` and `fanzha check` RUNS times each (default 3)
after two untimed warm-up builds, and prints the median wall and CPU time, peak memory (max RSS), pages per second, files and bytes
written, search index size and the per-stage breakdown of the median build.
Environment: RUNS, FANZHA_BIN (default target/release/fanzha), BENCH_DIR (default /tmp/fanzha-bench).
"""
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.getcwd()
HERE = os.path.dirname(os.path.abspath(__file__))
GEN = os.path.join(HERE, "..", "..", "shared", "bench", "gen_corpus.py")
BIN = os.environ.get("FANZHA_BIN", os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "fanzha"))
WORK = os.environ.get("BENCH_DIR", "/tmp/fanzha-bench")
RUNS = int(os.environ.get("RUNS", "3"))


def site_for(n):
    cases = os.path.join(WORK, f"cases-n{n}")
    if not os.path.exists(os.path.join(cases, ".complete")):
        subprocess.run([sys.executable, GEN, str(n), cases, "--flavor", "fanzha"], check=True)
        open(os.path.join(cases, ".complete"), "w").close()
    site = os.path.join(WORK, f"bench-site-n{n}")
    shutil.rmtree(site, ignore_errors=True)
    ignore = shutil.ignore_patterns("target", "public", ".git")
    shutil.copytree(ROOT, site, ignore=ignore)
    dest = os.path.join(site, "content", "cases")
    for f in os.listdir(os.path.join(cases, "cases")):
        shutil.copy(os.path.join(cases, "cases", f), os.path.join(dest, f))
    return site


def measured(args):
    """Runs args under its own rusage accounting via a tiny wrapper."""
    code = ("import resource,subprocess,sys,time;t=time.perf_counter();"
            "r=subprocess.run(sys.argv[1:],capture_output=True,text=True);w=time.perf_counter()-t;"
            "u=resource.getrusage(resource.RUSAGE_CHILDREN);"
            "print(r.stdout+r.stderr);print('@@',w,u.ru_utime+u.ru_stime,u.ru_maxrss/1024,r.returncode)")
    p = subprocess.run([sys.executable, "-c", code] + args, capture_output=True, text=True, check=True)
    out, last = p.stdout.rsplit("@@", 1)
    wall, cpu, rss, rc = last.split()
    if rc != "0":
        raise SystemExit(f"failed: {' '.join(args)}\n{out}")
    return float(wall), float(cpu), float(rss), out


def du(path):
    files = size = 0
    for d, _, fs in os.walk(path):
        for f in fs:
            files += 1
            size += os.path.getsize(os.path.join(d, f))
    return files, size


def bench(n):
    site = site_for(n)
    out = os.path.join(WORK, f"bench-out-n{n}")
    builds, checks = [], []
    # Two untimed builds first: staff rebuild into the same output folder many times a day, and
    # from the third build on fanzha rewrites only the files whose bytes changed (see src/output.rs).
    for _ in range(2):
        measured([BIN, "build", "--root", site, "--output", out])
    for _ in range(RUNS):
        builds.append(measured([BIN, "build", "--root", site, "--output", out, "--timings"]))
        checks.append(measured([BIN, "check", "--root", site]))
    files, size = du(out)
    sfiles, ssize = du(os.path.join(out, "search"))
    pages = len([1 for d, _, fs in os.walk(out) for f in fs if f.endswith(".html")])
    med = lambda xs, i: statistics.median(x[i] for x in xs)
    bw, bc, br = med(builds, 0), med(builds, 1), max(x[2] for x in builds)
    cw, cc, cr = med(checks, 0), med(checks, 1), max(x[2] for x in checks)
    median_build = sorted(builds, key=lambda x: x[0])[len(builds) // 2][3]
    print(f"\n== {n} generated case notes (+ bundled site), median of {RUNS} ==")
    print(f"build  wall {bw:.3f} s  cpu {bc:.3f} s  peak {br:.0f} MiB  {pages / bw:.0f} pages/s")
    print(f"       wrote {files} files, {size / 1048576:.1f} MiB ({pages} HTML pages)")
    print(f"       search index {sfiles} files, {ssize / 1048576:.2f} MiB")
    print(f"check  wall {cw:.3f} s  cpu {cc:.3f} s  peak {cr:.0f} MiB  {pages / cw:.0f} pages/s  ({cw / bw:.2f} of build)")
    print("stages of the median build (fanzha build --timings; pages are written as they render, 'write' is the static files):")
    for line in median_build.splitlines():
        if line.startswith("  "):
            print("  " + line.strip())


def main():
    if not os.path.exists(BIN):
        raise SystemExit(f"no binary at {BIN}: run cargo build --release first")
    os.makedirs(WORK, exist_ok=True)
    for n in [int(a) for a in sys.argv[1:]] or [1000, 10000]:
        bench(n)


if __name__ == "__main__":
    main()

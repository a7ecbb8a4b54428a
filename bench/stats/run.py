#!/usr/bin/env python3
"""Statistics benchmark: kvalab vs R's psych on the same generated data, in the same run.

Usage (from the repository root, after `make build/kvalab`):
    python3 bench/stats/run.py [--sessions 100000] [--reps 11] [--r-reps 3] [--bin build/kvalab]

Three comparisons, all on the one data set that gen.py writes:
  engine     the C statistics engine alone (bench/stats/engine.c, median of --engine-reps
             runs) against R's computation alone (psych::ICC, psych::cohen.kappa,
             Krippendorff's alpha in plain vectorised R; median of --r-reps runs, data frame
             already in memory);
  in process `kvalab stats ...` as a process (start, read the CSV, compute, print JSON;
             median of --reps) against R's read.csv plus the same computation timed inside
             one R session, so R's start-up and library loading are not counted;
  process    the same kvalab runs against R as a process too (bench/stats/one.R under
             Rscript: start R, load psych, read.csv, compute, print; median of --r-reps),
             both timed from outside in the same way and in interleaved rounds.
kvalab is also timed on *_shuffled.csv, the same rows in random order, since its input path
is fastest on files grouped by session with ids in order (gen.py's main files), and on
`kvalab stats --help`, its start-up alone, which is most of its time on these files. To show
what that start-up costs, the statistics subcommand is also linked alone (stats_only.c, from
the libkv.a beside --bin; not shipped) and timed on the kappa and alpha files.
Results of all sides are checked against each other before anything is printed.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def build_engine(out):
    exe = os.path.join(out, "engine")
    srcs = [os.path.join(HERE, "engine.c")]
    srcs += sorted(os.path.join(ROOT, "src/core", f) for f in os.listdir(os.path.join(ROOT, "src/core"))
                   if f.startswith("stats_") and f.endswith(".c"))
    srcs += [os.path.join(ROOT, "src/util", f) for f in ("csv.c", "buf.c", "xalloc.c", "parse.c")]
    gsl = subprocess.run(["pkg-config", "--cflags", "--libs", "gsl"], check=True, capture_output=True,
                         text=True).stdout.split()
    subprocess.run(["cc", "-O2", "-std=c11", "-D_GNU_SOURCE", "-I" + os.path.join(ROOT, "src"), *srcs,
                    *gsl, "-lm", "-o", exe], check=True)
    return exe


def build_stats_only(out, lib):
    """The statistics subcommand linked alone (stats_only.c): kvalab stats without its start-up."""
    exe = os.path.join(out, "stats_only")
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "jansson", "gsl"], check=True,
                           capture_output=True, text=True).stdout.split()
    subprocess.run(["cc", "-O2", "-std=c11", "-D_GNU_SOURCE", "-I" + os.path.join(ROOT, "src"),
                    os.path.join(HERE, "stats_only.c"), lib, "-Wl,--as-needed", *flags, "-lm", "-o", exe],
                   check=True)
    return exe


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sessions", type=int, default=100000)
    ap.add_argument("--reps", type=int, default=11)
    ap.add_argument("--engine-reps", type=int, default=51)
    ap.add_argument("--r-reps", type=int, default=3)
    ap.add_argument("--bin", default=os.environ.get("KVALAB_BIN", "build/kvalab"))
    ap.add_argument("--out", default="bench/out/stats")
    ap.add_argument("--lib", default=None, help="libkv.a for stats_only (default: beside --bin)")
    a = ap.parse_args()

    subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), "--sessions", str(a.sessions),
                    "--out", a.out], check=True)
    engine = json.loads(subprocess.run([build_engine(a.out), f"{a.out}/wide.csv", str(a.engine_reps)],
                                       check=True, capture_output=True, text=True).stdout)
    args = {"icc": ["icc"], "kappa": ["kappa"], "alpha": ["alpha", "--metric", "interval"]}
    # The same statistics code without kvalab's start-up (not shipped; see stats_only.c).
    only = build_stats_only(a.out, a.lib or os.path.join(os.path.dirname(a.bin), "libkv.a"))
    samples = {}

    def once(key, cmd):
        t = time.perf_counter()
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        samples.setdefault(key, []).append((time.perf_counter() - t, out))

    # Both sides' processes in interleaved rounds, so that both meet the machine's load alike:
    # other work on the machine comes and goes, and a side timed all at once may meet a busy
    # or a quiet spell that the other does not.
    for i in range(max(a.reps, a.r_reps)):
        if i < a.reps:
            # kvalab's start-up alone (load the program and its libraries, print the usage).
            once("startup", [a.bin, "stats", "--help"])
            once("only startup", [only, "--help"])
            for name, cmd in args.items():
                once(("cli", name), [a.bin, "stats", cmd[0], f"{a.out}/{name}.csv", *cmd[1:]])
                once(("shuffled", name), [a.bin, "stats", cmd[0], f"{a.out}/{name}_shuffled.csv", *cmd[1:]])
                if name != "icc":
                    once(("only", name), [only, cmd[0], f"{a.out}/{name}.csv", *cmd[1:]])
        if i < a.r_reps:
            for name in args:
                once(("rproc", name), ["Rscript", os.path.join(HERE, "one.R"), a.out, name])

    def timed_median(key):
        return statistics.median(t for t, _ in samples[key]), json.loads(samples[key][-1][1])

    startup = statistics.median(t for t, _ in samples["startup"])
    only_startup = statistics.median(t for t, _ in samples["only startup"])
    cli = {name: timed_median(("cli", name)) for name in args}
    shuffled = {name: timed_median(("shuffled", name)) for name in args}
    only_cli = {name: timed_median(("only", name)) for name in args if name != "icc"}
    rproc = {name: timed_median(("rproc", name)) for name in args}
    r = json.loads(subprocess.run(["Rscript", os.path.join(HERE, "bench.R"), a.out, str(a.r_reps)],
                                  check=True, capture_output=True, text=True).stdout)

    # Same answers everywhere (psych's ICC goes through lme4, so only to its tolerance).
    checks = [("ICC3", cli["icc"][1]["ICC3"]["icc"], r["ICC3"], 1e-5),
              ("ICC3 engine", engine["icc"], cli["icc"][1]["ICC3"]["icc"], 1e-12),
              ("ICC3 shuffled", shuffled["icc"][1]["ICC3"]["icc"], cli["icc"][1]["ICC3"]["icc"], 1e-12),
              ("ICC3 R process", rproc["icc"][1]["icc"], r["ICC3"], 1e-9),
              ("kappa", cli["kappa"][1]["kappa"], r["kappa"], 1e-9),
              ("kappa engine", engine["kappa"], r["kappa"], 1e-9),
              ("kappa shuffled", shuffled["kappa"][1]["kappa"], r["kappa"], 1e-9),
              ("kappa R process", rproc["kappa"][1]["kappa"], r["kappa"], 1e-9),
              ("alpha", cli["alpha"][1]["alpha"], r["alpha_interval"], 1e-9),
              ("alpha engine", engine["alpha"], r["alpha_interval"], 1e-9),
              ("alpha shuffled", shuffled["alpha"][1]["alpha"], r["alpha_interval"], 1e-9),
              ("alpha R process", rproc["alpha"][1]["alpha"], r["alpha_interval"], 1e-9),
              ("kappa stats_only", only_cli["kappa"][1]["kappa"], r["kappa"], 1e-9),
              ("alpha stats_only", only_cli["alpha"][1]["alpha"], r["alpha_interval"], 1e-9)]
    for name, mine, theirs, tol in checks:
        if abs(mine - theirs) > tol:
            sys.exit(f"{name}: kvalab {mine} vs R {theirs}")

    print(f"{a.sessions} double-rated sessions ({2 * a.sessions} rows), same data and run for both.")
    print(f"R read.csv: wide file {r['read_wide_seconds']:.3f} s (ICC, kappa), "
          f"long file {r['read_long_seconds']:.3f} s (alpha)")
    print()
    print("engine: computation alone, data in memory")
    print(f"{'statistic':<27}{'kvalab':>10}{'R':>10}{'x':>8}")
    labels = (("icc", "ICC (psych::ICC)"), ("kappa", "kappa (psych::cohen.kappa)"),
              ("alpha", "alpha interval (plain R)"))
    for name, label in labels:
        e, rc = engine[f"{name}_seconds"], r[f"{name}_seconds"]
        print(f"{label:<27}{e:>10.6f}{rc:>10.4f}{rc / e:>7.0f}x")
    print()
    print("end to end: kvalab stats as a process (start, read CSV, compute, print JSON) against")
    print("  R in process: read.csv + compute inside one R session (R start-up not counted)")
    print("  R process:    Rscript one.R, start-up and library(psych) counted, timed like kvalab")
    print(f"{'statistic':<27}{'kvalab':>9}{'shuffled':>10}{'R in proc':>11}{'x':>7}{'R process':>11}{'x':>7}")
    for name, label in labels:
        k, ks = cli[name][0], shuffled[name][0]
        ri = r[f"{name}_seconds"] + r["read_long_seconds" if name == "alpha" else "read_wide_seconds"]
        rp = rproc[name][0]
        print(f"{label:<27}{k:>9.4f}{ks:>10.4f}{ri:>11.4f}{ri / k:>6.1f}x{rp:>11.4f}{rp / k:>6.0f}x")
    print(f"kvalab's start-up alone (`{os.path.basename(a.bin)} stats --help`): {startup:.4f}")
    print()
    print("the same statistics code linked without the server's libraries (stats_only.c, not shipped)")
    print(f"  start-up alone (--help): {only_startup:.4f}")
    for name, label in labels[1:]:
        k, rp = only_cli[name][0], rproc[name][0]
        print(f"  {label:<27}{k:>9.4f}  R process {rp:.4f}{rp / k:>6.0f}x")
    print()
    for name, mine, theirs, _ in checks:
        print(f"  {name}: {mine:.12f} vs {theirs:.12f}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Recording vault benchmark (issue 4): kvalab against nginx on loopback, in one run.

Usage (from the repository root, after `make build/kvalab`):
    python3 bench/vault/run.py [--reps 5] [--range-reps 3] [--seconds 20] [--bin build/kvalab]
        [--media FILE] [--skip upload|ranges|memory] [--keep] [--json FILE]

Needs nginx (nginx-light), wrk, curl, ffmpeg and node; `apt-get install -y nginx-light wrk` if
missing. Everything lives in a fresh temporary folder that is removed at the end (--keep keeps
it): a kvalab data folder made with `kvalab init`, a kvalab server and an nginx with their own
configuration on 127.0.0.1, the test files. Nothing outside that folder is changed.

  upload   a 1 GiB H.264/AAC MP4 (ffmpeg test pattern with noise at 100 Mbit/s, 10 s encoded
           once and looped with -c copy; or --media FILE) through kvalab (tus: POST creates
           the upload, one PATCH carries the whole file; only the PATCH is timed; kvalab
           encrypts each 1 MiB chunk, fdatasyncs every 32 MiB and fsyncs before answering)
           against nginx taking the same bytes with a WebDAV PUT (the body goes to a file in
           client_body_temp_path, then is renamed into the root). The client is the same curl
           (-T FILE, Expect: off) for both. nginx does not fsync; an fsync of its file right
           after the PUT is timed and reported beside it. One warm-up round, then --reps
           rounds alternating which server goes first; medians. After each kvalab upload the
           run waits until kvalab has verified it (ffprobe over the whole file). Nothing is
           deleted until the phase ends (see the comment in main). The servers' CPU time
           (user + system, all threads and workers) is read from /proc around each upload.
  ranges   random 256 KiB ranges (bytes=a-(a+262143), a uniform) of that MP4: kvalab serves
           the last upload's encrypted, verified recording with GET /api/recordings/ID/media?viewing=TOKEN
           and the therapist's session cookie, as a browser's player would; nginx serves the
           plaintext file with sendfile on. wrk, 2 threads, 16 connections, --seconds each,
           bench/vault/ranges.lua; both files are read into the page cache first and a few
           ranges are checked byte for byte against the file. --range-reps rounds alternating
           the order, medians; server CPU time per request from /proc. A third row uses an
           API token (Authorization: Bearer) instead of the cookie.
  memory   a freshly started kvalab takes a 4 GiB upload (a sparse file of zeros, so the
           client reads no disk); VmRSS is sampled every 50 ms and VmHWM read when the PATCH
           returns (the peak since the process started).
"""
import argparse
import base64
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GIB = 1 << 30
SPAN = 262144


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def proc_status(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"):
                out[k] = int(v.split()[0]) * 1024
    return out


def cpu_seconds(pids):
    """User + system CPU time of these processes (all their threads), in seconds."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except OSError:
            pass
    return total / os.sysconf("SC_CLK_TCK")


def children(pid):
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        out.append(int(d))
            except OSError:
                pass
    return out


class Kvalab:
    def __init__(self, binary, data, logfile):
        self.bin, self.data, self.logfile = binary, data, logfile
        self.proc, self.url = None, None

    def pids(self):
        return [self.proc.pid]

    def start(self, port=0):
        err = open(self.logfile, "a")
        self.proc = subprocess.Popen([self.bin, "serve", "--data", self.data, "--listen", f"127.0.0.1:{port}"],
                                     stdout=subprocess.PIPE, stderr=err, text=True)
        deadline = time.time() + 15
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            m = re.search(r"listening on (http://\S+)", line)
            if m:
                self.url = m.group(1)
                return self
            if self.proc.poll() is not None:
                break
        raise RuntimeError(f"kvalab did not start; see {self.logfile}")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


class Nginx:
    def __init__(self, prefix, port):
        self.prefix, self.port = prefix, port
        for d in ("logs", "tmp", "body", "root/up", "root/media"):
            os.makedirs(os.path.join(prefix, d), exist_ok=True)
        # Workers may run as nobody when started by root: let them write the upload folders.
        for d in ("body", "tmp", "root/up"):
            os.chmod(os.path.join(prefix, d), 0o777)
        self.conf = os.path.join(prefix, "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(f"""worker_processes 2;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {prefix}/body;
  proxy_temp_path {prefix}/tmp;
  fastcgi_temp_path {prefix}/tmp;
  uwsgi_temp_path {prefix}/tmp;
  scgi_temp_path {prefix}/tmp;
  server {{
    listen 127.0.0.1:{port};
    root {prefix}/root;
    # PUT: nginx writes the body to a file in client_body_temp_path, then renames it here.
    location /up/ {{ dav_methods PUT; client_max_body_size 2g; client_body_buffer_size 1m; }}
    location /media/ {{ sendfile on; }}
  }}
}}
""")
        self.proc = None
        self.url = f"http://127.0.0.1:{port}"

    def pids(self):
        return [self.proc.pid] + children(self.proc.pid)

    def start(self):
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.proc = subprocess.Popen([nginx, "-p", self.prefix, "-c", self.conf, "-e",
                                      os.path.join(self.prefix, "logs/error.log"), "-g", "daemon off;"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return self
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.05)
        raise RuntimeError("nginx did not start; see " + os.path.join(self.prefix, "logs/error.log"))

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)  # graceful: the master stops its workers
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.send_signal(signal.SIGTERM)
                self.proc.wait()
        self.proc = None


def node_setup(*args):
    return json.loads(run(["node", os.path.join(HERE, "setup.mjs"), *args]))


def curl_upload(method, url, path, headers):
    """Sends the file with curl -T (streamed from disk, Content-Length set); returns (status, seconds, bytes)."""
    cmd = ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{time_total} %{size_upload}", "-X", method,
           "-T", path, "-H", "Expect:"]
    for h in headers:
        cmd += ["-H", h]
    code, secs, size = run(cmd + [url]).split()
    return int(code), float(secs), int(float(size))


def tus_create(kv, token, sub_id, length):
    meta = base64.b64encode(str(sub_id).encode()).decode()
    out = run(["curl", "-s", "-D", "-", "-o", "/dev/null", "-X", "POST", "-H", "Tus-Resumable: 1.0.0",
               "-H", f"Upload-Length: {length}", "-H", f"Upload-Metadata: submission_id {meta}",
               "-H", f"Authorization: Bearer {token}", kv.url + "/api/uploads"])
    m = re.search(r"^location:\s*(\S+)", out, re.I | re.M)
    if not m or not out.startswith("HTTP/1.1 201"):
        raise RuntimeError("tus creation failed:\n" + out)
    return m.group(1)


def tus_patch(kv, token, location, path):
    code, secs, size = curl_upload("PATCH", kv.url + location, path, [
        "Tus-Resumable: 1.0.0", "Content-Type: application/offset+octet-stream", "Upload-Offset: 0",
        f"Authorization: Bearer {token}"])
    if code != 204:
        raise RuntimeError(f"PATCH {location} answered {code}")
    return secs, size


def fsync_file(path):
    t = time.perf_counter()
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return time.perf_counter() - t


def make_media(tmp):
    """About 1 GiB of H.264 + AAC in MP4 (index first): 10 s encoded at 100 Mbit/s, looped."""
    clip, big = os.path.join(tmp, "clip.mp4"), os.path.join(tmp, "media.mp4")
    run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
         "testsrc=size=1280x720:rate=25,noise=alls=60:allf=t+u", "-f", "lavfi", "-i",
         "sine=frequency=440:sample_rate=48000", "-t", "10", "-c:v", "libx264", "-preset", "ultrafast",
         "-b:v", "100M", "-minrate", "100M", "-maxrate", "100M", "-bufsize", "20M", "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-b:a", "64k", clip])
    seconds = 10 * GIB / os.path.getsize(clip) * 1.004 + 0.2
    while True:
        run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-stream_loop", "-1", "-i", clip, "-t",
             f"{seconds:.2f}", "-c", "copy", "-movflags", "+faststart", big])
        if os.path.getsize(big) >= GIB:
            break
        seconds *= 1.01
    os.unlink(clip)
    return big


def wrk(server, path, size, seconds, conns, seed, cookie="", auth=""):
    url = server.url
    pids = server.pids()
    c0 = cpu_seconds(pids)
    env = dict(os.environ, RANGE_PATH=path, RANGE_SIZE=str(size), RANGE_COOKIE=cookie, RANGE_AUTH=auth,
               RANGE_SEED=str(seed))
    out = run(["wrk", "-t2", f"-c{conns}", f"-d{seconds}s", "--latency", "-s", os.path.join(HERE, "ranges.lua"),
               url], env=env)
    cpu = cpu_seconds(pids) - c0
    m = re.search(r"^RESULT (.*)$", out, re.M)
    r = {k: float(v) for k, v in (kv.split("=") for kv in m.group(1).split())}
    if r["not206"] or r["errors"]:
        raise RuntimeError(f"wrk against {url}: {r['not206']:.0f} answers were not 206, {r['errors']:.0f} errors\n{out}")
    return {"rps": r["requests"] / r["seconds"], "mbs": r["bytes"] / r["seconds"] / 1e6,
            "p50_ms": r["p50"] / 1000, "p90_ms": r["p90"] / 1000, "p99_ms": r["p99"] / 1000,
            "requests": r["requests"], "cpu_us_per_req": cpu / r["requests"] * 1e6}


def check_ranges(url, path, file, size, cookie=""):
    import random
    rnd = random.Random(4)
    with open(file, "rb") as f:
        for a in [0, size - SPAN, VAULT_EDGE - 1000] + [rnd.randrange(size - SPAN) for _ in range(3)]:
            cmd = ["curl", "-s", "-H", f"Range: bytes={a}-{a + SPAN - 1}"]
            if cookie:
                cmd += ["-H", f"Cookie: {cookie}"]
            got = subprocess.run(cmd + [url + path], check=True, capture_output=True).stdout
            f.seek(a)
            if got != f.read(SPAN):
                raise RuntimeError(f"{url}: the range at {a} differs from the file")


VAULT_EDGE = 1 << 20  # a range across kvalab's first chunk boundary


def med(xs):
    return statistics.median(xs)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default="build/kvalab")
    ap.add_argument("--reps", type=int, default=5, help="upload rounds after one warm-up (default 5)")
    ap.add_argument("--range-reps", type=int, default=3, help="range-read rounds (default 3)")
    ap.add_argument("--seconds", type=int, default=20, help="length of each wrk run (default 20)")
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--skip", action="append", default=[], choices=["upload", "ranges", "memory"])
    ap.add_argument("--media", help="use this MP4 (H.264/AAC, index first, about 1 GiB) instead of making one")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument("--json", help="also write the results as JSON to this file")
    a = ap.parse_args()
    os.chdir(ROOT)
    binary = os.path.abspath(a.bin)
    if not os.access(binary, os.X_OK):
        sys.exit(f"{a.bin} is missing: run `make build/kvalab` first")
    for tool in ("nginx", "wrk", "curl", "ffmpeg", "node"):
        if not shutil.which(tool) and not os.path.exists(f"/usr/sbin/{tool}"):
            sys.exit(f"{tool} is missing (apt-get install -y nginx-light wrk curl ffmpeg nodejs)")

    tmp = tempfile.mkdtemp(prefix="kvalab-vault-bench.")
    os.chmod(tmp, 0o755)  # nginx workers (nobody) must reach their folders
    kv = ngx = None
    res = {"date": time.strftime("%Y-%m-%d %H:%M %Z"), "cores": os.cpu_count(), "load_start": loadavg()}
    try:
        log(f"[vault bench] working in {tmp}")
        data = os.path.join(tmp, "data")
        init = run([binary, "init", "--data", data, "--admin", "a@b.example"])
        password = re.search(r"^one-time password: (\S+)", init, re.M).group(1)
        secret = re.search(r"^totp secret: (\S+)", init, re.M).group(1)
        kv = Kvalab(binary, data, os.path.join(tmp, "kvalab.log")).start()
        ngx = Nginx(os.path.join(tmp, "nginx"), free_port()).start()
        n_subs = (a.reps + 1) + 1
        s = node_setup("prepare", "--url", kv.url, "--admin", "a@b.example", "--password", password,
                       "--totp", secret, "--submissions", str(n_subs))
        token, subs = s["token"], list(s["submissions"])
        with open(os.path.join(tmp, "access.json"), "w") as f:  # for poking at a --keep folder
            json.dump(s, f)
        log(f"[vault bench] kvalab {kv.url}, nginx {ngx.url}, {n_subs} submitted submissions")

        if a.media:
            media = os.path.join(tmp, "media.mp4")
            shutil.copyfile(a.media, media)
        else:
            log("[vault bench] making about 1 GiB of H.264 MP4 with ffmpeg")
            media = make_media(tmp)
        size = os.path.getsize(media)
        os.chmod(media, 0o644)
        subprocess.run(["cat", media], stdout=subprocess.DEVNULL, check=True)  # in the page cache
        rows, rec = [], None
        # Every round keeps what it wrote (kvalab's verified recording, nginx's file) until the
        # phase ends: freeing a GiB just before the other server writes would hand it pages the
        # VM has not yet returned to the host, which are much faster to fill (see the docs).
        uploading = "upload" not in a.skip
        for i in range(a.reps + 1 if uploading else 1):
            order = ("kvalab", "nginx") if i % 2 == 0 else ("nginx", "kvalab")
            row = {"warmup": i == 0}
            for who in order:
                if who == "kvalab":
                    loc = tus_create(kv, token, subs.pop(0), size)
                    c0 = cpu_seconds(kv.pids())
                    secs, sent = tus_patch(kv, token, loc, media)
                    row["kvalab_cpu"] = cpu_seconds(kv.pids()) - c0
                    assert sent == size
                    rec = loc.rsplit("/", 1)[1]
                    w = node_setup("wait", "--url", kv.url, "--token", token, "--recording", rec,
                                   "--timeout", "900")
                    if w["state"] != "ready" or not w["browser_playable"]:
                        raise RuntimeError(f"the MP4 was not accepted as it is: {w}")
                    row["kvalab_s"], row["verify_s"] = secs, w["waited_s"]
                elif uploading:
                    dest = os.path.join(ngx.prefix, f"root/up/round{i}.mp4")
                    c0 = cpu_seconds(ngx.pids())
                    code, secs, sent = curl_upload("PUT", f"{ngx.url}/up/round{i}.mp4", media, [])
                    row["nginx_cpu"] = cpu_seconds(ngx.pids()) - c0
                    if code != 201 or os.path.getsize(dest) != size:
                        raise RuntimeError(f"nginx PUT answered {code}")
                    row["nginx_s"], row["nginx_fsync_s"] = secs, fsync_file(dest)
            rows.append(row)
            if uploading:
                log(f"[upload {'warm-up' if i == 0 else i}] kvalab {size / row['kvalab_s'] / 1e6:.0f} MB/s "
                    f"(verified in {row['verify_s']:.1f} s), nginx {size / row['nginx_s'] / 1e6:.0f} MB/s "
                    f"(+fsync {row['nginx_fsync_s']:.2f} s), load {loadavg()}")
        if uploading:
            m = [r for r in rows if not r["warmup"]]
            k, n = med([r["kvalab_s"] for r in m]), med([r["nginx_s"] for r in m])
            nf = med([r["nginx_s"] + r["nginx_fsync_s"] for r in m])
            res["upload"] = {"size": size, "rounds": rows, "kvalab_mbs": size / k / 1e6,
                             "nginx_mbs": size / n / 1e6, "nginx_fsync_mbs": size / nf / 1e6,
                             "ratio": n / k, "ratio_fsync": nf / k,
                             "verify_s": med([r["verify_s"] for r in rows]),
                             "kvalab_cpu_per_gib": med([r["kvalab_cpu"] for r in m]) * GIB / size,
                             "nginx_cpu_per_gib": med([r["nginx_cpu"] for r in m]) * GIB / size,
                             "kvalab_mbs_all": [size / r["kvalab_s"] / 1e6 for r in m],
                             "nginx_mbs_all": [size / r["nginx_s"] / 1e6 for r in m]}
            for i in range(len(rows)):
                os.unlink(os.path.join(ngx.prefix, f"root/up/round{i}.mp4"))

        if "ranges" not in a.skip:
            plain = os.path.join(ngx.prefix, "root/media/media.mp4")
            os.link(media, plain)
            enc = os.path.join(data, "recordings", f"{rec}.enc")
            for f in (plain, enc):  # both in the page cache: neither side reads the disk
                subprocess.run(["cat", f], stdout=subprocess.DEVNULL, check=True)
            v = node_setup("viewing", "--url", kv.url, "--email", s["therapist"]["email"], "--password",
                           s["therapist"]["password"], "--recording", rec)
            tv = json.loads(run(["curl", "-s", "-X", "POST", "-H", f"Authorization: Bearer {token}",
                                 f"{kv.url}/api/recordings/{rec}/viewings"]))
            check_ranges(kv.url, v["media_url"], plain, size, v["cookie"])
            check_ranges(ngx.url, "/media/media.mp4", plain, size)
            sides = {
                "kvalab": lambda seed, secs: wrk(kv, v["media_url"], size, secs, a.connections, seed, cookie=v["cookie"]),
                "nginx": lambda seed, secs: wrk(ngx, "/media/media.mp4", size, secs, a.connections, seed),
                "kvalab_token": lambda seed, secs: wrk(kv, tv["media_url"], size, secs, a.connections, seed,
                                                       auth=f"Bearer {token}"),
            }
            for name, fn in sides.items():  # warm-up
                fn(99, 3)
            runs = {k: [] for k in sides}
            for i in range(a.range_reps):
                order = list(sides) if i % 2 == 0 else list(reversed(list(sides)))
                for name in order:
                    runs[name].append(sides[name](i + 1, a.seconds))
                log(f"[ranges {i + 1}] " + ", ".join(f"{k} {runs[k][-1]['rps']:.0f} req/s p99 {runs[k][-1]['p99_ms']:.1f} ms"
                                                     for k in sides) + f", load {loadavg()}")
            res["ranges"] = {"size": size, "runs": runs,
                             "median": {k: {m: med([r[m] for r in rs]) for m in ("rps", "mbs", "p50_ms", "p99_ms", "cpu_us_per_req")}
                                        for k, rs in runs.items()}}
            res["ranges"]["kvalab_vmhwm"] = proc_status(kv.proc.pid)["VmHWM"]
            md = res["ranges"]["median"]
            res["ranges"]["ratio"] = md["kvalab"]["rps"] / md["nginx"]["rps"]
            res["ranges"]["ratio_token"] = md["kvalab_token"]["rps"] / md["nginx"]["rps"]

        if "memory" not in a.skip:
            kv.stop()
            kv.start()
            pid = kv.proc.pid
            time.sleep(1)
            base = proc_status(pid)
            four = os.path.join(tmp, "zeros-4g.bin")
            with open(four, "wb") as f:
                f.truncate(4 * GIB)  # sparse: reading it costs no disk
            sub = subs.pop(0)
            loc = tus_create(kv, token, sub, 4 * GIB)
            peak, stop = [0], threading.Event()

            def sample():
                while not stop.is_set():
                    try:
                        peak[0] = max(peak[0], proc_status(pid)["VmRSS"])
                    except (OSError, KeyError):
                        pass
                    time.sleep(0.05)

            th = threading.Thread(target=sample)
            th.start()
            secs, size = tus_patch(kv, token, loc, four)
            hwm = proc_status(pid)["VmHWM"]
            stop.set()
            th.join()
            assert size == 4 * GIB
            res["memory"] = {"baseline_rss": base["VmRSS"], "peak_rss_sampled": peak[0], "vmhwm": hwm,
                             "upload_s": secs, "upload_mbs": 4 * GIB / secs / 1e6}
            log(f"[memory] 4 GiB in {secs:.1f} s; VmRSS at start {base['VmRSS'] / 2**20:.1f} MiB, "
                f"peak sampled {peak[0] / 2**20:.1f} MiB, VmHWM {hwm / 2**20:.1f} MiB")
            os.unlink(four)
        res["load_end"] = loadavg()
    finally:
        if kv:
            kv.stop()
        if ngx:
            ngx.stop()
        if a.keep:
            log(f"[vault bench] kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    report(res, a)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(res, f, indent=1)


def report(res, a):
    print(f"Recording vault benchmark, {res['date']}, {res['cores']} cores; load average {res['load_start']} at the "
          f"start, {res.get('load_end', '?')} at the end. Medians; MB = 10^6 bytes.\n")
    print("| work | kvalab | nginx | kvalab / nginx | target |")
    print("|---|---:|---:|---:|---|")
    if "upload" in res:
        u = res["upload"]
        print(f"| upload of {u['size'] / GIB:.3f} GiB, MB/s (median of {a.reps}) | {u['kvalab_mbs']:.0f} | {u['nginx_mbs']:.0f} "
              f"| {u['ratio']:.2f}× | ≥ 0.9× |")
        print(f"| the same, nginx's time including an fsync of its file | {u['kvalab_mbs']:.0f} | "
              f"{u['nginx_fsync_mbs']:.0f} | {u['ratio_fsync']:.2f}× | |")
        print(f"| the same, server CPU seconds per GiB | {u['kvalab_cpu_per_gib']:.2f} | "
              f"{u['nginx_cpu_per_gib']:.2f} | | |")
    if "ranges" in res:
        r = res["ranges"]
        k, n, t = r["median"]["kvalab"], r["median"]["nginx"], r["median"]["kvalab_token"]
        print(f"| random 256 KiB ranges, requests/s (median of {a.range_reps} × {a.seconds} s) | {k['rps']:.0f} "
              f"| {n['rps']:.0f} | {r['ratio']:.2f}× | ≥ 0.8× |")
        print(f"| the same, MB/s | {k['mbs']:.0f} | {n['mbs']:.0f} | | |")
        print(f"| the same, p50 / p99 latency, ms | {k['p50_ms']:.1f} / {k['p99_ms']:.1f} | "
              f"{n['p50_ms']:.1f} / {n['p99_ms']:.1f} | | |")
        print(f"| the same, server CPU per request, µs | {k['cpu_us_per_req']:.0f} | {n['cpu_us_per_req']:.0f} | | |")
        print(f"| the same with an API token instead of the session cookie, requests/s | {t['rps']:.0f} "
              f"| {n['rps']:.0f} | {r['ratio_token']:.2f}× | |")
    if "memory" in res:
        m = res["memory"]
        print(f"| peak RSS while a 4 GiB upload runs (VmHWM), MiB | {m['vmhwm'] / 2**20:.1f} | | | ≤ 64 MiB |")
    print()
    if "upload" in res:
        u = res["upload"]
        print("upload rounds, MB/s: kvalab " + ", ".join(f"{x:.0f}" for x in u["kvalab_mbs_all"]) +
              "; nginx " + ", ".join(f"{x:.0f}" for x in u["nginx_mbs_all"]) +
              f"; kvalab verified each {u['size']} byte upload in {u['verify_s']:.1f} s (median)")
    if "ranges" in res:
        r = res["ranges"]
        for name, rs in r["runs"].items():
            print(f"range rounds, {name}: " + "; ".join(f"{x['rps']:.0f} req/s p99 {x['p99_ms']:.1f} ms" for x in rs))
        print(f"kvalab's VmHWM after the uploads and range rounds: {r['kvalab_vmhwm'] / 2**20:.1f} MiB")
    if "memory" in res:
        m = res["memory"]
        print(f"memory: VmRSS {m['baseline_rss'] / 2**20:.1f} MiB before the upload, highest sample "
              f"{m['peak_rss_sampled'] / 2**20:.1f} MiB, VmHWM {m['vmhwm'] / 2**20:.1f} MiB; the 4 GiB upload ran at "
              f"{m['upload_mbs']:.0f} MB/s")


if __name__ == "__main__":
    main()

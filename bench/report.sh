#!/usr/bin/env bash
# Times the PDF feedback report (target: under 200 ms; figures go to docs/performance.md).
# From the repository root after `make build/kvalab`:  bash bench/report.sh  [N=200 P=30]
# It builds a full profile (17 MBT items, 40 reference ratings, 6 earlier sessions for the
# trend), then times (1) N renders in one process, after a first render that loads the fonts,
# and (2) P whole `kvalab report render` processes, fonts loaded from cold each time.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-200}
P=${P:-30}
KV=${KVALAB_BIN:-build/kvalab}
OUT=bench/out/report
mkdir -p "$OUT"
[ -x "$KV" ] || { echo "bench/report.sh: build $KV first (make build/kvalab)" >&2; exit 2; }

python3 - "$OUT" <<'EOF'
import json, random, sys
out = sys.argv[1]
random.seed(7)
clamp = lambda x: max(1, min(7, round(x)))
ref = []
for k in range(40):
    s = {}
    for i in range(1, 18):
        q = clamp(random.gauss(4, 1.2))
        s[str(i)] = {"quality": q} if i in (1, 4, 5) else \
            {"adherence": clamp(random.gauss(3.5, 1.5)), "quality": q}
    s["global"] = {"adherence": random.randint(2, 6), "quality": random.randint(2, 6)}
    ref.append(s)
json.dump(ref, open(f"{out}/reference.json", "w"))
rating = json.load(open("bench/report/rating.json"))
hist = []
for k in range(6):
    s = {i: ({f: clamp(v + (k - 5) * 0.4 + random.choice((-1, 0, 0, 1))) for f, v in x.items()})
         for i, x in rating["scores"].items()}
    hist.append({"submission_id": 100 + k, "date": f"202{k // 2 + 3}-{3 + 6 * (k % 2):02d}-01",
                 "scores": s})
json.dump(hist, open(f"{out}/history.json", "w"))
EOF

"$KV" report profile --instrument instruments/mbt-i-aqs-1.json --rating bench/report/rating.json \
	--duration 3000 --reference "$OUT/reference.json" --history "$OUT/history.json" --lang nb \
	>"$OUT/profile.json"

render() {
	"$KV" report render --profile "$OUT/profile.json" --feedback bench/report/feedback.json \
		--out "$OUT/report.pdf" --lang nb --therapist "Åse Ødegård Bjørnø" \
		--institution "Sørlandet sykehus, DPS Kristiansand" --date 2026-03-01 \
		--published 2026-04-02 "$@"
}

echo "== in one process (N=$N after a first render)"
render --bench "$N"

echo "== whole process, cold fonts (P=$P)"
times=()
for _ in $(seq "$P"); do
	t0=$(date +%s%N)
	render
	t1=$(date +%s%N)
	times+=($(((t1 - t0) / 1000)))
done
printf '%s\n' "${times[@]}" | python3 -c '
import sys, math
t = sorted(int(x) / 1000 for x in sys.stdin)
n = len(t)
med = t[n // 2] if n % 2 else (t[n // 2 - 1] + t[n // 2]) / 2
print(f"process: n={n} median {med:.1f} ms p95 {t[math.ceil(0.95 * n) - 1]:.1f} ms max {t[-1]:.1f} ms")'
echo "pages: $(pdfinfo "$OUT/report.pdf" | awk '/^Pages:/ {print $2}'), $(stat -c %s "$OUT/report.pdf") bytes"

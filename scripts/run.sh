#!/usr/bin/env bash
# `make run`: initialises ./var on first use (printing the first admin's credentials), then
# serves kvalab on http://127.0.0.1:8080 with the built web UI.
set -euo pipefail
cd "$(dirname "$0")/.."

DATA=${KVALAB_DATA:-var}
ADMIN=${KVALAB_ADMIN:-admin@kvalab.example}
LISTEN=${KVALAB_LISTEN:-127.0.0.1:8080}

if [ ! -f "$DATA/kvalab.db" ]; then
	echo "== First start: creating $DATA with the first lab admin =="
	./build/kvalab init --data "$DATA" --admin "$ADMIN"
	echo "== Write these down now; they are not shown again. =="
else
	echo "== Using the existing data folder $DATA (lab admin created on first start) =="
fi
./build/kvalab check --data "$DATA" >/dev/null || {
	echo "kvalab check found a problem in $DATA:" >&2
	./build/kvalab check --data "$DATA" >&2 || true
	exit 1
}
echo "== Open http://$LISTEN in a browser; stop with Ctrl-C =="
exec ./build/kvalab serve --data "$DATA" --listen "$LISTEN" --web web/dist --instruments instruments

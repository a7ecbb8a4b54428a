#!/usr/bin/env bash
# `make test`: builds everything with warnings as errors, runs every suite (format, C unit
# tests, CLI and API tests against a real server, browser tests in headless Chromium), then the
# unit and API tests again under AddressSanitizer + UndefinedBehaviorSanitizer. Ends with one
# line "N passed, N failed" and exits non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."

PASSED=0
FAILED=0
LOG_DIR=tests/.tmp/logs
rm -rf tests/.tmp
mkdir -p "$LOG_DIR"
export KV_TEST_TMP=$PWD/tests/.tmp

count() { # suite name, passed, failed
	echo "-- $1: $2 passed, $3 failed"
	PASSED=$((PASSED + $2))
	FAILED=$((FAILED + $3))
}

# Reads the "# pass N" / "# fail N" summary of node's TAP reporter from a log.
node_counts() {
	local log=$1 p f
	p=$(grep -E '^# pass [0-9]+' "$log" | tail -1 | awk '{print $3}')
	f=$(grep -E '^# fail [0-9]+' "$log" | tail -1 | awk '{print $3}')
	echo "${p:-0} ${f:-1}"
}

run_node_suite() { # name, log, files...
	local name=$1 log=$2
	shift 2
	node --test --test-reporter=tap --test-concurrency=1 "$@" >"$log" 2>&1
	local status=$?
	read -r p f < <(node_counts "$log")
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	if [ "$f" -ne 0 ]; then
		grep -E '^not ok|^# Subtest|error:|Error|expected|actual' "$log" | head -60
	fi
	count "$name" "$p" "$f"
}

echo "== build"
if ! make -j2 build/kvalab build/unit-tests web >"$LOG_DIR/build.log" 2>&1; then
	tail -40 "$LOG_DIR/build.log"
	count build 0 1
	echo "$PASSED passed, $FAILED failed"
	exit 1
fi
count build 1 0

echo "== format (clang-format)"
if make -s format-check >"$LOG_DIR/format.log" 2>&1; then
	count format 1 0
else
	head -20 "$LOG_DIR/format.log"
	count format 0 1
fi

echo "== unit tests"
./build/unit-tests >"$LOG_DIR/unit.log" 2>&1
read -r p f < <(sed -nE 's/^unit: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' "$LOG_DIR/unit.log")
grep -A3 '^not ok' "$LOG_DIR/unit.log" | head -40
count unit "${p:-0}" "${f:-1}"

echo "== command-line and API tests (real server on 127.0.0.1)"
run_node_suite "cli+api" "$LOG_DIR/api.log" tests/cli/*.test.mjs tests/api/*.test.mjs

echo "== browser tests (headless Chromium)"
run_node_suite browser "$LOG_DIR/e2e.log" tests/e2e/*.test.mjs

echo "== unit and API tests under AddressSanitizer + UndefinedBehaviorSanitizer"
if make -j2 asan >"$LOG_DIR/asan-build.log" 2>&1; then
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	# Only other libraries' process-lifetime caches are suppressed (see the file); GLib's slice
	# allocator would hide leaked pango objects from LeakSanitizer, so it uses malloc here.
	export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0
	export G_SLICE=always-malloc
	./build-asan/unit-tests >"$LOG_DIR/asan-unit.log" 2>&1
	read -r p f < <(sed -nE 's/^unit: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' "$LOG_DIR/asan-unit.log")
	if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$LOG_DIR/asan-unit.log"; then
		grep -E -A8 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$LOG_DIR/asan-unit.log" | head -40
		f=$((${f:-0} + 1))
	fi
	count "asan unit" "${p:-0}" "${f:-1}"
	# Reports from the server and CLI processes go to files, read below.
	export KVALAB_BIN=build-asan/kvalab
	export ASAN_OPTIONS="$ASAN_OPTIONS:log_path=$PWD/$LOG_DIR/asan-server"
	export UBSAN_OPTIONS="$UBSAN_OPTIONS:log_path=$PWD/$LOG_DIR/asan-server"
	run_node_suite "asan cli+api" "$LOG_DIR/asan-api.log" tests/cli/*.test.mjs tests/api/*.test.mjs
	unset KVALAB_BIN
	if grep -lqE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$LOG_DIR"/asan-server* 2>/dev/null; then
		grep -hE -A12 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$LOG_DIR"/asan-server* | head -60
		count "asan server reports" 0 1
	else
		count "asan server reports" 1 0
	fi
else
	tail -30 "$LOG_DIR/asan-build.log"
	count "asan build" 0 1
fi

echo "== fuzz smoke (each libFuzzer driver briefly over its corpus)"
if make -s fuzz FUZZ_SECONDS=5 >"$LOG_DIR/fuzz.log" 2>&1; then
	n=$(grep -c '^fuzz ' "$LOG_DIR/fuzz.log")
	count fuzz "$n" 0
else
	tail -30 "$LOG_DIR/fuzz.log"
	count fuzz "$(grep -c '^fuzz ' "$LOG_DIR/fuzz.log")" 1
fi

echo
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]

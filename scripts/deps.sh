#!/usr/bin/env bash
# Installs what kvalab needs on Debian 12: the one list of system packages, then the npm packages.
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# Build: compiler, pkg-config and the C libraries (see DESIGN.md for why each).
PACKAGES=(
	build-essential pkg-config clang clang-format libclang-rt-14-dev
	libmicrohttpd-dev libjansson-dev libsqlite3-dev sqlite3 libsodium-dev liboath-dev
	libgsl-dev libssl-dev libinih-dev libqrencode-dev
	# Reports: PDF with real typography, calendar invitations, mail; research exports.
	libcairo2-dev libpango1.0-dev fonts-dejavu-core libical-dev libcurl4-openssl-dev libreadstat-dev
	# Media: recordings are probed and transcoded by sandboxed ffprobe/ffmpeg child processes.
	ffmpeg
	# Tests: a browser, a TOTP generator, speech for generated test recordings.
	chromium oathtool curl ca-certificates espeak-ng poppler-utils
)

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	missing+=(nodejs npm)
fi
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: missing Debian packages: ${missing[*]} (run as root to install them)" >&2
		exit 1
	fi
	echo "deps: installing ${missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages for the web UI and the browser tests, exactly as locked.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	npm ci --no-audit --no-fund --loglevel=error
fi

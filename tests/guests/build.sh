#!/usr/bin/env bash
# Build every test guest: tests/guests/build.sh [OUTDIR]  (default build/tests/guests)
set -euo pipefail
cd "$(dirname "$0")/../.."
exec make --no-print-directory -f tests/guests/guests.mk -j"$(nproc)" \
    GUESTS_OUT="${1:-build/tests/guests}" guests

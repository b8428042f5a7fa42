#!/usr/bin/env bash
# Runs every check and test of the project, as CI does. From a fresh machine:
# installs what is missing (the wasm target, cargo-nextest, openssl and curl
# for the TLS test, Chromium for the browser tests), then checks formatting
# and lints and runs all the tests: Rust (unit, property, integration through
# the real binary), the wasm module in Node, the pages in a real browser, and
# last the README's first command as a newcomer meets it (scripts/fresh-clone.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "toolchain"
rustup show active-toolchain >/dev/null 2>&1 || rustup toolchain install
rustup target list --installed | grep -q wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
if ! cargo nextest --version >/dev/null 2>&1; then
  cargo install --locked cargo-nextest
fi

step "system packages"
need=()
for p in openssl curl; do command -v "$p" >/dev/null || need+=("$p"); done
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && apt-get install -y -qq "${need[@]}"
fi

step "format"
cargo fmt --all --check
# The fuzz targets are a workspace of their own.
cargo fmt --manifest-path fuzz/Cargo.toml --all --check

step "lint"
cargo clippy --workspace --all-targets -- -D warnings

step "fuzz targets compile (stable; running them needs nightly and cargo-fuzz)"
cargo check --manifest-path fuzz/Cargo.toml --bins --examples --locked

step "tests"
cargo nextest run --workspace --no-fail-fast

step "wasm in node"
# crates/server/build.rs built the browser module for the binary; test that very file.
wasm=target/wasm-build/wasm32-unknown-unknown/wasm/tinnhiem_wasm.wasm
ls -l "$wasm"
cred=$(cargo run -q --example credential -p tinnhiem-core)
# A 2-of-3 committee's logs and keys (made for this test only), for the
# member's operations.
member_logs=target/wasm-member-logs.json
cargo run -q --example member_logs -p tinnhiem-wasm > "$member_logs"
TINNHIEM_WASM="$wasm" TINNHIEM_TEST_CREDENTIAL="$cred" TINNHIEM_TEST_MEMBER_LOGS="$member_logs" node --test crates/wasm/js/

step "browser tests"
if [ ! -x /usr/bin/chromium ] || ! command -v chromedriver >/dev/null; then
  apt-get update -qq && apt-get install -y -qq chromium chromium-driver
fi
# pdftotext, pdftoppm, pdfinfo: the minutes' print test reads back the PDF
# Chromium prints.
if ! command -v pdftotext >/dev/null || ! command -v pdftoppm >/dev/null; then
  apt-get update -qq && apt-get install -y -qq poppler-utils
fi
(cd tests/e2e && npm ci --no-audit --no-fund)
[ -x target/debug/tinnhiem ] || cargo build
TINNHIEM_BIN=target/debug/tinnhiem node --test --test-concurrency=1 tests/e2e/

step "the README's first command, from a clean clone without the wasm target"
bash scripts/fresh-clone.sh

#!/usr/bin/env bash
# The README's first command as a newcomer meets it: a clean clone of the
# committed tree, a Rust toolchain that does NOT have the wasm32 target yet
# (rustup adds the targets of rust-toolchain.toml only when it installs the
# toolchain), then `cargo run --release -- demo`. It must build, add the
# target by itself, exit 0 and print the verified result table. The target is
# left installed afterwards, whatever happens.
#
# Usage: bash scripts/fresh-clone.sh [DIR]   (DIR: where to clone; default a
# new temporary directory, removed afterwards)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
target=wasm32-unknown-unknown

keep=""
if [ $# -gt 0 ]; then
  clone=$1
  keep=1
else
  clone=$(mktemp -d)/tinnhiem
fi
restore() {
  (cd "$repo" && rustup target list --installed | grep -qx "$target" \
    || rustup target add "$target" >/dev/null 2>&1 || true)
  [ -n "$keep" ] || rm -rf "$(dirname "$clone")"
}
trap restore EXIT

git clone -q --no-hardlinks "$repo" "$clone"
cd "$clone"
# The toolchain in use here is the one rust-toolchain.toml selects.
if rustup target list --installed | grep -qx "$target"; then
  rustup target remove "$target" >/dev/null 2>&1
fi
if rustup target list --installed | grep -qx "$target"; then
  echo "fresh-clone: could not remove $target to start as a newcomer" >&2
  exit 1
fi

start=$(date +%s)
set +e
# A shared CARGO_TARGET_DIR would hide a first build: the clone builds alone.
env -u CARGO_TARGET_DIR cargo run --release -- demo >demo.out 2>demo.err
code=$?
set -e
secs=$(( $(date +%s) - start ))
echo "fresh-clone: cargo run --release -- demo exited $code after ${secs} s"
fail() {
  echo "fresh-clone: $*" >&2
  echo "--- stdout" >&2; cat demo.out >&2
  echo "--- stderr (last 40 lines)" >&2; tail -n 40 demo.err >&2
  exit 1
}
[ "$code" -eq 0 ] || fail "the README's first command failed"
grep -q "adding the Rust target $target" demo.err \
  || fail "the build did not say that it added the wasm target"
rustup target list --installed | grep -qx "$target" \
  || fail "the wasm target is still missing after the build"
for want in "log verified" "Tín nhiệm cao" "Tín nhiệm thấp" "Phiếu phát ra" "Biên bản (minutes)"; do
  grep -q "$want" demo.out || fail "the demo did not print '$want'"
done
size=$(stat -c %s target/release/tinnhiem)
echo "fresh-clone: release binary $size bytes"
echo "fresh-clone: 1 passed, 0 failed"

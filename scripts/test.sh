#!/usr/bin/env bash
# Runs every check and test bioprop has, in order, and fails if any part fails
# or if a kind of test ran no test at all:
#   formatting, clippy (native and wasm32), native tests, wasm-bindgen tests in
#   headless Chromium, and the end-to-end suite (Playwright driving Chromium).
# Run `scripts/ensure-tools.sh test` first (`make test` does both).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
# The parts' logs stay in target/test-logs for a look after the run (the e2e TAP
# output holds each test's duration; the slowest are printed with the summary).
logs=$root/target/test-logs
rm -rf "$logs"
mkdir -p "$logs"

say() { printf '\n\033[1m[bioprop] %s\033[0m\n' "$*"; }
# Wall-clock seconds of each part, printed with the summary: `part NAME` starts
# timing NAME and ends the part before it.
parts=()
part_name=
part_start=
part() {
    local now
    now=$(date +%s)
    [ -n "$part_name" ] && parts+=("$part_name $((now - part_start))")
    part_name=$1
    part_start=$now
}
timings() {
    [ -n "$part_name" ] || return 0
    part ""
    local line total=0
    for line in "${parts[@]}"; do
        printf '  %-8s %4ds\n' "${line% *}" "${line##* }"
        total=$((total + ${line##* }))
    done
    printf '  %-8s %4ds\n' all "$total"
}
# A part that fails ends the script: say how long the parts took up to there.
trap timings EXIT
# `cargo test` and wasm-bindgen-test-runner both close each binary with
# "test result: ok. N passed; M failed; ..."; add those up.
cargo_passed() { sed -n 's/^test result: [a-zA-Z]*\. \([0-9]*\) passed.*/\1/p' "$1" | awk '{s+=$1} END {print s+0}'; }
cargo_failed() { sed -n 's/^test result: .* \([0-9]*\) failed.*/\1/p' "$1" | awk '{s+=$1} END {print s+0}'; }

part fmt
say "formatting (cargo fmt --check)"
cargo fmt --all -- --check

part clippy
say "lints (cargo clippy, native and wasm32)"
cargo clippy --workspace --all-targets --all-features -- -D warnings
cargo clippy -p bioprop -p bioprop-web --target wasm32-unknown-unknown --all-targets -- -D warnings

part native
say "native tests"
cargo test --workspace --all-features 2>&1 | tee "$logs/native"
native=$(cargo_passed "$logs/native")

part wasm
say "wasm-bindgen tests in headless Chromium"
export CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver}
export WASM_BINDGEN_TEST_WEBDRIVER_JSON=$root/tests/webdriver.json
cargo test --target wasm32-unknown-unknown -p bioprop --test wasm_determinism 2>&1 | tee "$logs/wasm"
cargo test --target wasm32-unknown-unknown -p bioprop-web --tests 2>&1 | tee -a "$logs/wasm"
wasm=$(cargo_passed "$logs/wasm")

part build
say "building the app for the end-to-end tests"
scripts/build-web.sh target/e2e-dist

part e2e
say "end-to-end tests (Playwright + Chromium)"
(cd tests/e2e && BIOPROP_DIST="$root/target/e2e-dist" node --test --test-reporter=tap --test-concurrency=1 ./*.test.mjs) 2>&1 | tee "$logs/e2e"
e2e=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$logs/e2e" | tail -1)
e2e_failed=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$logs/e2e" | tail -1)

failed=$(($(cargo_failed "$logs/native") + $(cargo_failed "$logs/wasm") + ${e2e_failed:-0}))
# The ten slowest end-to-end tests (a top-level TAP result line, then its duration).
# `sed` reads to the end: `head` would leave while `sort` still writes, and under
# pipefail its SIGPIPE would fail the run.
slowest() {
    awk '/^(not )?ok [0-9]+ - /{sub(/^(not )?ok [0-9]+ - /, ""); name=$0}
         /^  duration_ms: /{if (name != "") printf "%8.1f s  %s\n", $2 / 1000, substr(name, 1, 90); name=""}' "$1" |
        sort -rn | sed -n 1,10p
}
say "the slowest end-to-end tests"
slowest "$logs/e2e"
say "summary: native ${native}, wasm-browser ${wasm}, end-to-end ${e2e:-0} tests passed; seconds per part:"
timings
for kind in "native:$native" "wasm-browser:$wasm" "end-to-end:${e2e:-0}"; do
    if [ "${kind#*:}" -eq 0 ]; then
        echo "[bioprop] no ${kind%%:*} test ran: that counts as a failure" >&2
        exit 1
    fi
done
echo "total: $((native + wasm + ${e2e:-0})) passed, $failed failed"
[ "$failed" -eq 0 ]

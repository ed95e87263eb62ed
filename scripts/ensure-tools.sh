#!/usr/bin/env bash
# Installs whatever the build (`build`) or the test suite (`test`) needs and is
# missing, and nothing that is already there. Safe to run again and again.
#
#   scripts/ensure-tools.sh build   wasm32 target, wasm-bindgen-cli (pinned), the
#                                   MNIST digits (the app's digits.bin is built from them)
#   scripts/ensure-tools.sh test    the above, rustfmt, clippy, Chromium,
#                                   ChromeDriver and the end-to-end npm packages
#                                   (core/tests/mnist.rs trains on the digits too)
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-build}

say() { printf '\033[1m[bioprop]\033[0m %s\n' "$*" >&2; }

# The wasm-bindgen CLI must equal the crate version pinned with `=` in Cargo.toml.
wasm_bindgen_version() {
    sed -n 's/^wasm-bindgen = "=\([0-9.]*\)"/\1/p' Cargo.toml
}

ensure_rust() {
    if ! command -v cargo >/dev/null || ! command -v rustup >/dev/null; then
        say "cargo and rustup are needed: install Rust from your distribution or rustup, then run this again."
        exit 1
    fi
    if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
        say "adding the wasm32-unknown-unknown target"
        rustup target add wasm32-unknown-unknown
    fi
}

ensure_wasm_bindgen() {
    local want
    want=$(wasm_bindgen_version)
    if [ -z "$want" ]; then
        say "cannot read the pinned wasm-bindgen version from Cargo.toml"
        exit 1
    fi
    if wasm-bindgen --version 2>/dev/null | grep -q " $want\$" &&
        command -v wasm-bindgen-test-runner >/dev/null; then
        return
    fi
    say "installing wasm-bindgen-cli $want (takes a few minutes, once)"
    cargo install wasm-bindgen-cli --version "$want"
}

ensure_rust_components() {
    for c in rustfmt clippy; do
        if ! rustup component list --installed | grep -q "^$c"; then
            say "adding rustup component $c"
            rustup component add "$c"
        fi
    done
}

ensure_chromium() {
    if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
        return
    fi
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "installing Debian's chromium and chromium-driver"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
    else
        say "the browser tests need /usr/bin/chromium and /usr/bin/chromedriver:"
        say "install the Debian packages 'chromium' and 'chromium-driver' (as root: apt-get install chromium chromium-driver)"
        exit 1
    fi
}

ensure_node_packages() {
    if ! command -v npm >/dev/null; then
        say "the end-to-end tests need Node.js and npm (Debian packages 'nodejs' and 'npm')"
        exit 1
    fi
    if [ ! -d tests/e2e/node_modules/playwright-core ] ||
        [ tests/e2e/package-lock.json -nt tests/e2e/node_modules/.package-lock.json ]; then
        say "installing the end-to-end test packages from tests/e2e/package-lock.json"
        # playwright-core drives the system Chromium; it never downloads a browser.
        (cd tests/e2e && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
    fi
}

ensure_rust
ensure_wasm_bindgen
case "$what" in
build)
    scripts/fetch-mnist.sh
    ;;
test)
    scripts/fetch-mnist.sh
    ensure_rust_components
    ensure_chromium
    ensure_node_packages
    ;;
*)
    say "usage: $0 build|test"
    exit 2
    ;;
esac

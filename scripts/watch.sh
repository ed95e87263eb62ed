#!/usr/bin/env bash
# For developers: serves an unoptimised build on http://127.0.0.1:$PORT and
# rebuilds it whenever a source file changes (reload the page to see it).
set -euo pipefail
cd "$(dirname "$0")/.."
port=${PORT:-8080}
stamp=$(mktemp)
scripts/build-web.sh --dev dist
node scripts/serve.mjs dist "$port" &
server=$!
trap 'kill $server 2>/dev/null; rm -f "$stamp"' EXIT
while sleep 2; do
    if [ -n "$(find core/src web/src static -newer "$stamp" -type f -print -quit)" ]; then
        touch "$stamp"
        echo "[bioprop] change seen: rebuilding"
        scripts/build-web.sh --dev dist || echo "[bioprop] build failed; fix it and save again"
    fi
done

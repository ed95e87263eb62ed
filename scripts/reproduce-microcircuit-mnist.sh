#!/usr/bin/env bash
# Sacramento et al. 2018's digits experiment (docs/science.md §4.6): the dendritic
# error microcircuit's preset sacramento-2018-mnist (784-500-500-10, logistic rates,
# steady state in minibatches of 10, rate targets {0.1, 0.8}, the first 55,000
# training images, the 10,000 test images) beside backprop and feedback alignment on
# the same network (logistic hidden and output units, squared error, minibatches of
# 10). Prints one table row per model and seed: the test error after the last epoch,
# the update angle of each hidden layer at the end, and the wall time.
#
#   EPOCHS   passes over the 55,000 training images  (default 10)
#   SEEDS    seeds, space-separated                   (default "1 2")
#   NET_LR   the networks' learning rate, averaged over the minibatch (default 0.5)
#   MODELS   which rows                               (default "microcircuit bp fa")
#
# Run through `make reproduce-microcircuit-mnist`, which fetches the digits first.
set -euo pipefail
cd "$(dirname "$0")/.."

EPOCHS=${EPOCHS:-10}
SEEDS=${SEEDS:-1 2}
NET_LR=${NET_LR:-0.5}
MODELS=${MODELS:-microcircuit bp fa}

cargo build -q --release -p bioprop --features cli
bin=${CARGO_TARGET_DIR:-target}/release/bioprop
out=target/reproduce-microcircuit-mnist
mkdir -p "$out"

echo "MNIST, 55,000 training and 10,000 test images, 784-500-500-10, logistic rates,"
echo "minibatches of 10, $EPOCHS epochs; $(nproc) cores ($(uname -m)), $(date -u +%Y-%m-%d)"
echo
echo "| model | seed | epochs | test error % | update angle, layer 1 / layer 2 | wall time |"
echo "|---|---|---|---|---|---|"
for model in $MODELS; do
    for seed in $SEEDS; do
        csv=$out/$model-$seed.csv
        start=$(date +%s.%N)
        if [ "$model" = microcircuit ]; then
            args=(run --rule microcircuit --preset sacramento-2018-mnist)
        else
            args=(run --task mnist --rule "$model" --layers 784-500-500-10 --act sigmoid
                --output logistic --lr "$NET_LR" --batch 10 --every 5500 --train-size 55000)
        fi
        "$bin" "${args[@]}" --epochs "$EPOCHS" --seed "$seed" --out "$csv" 2>"$csv.log" || {
            echo "| $model | $seed | | failed: $(tail -1 "$csv.log") | | |"
            continue
        }
        end=$(date +%s.%N)
        # The last step's rows, one per hidden layer. Columns (the CSV's header): 1 step,
        # 3 layer, 6 update_angle_deg, 16 test_error_pct (the circuit's 16th column too).
        awk -F, -v model="$model" -v seed="$seed" -v epochs="$EPOCHS" \
            -v wall="$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.0f s", e - s }')" '
            NR > 1 { if ($1 != step) { step = $1; a1 = ""; a2 = "" } if ($3 == 1) a1 = $6; if ($3 == 2) a2 = $6; error = $16 }
            function angle(a) { return a == "" ? "–" : sprintf("%.1f°", a) }
            END { printf "| %s | %s | %s | %.2f | %s / %s | %s |\n", model, seed, epochs, error, angle(a1), angle(a2), wall }
            ' "$csv"
    done
done
echo
echo "CSV files: $out/"

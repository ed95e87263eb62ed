#!/usr/bin/env bash
# Lillicrap et al. 2016, Fig. 2a on the MNIST digits (docs/science.md §3, §6): a
# 784-1000-10 network of logistic units trained on squared error against one-hot
# targets by backprop, feedback alignment and shallow learning, with sign symmetry and
# Kolen-Pollack beside them, and direct feedback alignment on 784-1000-1000-10 (with
# one hidden layer DFA is FA). Prints one table row per rule and seed: the test error
# after the last epoch, FA's update angle at the start and the end (Fig. 2b: it falls
# below 90 degrees), the weight angle, the wall time and the load average.
#
#   EPOCHS      passes over the training set            (default 16)
#   TRAIN_SIZE  training images, the first of the 60,000 (default 60000)
#   TEST_SIZE   test images, the first of the 10,000     (default 10000)
#   SEEDS       seeds, space-separated                   (default "1 2")
#   LR, BATCH   learning rate and minibatch              (default 0.3 and 5: chosen by
#               short runs on this machine, not the paper's values, which
#               docs/science.md lacks; at 0.5 the logistic outputs saturate in the
#               first epoch and nothing more is learned, core/README.md)
#   KP_DECAY    Kolen-Pollack's decay of W and B per step (default 0.99999: the
#               CLI's 0.9995 suits the small tasks' few thousand steps; over
#               ~100,000 steps it shrinks the weights like a strong weight decay
#               and the error with them, docs/science.md §1.3)
#   FA_FEEDBACK_SCALE  multiplies FA's random B (default 30): B stays fixed while
#               the output weights grow about sevenfold, so with B at the init's
#               scale the hidden layer learns ever more slowly; at 40 the first
#               epoch is unsteady, at 80 it does not recover (core/README.md)
#   DFA_FEEDBACK_SCALE, DFA_LR  B's scale and the rate for DFA's two hidden layers
#               (default 1 and 0.1: at rate 0.3 its outputs saturated in the first
#               epoch with B x1 and x10 alike)
#   SHALLOW_LR, SHALLOW_INIT  the shallow learner's rate and forward init (default 0.1
#               and uniform:0.2): with Xavier's U[-0.058, 0.058] the fixed hidden
#               units sit at 0.5 +- 0.08, nearly a linear map of the pixels, and
#               rate 0.3 overshoots along their common 0.5
#   RULES       which rows                               (default "bp fa shallow usf kp dfa")
#
# Run through `make reproduce-mnist`, which fetches the digits first.
set -euo pipefail
cd "$(dirname "$0")/.."

EPOCHS=${EPOCHS:-16}
TRAIN_SIZE=${TRAIN_SIZE:-60000}
TEST_SIZE=${TEST_SIZE:-10000}
SEEDS=${SEEDS:-1 2}
LR=${LR:-0.3}
BATCH=${BATCH:-5}
KP_DECAY=${KP_DECAY:-0.99999}
FA_FEEDBACK_SCALE=${FA_FEEDBACK_SCALE:-30}
DFA_FEEDBACK_SCALE=${DFA_FEEDBACK_SCALE:-1}
DFA_LR=${DFA_LR:-0.1}
SHALLOW_LR=${SHALLOW_LR:-0.1}
SHALLOW_INIT=${SHALLOW_INIT:-uniform:0.2}
RULES=${RULES:-bp fa shallow usf kp dfa}

cargo build -q --release -p bioprop --features cli
bin=${CARGO_TARGET_DIR:-target}/release/bioprop
out=target/reproduce-mnist
mkdir -p "$out"

# One row of the CSV per epoch: evaluating the whole training set is the costly part.
every=$(((TRAIN_SIZE + BATCH - 1) / BATCH))

echo "MNIST, $TRAIN_SIZE training and $TEST_SIZE test images, $EPOCHS epochs, batch $BATCH, lr $LR,"
echo "logistic hidden and output units, squared error, Kolen-Pollack decay $KP_DECAY,"
echo "FA's feedback B scaled by $FA_FEEDBACK_SCALE, DFA's by $DFA_FEEDBACK_SCALE (rate $DFA_LR),"
echo "shallow learner at rate $SHALLOW_LR from $SHALLOW_INIT, the others from xavier;"
echo "$(nproc) cores ($(uname -m)), $(date -u +%Y-%m-%d)"
echo
echo "| rule | layers | seed | epochs | batch | lr | W init | B scale | test error % | update angle, layer 1, first → last | weight angle, layer 1 | wall time | load average, start → end |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for rule in $RULES; do
    layers=784-1000-10
    [ "$rule" = dfa ] && layers=784-1000-1000-10
    for seed in $SEEDS; do
        csv=$out/$rule-$seed.csv
        start=$(date +%s.%N)
        load_start=$(cut -d' ' -f1 /proc/loadavg)
        scale=1 lr=$LR init=xavier
        case $rule in
            fa) scale=$FA_FEEDBACK_SCALE ;;
            dfa) scale=$DFA_FEEDBACK_SCALE lr=$DFA_LR ;;
            shallow) lr=$SHALLOW_LR init=$SHALLOW_INIT ;;
        esac
        "$bin" run --task mnist --rule "$rule" --layers "$layers" --act sigmoid --output logistic \
            --lr "$lr" --batch "$BATCH" --epochs "$EPOCHS" --every "$every" --seed "$seed" \
            --kp-decay "$KP_DECAY" --feedback-scale "$scale" --weight-init "$init" \
            --train-size "$TRAIN_SIZE" --test-size "$TEST_SIZE" --out "$csv" 2>"$csv.log" || {
            echo "| $rule | $layers | $seed | | $BATCH | $lr | $init | $scale | failed: $(tail -1 "$csv.log") | | | | |"
            continue
        }
        end=$(date +%s.%N)
        load_end=$(cut -d' ' -f1 /proc/loadavg)
        # Layer 1's rows: step 0 and the last step. Columns (header of the CSV): 1 step,
        # 3 layer, 6 update_angle_deg, 7 weight_angle_deg, 16 test_error_pct.
        awk -F, -v rule="$rule" -v layers="$layers" -v seed="$seed" -v epochs="$EPOCHS" \
            -v batch="$BATCH" -v lr="$lr" -v init="$init" -v scale="$scale" -v load="$load_start → $load_end" \
            -v wall="$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.0f s", e - s }')" '
            NR > 1 && $3 == 1 { if (!seen++) first = $6; last = $6; weight = $7; error = $16 }
            function angle(a) { return a == "" ? "–" : sprintf("%.1f°", a) }
            END {
                printf "| %s | %s | %s | %s | %s | %s | %s | %s | %.2f | %s → %s | %s | %s | %s |\n",
                    rule, layers, seed, epochs, batch, lr, init, scale, error, angle(first), angle(last),
                    angle(weight), wall, load
            }' "$csv"
    done
done
echo
echo "CSV files: $out/"

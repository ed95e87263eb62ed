"""The side-by-side benchmark's numpy entry: the training step a student would write
in numpy (float32, OpenBLAS on one thread), timed for the configurations of
`bench/compare.mjs`.

    python3 bench/numpy_step.py SECONDS LAYERS:BATCH:RULE ...

Prints one JSON object per configuration: {"config": ..., "steps_per_s": ...}.
The network and data match the other entries (README, "Speed"): tanh hidden layers,
a linear output with squared error for one output and softmax with cross-entropy
otherwise, plain SGD, and the shared xorshift data.
"""

import os

# One thread, set before numpy loads OpenBLAS.
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

TRAIN = 256
LR = 0.01


def xorshift_floats(seed, count):
    """`count` floats in [0, 1) from xorshift32 (13, 17, 5), the top 24 bits of each
    state: the generator bench/page.js and the Rust entry use too."""
    out = np.empty(count, dtype=np.float32)
    x = seed
    for i in range(count):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        out[i] = (x >> 8) * (1.0 / 16777216.0)
    return out


def dataset(n_in, n_out):
    inputs = xorshift_floats(1, TRAIN * n_in).reshape(TRAIN, n_in)
    if n_out == 1:
        targets = xorshift_floats(2, TRAIN).reshape(TRAIN, 1)
    else:
        targets = np.zeros((TRAIN, n_out), dtype=np.float32)
        targets[np.arange(TRAIN), np.arange(TRAIN) % n_out] = 1.0
    return inputs, targets


def network(layers, rng):
    weights, biases, feedback = [], [], []
    for n_in, n_out in zip(layers, layers[1:]):
        limit = np.sqrt(6.0 / (n_in + n_out))
        weights.append(rng.uniform(-limit, limit, (n_out, n_in)).astype(np.float32))
        biases.append(np.zeros(n_out, dtype=np.float32))
        feedback.append(rng.uniform(-limit, limit, (n_out, n_in)).astype(np.float32))
    return weights, biases, feedback


def make_step(layers, rule):
    weights, biases, feedback = network(layers, np.random.default_rng(0))
    regression = layers[-1] == 1
    depth = len(weights)

    def step(x, y):
        acts = [x]
        for k in range(depth):
            z = acts[-1] @ weights[k].T + biases[k]
            if k < depth - 1:
                acts.append(np.tanh(z))
            elif regression:
                acts.append(z)
            else:
                z = z - z.max(axis=1, keepdims=True)
                p = np.exp(z)
                p /= p.sum(axis=1, keepdims=True)
                acts.append(p)
        out = acts[-1]
        if regression:
            loss = 0.5 * np.sum((out - y) ** 2) / len(x)
        else:
            loss = -np.sum(y * np.log(out + 1e-12)) / len(x)
        delta = out - y
        scale = np.float32(LR / len(x))
        for k in range(depth - 1, -1, -1):
            grad_w = delta.T @ acts[k]
            grad_b = delta.sum(axis=0)
            if k > 0:
                path = weights[k] if rule == "bp" else feedback[k]
                delta = (delta @ path) * (1.0 - acts[k] * acts[k])
            weights[k] -= scale * grad_w
            biases[k] -= scale * grad_b
        return loss

    return step


def measure(seconds, layers, batch, rule):
    inputs, targets = dataset(layers[0], layers[-1])
    step = make_step(layers, rule)
    cursor = 0

    def run(n):
        nonlocal cursor
        for _ in range(n):
            if cursor + batch > TRAIN:
                cursor = 0
            step(inputs[cursor : cursor + batch], targets[cursor : cursor + batch])
            cursor += batch

    # Warm up, then time whole rounds until `seconds` have passed.
    run(20)
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        run(50)
        steps += 50
    return steps / (time.perf_counter() - start)


def main():
    seconds = float(sys.argv[1])
    for spec in sys.argv[2:]:
        layers, batch, rule = spec.split(":")
        rate = measure(seconds, [int(n) for n in layers.split("-")], int(batch), rule)
        print(json.dumps({"config": spec, "steps_per_s": rate}), flush=True)


if __name__ == "__main__":
    main()

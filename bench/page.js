// The browser half of the side-by-side benchmark (bench/compare.mjs drives it):
// the same training step by bioprop's wasm and by TensorFlow.js (cpu and wasm
// backends), on the network and data of core/examples/bench_compare/mod.rs.
//
//   window.bench.bioprop(config, seconds)        steps/s of bioprop's wasm
//   window.bench.bioprop_epoch(config, steps)    seconds for `steps` steps of it, one call
//   window.bench.tfjs(backend, config, seconds)  steps/s of TensorFlow.js

const TRAIN = 256;
const LR = 0.01;

/** `count` floats in [0, 1) from xorshift32 (13, 17, 5), as in the Rust and numpy entries. */
function xorshiftFloats(seed, count) {
  const out = new Float32Array(count);
  let x = seed >>> 0;
  for (let i = 0; i < count; i++) {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    out[i] = (x >>> 8) / 16777216;
  }
  return out;
}

function parse(config) {
  const [layers, batch, rule] = config.split(":");
  return { layers: layers.split("-").map(Number), batch: Number(batch), rule };
}

function dataset(layers) {
  const nIn = layers[0];
  const nOut = layers.at(-1);
  const inputs = xorshiftFloats(1, TRAIN * nIn);
  let targets;
  if (nOut === 1) {
    targets = xorshiftFloats(2, TRAIN);
  } else {
    targets = new Float32Array(TRAIN * nOut);
    for (let i = 0; i < TRAIN; i++) targets[i * nOut + (i % nOut)] = 1;
  }
  return { inputs, targets };
}

/**
 * Steps per second of `step(n)` (which runs n steps): a warm-up, then rounds of
 * steps, each round long enough for the clock, until `seconds` have passed.
 */
async function rate(step, seconds, finish = async () => {}) {
  step(3);
  await finish();
  let chunk = 1;
  const warmEnd = performance.now() + 300;
  while (performance.now() < warmEnd) {
    const t = performance.now();
    step(chunk);
    if (performance.now() - t < 20) chunk *= 2;
  }
  await finish();
  let steps = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    step(chunk);
    steps += chunk;
  }
  await finish();
  return steps / ((performance.now() - start) / 1000);
}

let wasmModule;

async function bioprop(config, seconds) {
  wasmModule ??= await WebAssembly.compileStreaming(fetch("bench_compare_wasm.wasm"));
  const instance = await WebAssembly.instantiate(wasmModule, {});
  const { memory, bench_alloc, bench_setup, bench_steps } = instance.exports;
  const bytes = new TextEncoder().encode(config);
  const at = bench_alloc(bytes.length); // may grow (and so replace) the memory's buffer
  new Uint8Array(memory.buffer, at, bytes.length).set(bytes);
  if (bench_setup() !== 1) throw new Error(`bioprop could not build ${config}`);
  return rate((n) => {
    if (bench_steps(n) !== 1) throw new Error(`bioprop diverged on ${config}`);
  }, seconds);
}

/**
 * Seconds that bioprop's wasm takes to train `steps` steps of `config`, timed as one
 * call from a freshly built experiment (the module compiled before, by an earlier
 * call, or not): with `steps` = 60,000 / batch, one epoch of digit-sized data.
 */
async function bioprop_epoch(config, steps) {
  wasmModule ??= await WebAssembly.compileStreaming(fetch("bench_compare_wasm.wasm"));
  const instance = await WebAssembly.instantiate(wasmModule, {});
  const { memory, bench_alloc, bench_setup, bench_steps } = instance.exports;
  const bytes = new TextEncoder().encode(config);
  const at = bench_alloc(bytes.length);
  new Uint8Array(memory.buffer, at, bytes.length).set(bytes);
  if (bench_setup() !== 1) throw new Error(`bioprop could not build ${config}`);
  const start = performance.now();
  if (bench_steps(steps) !== 1) throw new Error(`bioprop diverged on ${config}`);
  return (performance.now() - start) / 1000;
}

async function tfjs(backend, config, seconds) {
  const tf = window.tf;
  if (backend === "wasm") tf.wasm.setWasmPaths(new URL("./", location.href).href);
  if (!(await tf.setBackend(backend))) throw new Error(`no ${backend} backend`);
  await tf.ready();
  const { layers, batch, rule } = parse(config);
  if (rule !== "bp") throw new Error("TensorFlow.js trains by backprop only");
  const { inputs, targets } = dataset(layers);
  const nIn = layers[0];
  const nOut = layers.at(-1);
  const vars = [];
  const weights = [];
  const biases = [];
  for (let k = 1; k < layers.length; k++) {
    const limit = Math.sqrt(6 / (layers[k - 1] + layers[k]));
    weights.push(tf.variable(tf.randomUniform([layers[k], layers[k - 1]], -limit, limit, "float32", k)));
    biases.push(tf.variable(tf.zeros([layers[k]])));
    vars.push(weights.at(-1), biases.at(-1));
  }
  const xs = [];
  const ys = [];
  for (let c = 0; c + batch <= TRAIN; c += batch) {
    xs.push(tf.tensor2d(inputs.subarray(c * nIn, (c + batch) * nIn), [batch, nIn]));
    ys.push(tf.tensor2d(targets.subarray(c * nOut, (c + batch) * nOut), [batch, nOut]));
  }
  const optimizer = tf.train.sgd(LR);
  let cursor = 0;
  const loss = (x, y) => {
    let a = x;
    for (let k = 0; k < weights.length; k++) {
      const z = tf.add(tf.matMul(a, weights[k], false, true), biases[k]);
      a = k < weights.length - 1 ? tf.tanh(z) : z;
    }
    if (nOut === 1) return tf.div(tf.mul(0.5, tf.sum(tf.square(tf.sub(a, y)))), batch);
    return tf.losses.softmaxCrossEntropy(y, a);
  };
  try {
    return await rate(
      (n) => {
        for (let i = 0; i < n; i++) {
          const x = xs[cursor];
          const y = ys[cursor];
          cursor = (cursor + 1) % xs.length;
          optimizer.minimize(() => loss(x, y), false, vars);
        }
      },
      seconds,
      // Waits until every queued operation has run.
      () => weights[0].data(),
    );
  } finally {
    tf.dispose([...vars, ...xs, ...ys]);
    optimizer.dispose();
  }
}

window.bench = { bioprop, bioprop_epoch, tfjs };
document.getElementById("status").textContent = "ready";

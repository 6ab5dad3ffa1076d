// ONNX Runtime peer: run MODEL on IN_DIR/<input>.npy, write OUT_DIR/<output>.npy.
//   node ort_run.mjs MODEL IN_DIR OUT_DIR [--opt disabled|basic|all] [--threads N] [--bench N]
// File names are tensor names with every char outside [A-Za-z0-9._-] replaced by '_' (DESIGN.md).
// Exit: 0 ok, 2 usage, 3 missing/unreadable input file, 4 ORT refused to load or run the model.
// --bench N: after the normal run, 3 warm-ups then N timed runs; prints {"median_ms":..,"runs":N}.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { readNpy, writeNpy } from './npy.mjs';

const USAGE = 'usage: node ort_run.mjs MODEL IN_DIR OUT_DIR [--opt disabled|basic|all] [--threads N] [--bench N]';
const die = (code, msg) => { process.stderr.write(`ort_run: ${msg}\n`); process.exit(code); };
const sanitize = (name) => name.replace(/[^A-Za-z0-9._-]/g, '_');

const pos = [];
const opt = { opt: 'all', threads: 1, bench: 0 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--opt' || a === '--threads' || a === '--bench') {
    if (i + 1 >= argv.length) die(2, `${a} needs a value\n${USAGE}`);
    opt[a.slice(2)] = argv[++i];
  } else if (a.startsWith('--')) die(2, `unknown option ${a}\n${USAGE}`);
  else pos.push(a);
}
if (pos.length !== 3) die(2, USAGE);
if (!['disabled', 'basic', 'all'].includes(opt.opt)) die(2, `--opt must be disabled, basic or all\n${USAGE}`);
for (const k of ['threads', 'bench']) {
  opt[k] = Number(opt[k]);
  if (!Number.isInteger(opt[k]) || opt[k] < (k === 'threads' ? 1 : 0)) die(2, `bad --${k} value\n${USAGE}`);
}
const [modelPath, inDir, outDir] = pos;

let session;
try {
  session = await ort.InferenceSession.create(modelPath, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: opt.opt,
    intraOpNumThreads: opt.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    logSeverityLevel: 3,  // errors only: ORT's warnings would clutter test logs
  });
} catch (e) {
  die(4, `cannot load ${modelPath}: ${e.message}`);
}

const feeds = {};
for (const name of session.inputNames) {
  const file = join(inDir, `${sanitize(name)}.npy`);
  if (!existsSync(file)) die(3, `missing input '${name}': no file ${file}`);
  let a;
  try { a = readNpy(file); } catch (e) { die(3, `input '${name}': ${e.message}`); }
  try { feeds[name] = new ort.Tensor(a.dtype, a.data, a.shape); } catch (e) { die(3, `input '${name}': ${e.message}`); }
}

let results;
try {
  results = await session.run(feeds);
} catch (e) {
  die(4, `run failed for ${modelPath}: ${e.message}`);
}

mkdirSync(outDir, { recursive: true });
for (const name of session.outputNames) {
  const t = results[name];
  // Non-tensor outputs (sequence/map) come back as other objects; .npy cannot hold them.
  if (!t || t.dims === undefined) die(4, `output '${name}' is not a tensor; cannot write it as .npy`);
  writeNpy(join(outDir, `${sanitize(name)}.npy`), { dtype: t.type, shape: t.dims, data: t.data });
}

if (opt.bench > 0) {
  for (let i = 0; i < 3; i++) await session.run(feeds);
  const ms = [];
  for (let i = 0; i < opt.bench; i++) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  ms.sort((a, b) => a - b);
  const n = ms.length;
  const median = n % 2 ? ms[(n - 1) / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2;
  process.stdout.write(JSON.stringify({ median_ms: Number(median.toFixed(4)), runs: n }) + '\n');
}
await session.release();

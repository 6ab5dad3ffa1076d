// TFLite peer: the classic TFLite interpreter (npm @tensorflow/tfjs-tflite 0.0.1-alpha.10, compiled
// to wasm, XNNPACK on) run under plain Node: MODEL on IN_DIR/<input>.npy, OUT_DIR/<output>.npy.
//   node tflite_run.mjs MODEL IN_DIR OUT_DIR [--threads N] [--bench N] [--no-simd]
//   node tflite_run.mjs MODEL --info [--no-simd]
//   node tflite_run.mjs --serve [--threads N] [--no-simd]
// Input files: IN_DIR/<input name>.npy with every char outside [A-Za-z0-9._-] replaced by '_'
// (as `ferry run` names files; '_' for an empty name), or else IN_DIR/input_<i>.npy with i the
// input's position. Each .npy must have the input's dtype and shape: the interpreter keeps the
// model's stored shapes (a -1 in shape_signature runs as the stored 1). Output files:
// OUT_DIR/<output name>.npy named the same way, in the tensor's own dtype, or
// OUT_DIR/output_<i>.npy when the name would make a file name longer than 255 bytes (seanet's
// tensor names run to 306 characters).
// Every model run builds a fresh interpreter and runs it once, so variable tensors (SVDF and
// LSTM state) start from zero.
// --info: print {"inputs":[{name,file,dtype,shape}],"outputs":[...]} as JSON and exit (dtypes
//   and shapes as TFLite sees them).
// --bench N: after the normal run, 3 warm-ups then N timed runs on the same interpreter;
//   prints {"median_ms":..,"runs":N}.
// --no-simd: the wasm build without SIMD (default: the SIMD build, which made the stored
//   ref_tflite/ and *_tflite_output.npy references; both give the same outputs on the corpus).
// --serve: for test suites, to pay the wasm start-up once: reads one job per stdin line, a JSON
//   array [MODEL, IN_DIR, OUT_DIR], runs it as above with a fresh interpreter and answers one
//   line {"code":C,"message":M} with C the exit code the job would have had alone.
// Exit: 0 ok, 2 usage, 3 TFLite refused the model (fails to load or to prepare: custom ops,
// quantization it rejects, not a model, ...), 4 any other error (missing or mismatched input,
// failed run, unwritable output).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { readNpy, writeNpy } from './npy.mjs';

const USAGE = 'usage: node tflite_run.mjs MODEL IN_DIR OUT_DIR [--threads N] [--bench N] [--no-simd]\n' +
  '       node tflite_run.mjs MODEL --info [--no-simd]\n' +
  '       node tflite_run.mjs --serve [--threads N] [--no-simd]';

class PeerError extends Error {
  constructor(code, message) { super(message); this.code = code; }
}
const fail = (code, msg) => { throw new PeerError(code, msg); };
const die = (code, msg) => { process.stderr.write(`tflite_run: ${msg}\n`); process.exit(code); };
const errText = (e) => (e && e.message ? e.message : String(e));

const sanitize = (name) => name.replace(/[^A-Za-z0-9._-]/g, '_');
const fileFor = (name, kind, i) => {
  const f = `${name === '' ? '_' : sanitize(name)}.npy`;
  return Buffer.byteLength(f) > 255 ? `${kind}_${i}.npy` : f;
};

const pos = [];
const opt = { threads: 1, bench: 0, simd: true, info: false, serve: false };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--threads' || a === '--bench') {
    if (i + 1 >= argv.length) die(2, `${a} needs a value\n${USAGE}`);
    const v = Number(argv[++i]);
    if (!Number.isInteger(v) || v < (a === '--threads' ? 1 : 0)) die(2, `bad ${a} value\n${USAGE}`);
    opt[a.slice(2)] = v;
  } else if (a === '--no-simd') opt.simd = false;
  else if (a === '--info') opt.info = true;
  else if (a === '--serve') opt.serve = true;
  else if (a.startsWith('--')) die(2, `unknown option ${a}\n${USAGE}`);
  else pos.push(a);
}
if (pos.length !== (opt.serve ? 0 : opt.info ? 1 : 3) || (opt.serve && opt.info)) die(2, USAGE);

// ---- the wasm TFLite, loaded without a browser ----
const here = dirname(fileURLToPath(import.meta.url));
const base = join(here, 'node_modules', '@tensorflow', 'tfjs-tflite', 'wasm',
  opt.simd ? 'tflite_web_api_cc_simd' : 'tflite_web_api_cc');
if (!existsSync(`${base}.js`) || !existsSync(`${base}.wasm`)) {
  die(4, `${base}.js/.wasm missing: install the peers (scripts/install-deps.sh, or ` +
      '`npm ci --ignore-scripts` in tests/peers)');
}
const logLines = [];  // what TFLite printed during the current job
// TFLite's own log, for messages: INFO lines dropped, repeats shown once.
const tfliteLog = () => {
  const lines = [...new Set(logLines.map((l) => l.trim()).filter((l) => l && !l.startsWith('INFO:')))];
  if (!lines.length) return '';
  const shown = lines.slice(0, 6).join(' | ');
  return ` (TFLite says: ${shown}${lines.length > 6 ? ` | ... ${lines.length - 6} more` : ''})`;
};

// The glue is an emscripten script meant for a <script> tag: it declares the global
// tflite_web_api_ModuleFactory. Its web build has no Node branch; given wasmBinary it needs
// neither fetch nor a file system. A module that aborted (a wasm trap) is not used again.
let factory = null;
let wasmBytes = null;
let mod = null;
async function getModule() {
  if (mod && !mod.aborted) return mod;
  if (!factory) {
    vm.runInThisContext(readFileSync(`${base}.js`, 'utf8'), { filename: `${base}.js` });
    factory = globalThis.tflite_web_api_ModuleFactory;
    if (typeof factory !== 'function') throw new Error('the glue did not define tflite_web_api_ModuleFactory');
    wasmBytes = readFileSync(`${base}.wasm`);
  }
  const m = await factory({
    wasmBinary: wasmBytes,
    print: (t) => logLines.push(String(t)),
    printErr: (t) => logLines.push(String(t)),
    onAbort: () => { m.aborted = true; },
  });
  mod = m;
  return mod;
}

const shapeOf = (t) => (t.shape === '' ? [] : String(t.shape).split(',').map(Number));
// TFLite dtype names (tfjs-tflite's TFLiteDataType) are npy.mjs's names.
const NPY_TYPES = new Set(['int8', 'uint8', 'bool', 'int16', 'int32', 'uint32', 'float32', 'float64']);

function tensorList(vec) {
  const out = [];
  for (let i = 0; i < vec.size(); i++) out.push(vec.get(i));
  vec.delete();
  return out;
}

// A fresh interpreter on modelPath; f(runner, inputs, outputs), then everything is freed.
function withRunner(m, modelPath, f) {
  let bytes;
  try { bytes = readFileSync(modelPath); } catch (e) { fail(4, `cannot read ${modelPath}: ${e.message}`); }
  const ptr = m._malloc(bytes.length);
  let runner = null;
  let tensors = [];
  try {
    m.HEAPU8.set(bytes, ptr);
    let status;
    try {
      status = m.TFLiteWebModelRunner.CreateFromBufferAndOptions(ptr, bytes.length, {
        numThreads: opt.threads, enableProfiling: false, maxProfilingBufferEntries: 1024,
      });
    } catch (e) {
      fail(3, `TFLite refused ${modelPath}: ${errText(e)}${tfliteLog()}`);
    }
    if (!status || !status.ok()) {
      const why = status ? status.errorMessage() : 'no status';
      fail(3, `TFLite refused ${modelPath}: ${why}${tfliteLog()}`);
    }
    runner = status.value();
    const inputs = tensorList(runner.GetInputs());
    const outputs = tensorList(runner.GetOutputs());
    tensors = [...inputs, ...outputs];
    return f(runner, inputs, outputs);
  } finally {
    if (!m.aborted) {
      for (const t of tensors) if (t.delete) t.delete();
      if (runner) runner.delete();
      m._free(ptr);
    }
  }
}

const describe = (kind) => (t, i) => ({ name: t.name, file: fileFor(t.name, kind, i), dtype: t.dataType, shape: shapeOf(t) });

function writeOutputs(outputs, outDir) {
  const written = new Map();
  for (const [i, t] of outputs.entries()) {
    if (!NPY_TYPES.has(t.dataType)) fail(4, `output '${t.name}' has type ${t.dataType}, which this peer cannot write`);
    const file = fileFor(t.name, 'output', i);
    if (written.has(file)) fail(4, `outputs '${written.get(file)}' and '${t.name}' both map to ${file}`);
    written.set(file, t.name);
    const data = t.data().slice();  // a copy: the wasm heap may move when it grows
    try {
      writeNpy(join(outDir, file), { dtype: t.dataType, shape: shapeOf(t), data });
    } catch (e) {
      fail(4, `cannot write output '${t.name}': ${e.message}`);
    }
  }
}

function runJob(m, modelPath, inDir, outDir, bench = 0) {
  return withRunner(m, modelPath, (runner, inputs, outputs) => {
    for (const [i, t] of inputs.entries()) {
      const named = join(inDir, fileFor(t.name, 'input', i));
      const byPos = join(inDir, `input_${i}.npy`);
      const file = existsSync(named) ? named : existsSync(byPos) ? byPos : null;
      if (!file) fail(4, `missing input ${i} '${t.name}': no file ${named} nor ${byPos}`);
      let a;
      try { a = readNpy(file); } catch (e) { fail(4, `input '${t.name}': ${e.message}`); }
      const want = shapeOf(t);
      if (a.dtype !== t.dataType) {
        fail(4, `input '${t.name}' (${file}): the model wants ${t.dataType}, the file holds ${a.dtype}`);
      }
      if (a.shape.length !== want.length || a.shape.some((d, k) => d !== want[k])) {
        fail(4, `input '${t.name}' (${file}): the model wants shape [${want}], the file holds [${a.shape}]`);
      }
      const view = t.data();
      if (!view || view.length !== a.data.length) {
        fail(4, `input '${t.name}': the interpreter's buffer holds ${view ? view.length : 'no'} elements, the file ${a.data.length}`);
      }
      view.set(a.data);
    }
    let ok;
    try { ok = runner.Infer(); } catch (e) { fail(4, `inference failed on ${modelPath}: ${errText(e)}${tfliteLog()}`); }
    if (!ok) fail(4, `inference failed on ${modelPath}${tfliteLog()}`);

    try { mkdirSync(outDir, { recursive: true }); } catch (e) { fail(4, `cannot create ${outDir}: ${e.message}`); }
    // Infer() may resize a dynamic output (TFLite's IF takes the shape of the
    // branch that ran): fetch the output tensors again to read their final
    // shapes and buffers.
    const final = tensorList(runner.GetOutputs());
    try {
      writeOutputs(final, outDir);
    } finally {
      for (const t of final) if (t.delete) t.delete();
    }

    if (bench > 0) {
      for (let i = 0; i < 3; i++) runner.Infer();
      const ms = [];
      for (let i = 0; i < bench; i++) {
        const t0 = process.hrtime.bigint();
        runner.Infer();
        ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      ms.sort((a, b) => a - b);
      const n = ms.length;
      const median = n % 2 ? ms[(n - 1) / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2;
      process.stdout.write(JSON.stringify({ median_ms: Number(median.toFixed(4)), runs: n }) + '\n');
    }
  });
}

async function job(f) {
  logLines.length = 0;
  let m;
  try { m = await getModule(); } catch (e) { throw new PeerError(4, `cannot start the wasm TFLite interpreter: ${errText(e)}`); }
  try {
    return f(m);
  } catch (e) {
    if (e instanceof PeerError) throw e;
    throw new PeerError(4, `${m.aborted ? 'the wasm interpreter aborted' : 'error'}: ${errText(e)}${tfliteLog()}`);
  }
}

if (opt.serve) {
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line.trim()) continue;
    let answer;
    try {
      const args = JSON.parse(line);
      if (!Array.isArray(args) || args.length !== 3 || !args.every((x) => typeof x === 'string')) {
        throw new PeerError(2, 'a job is a JSON array [MODEL, IN_DIR, OUT_DIR]');
      }
      await job((m) => runJob(m, ...args));
      answer = { code: 0, message: '' };
    } catch (e) {
      answer = e instanceof PeerError ? { code: e.code, message: e.message } : { code: 2, message: `bad job line: ${errText(e)}` };
    }
    process.stdout.write(JSON.stringify(answer) + '\n');
  }
} else {
  try {
    if (opt.info) {
      const info = await job((m) => withRunner(m, pos[0], (_r, inputs, outputs) => (
        { inputs: inputs.map(describe('input')), outputs: outputs.map(describe('output')) })));
      process.stdout.write(JSON.stringify(info) + '\n');
    } else {
      await job((m) => runJob(m, pos[0], pos[1], pos[2], opt.bench));
    }
  } catch (e) {
    if (e instanceof PeerError) die(e.code, e.message);
    die(4, errText(e));
  }
}

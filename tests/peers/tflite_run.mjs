// TFLite peer: the classic TFLite interpreter (npm @tensorflow/tfjs-tflite 0.0.1-alpha.10, compiled
// to wasm, XNNPACK on) run under plain Node: MODEL on IN_DIR/<input>.npy, OUT_DIR/<output>.npy.
//   node tflite_run.mjs MODEL IN_DIR OUT_DIR [--threads N] [--bench N] [--no-simd]
//   node tflite_run.mjs MODEL --info
// Input files: IN_DIR/<input name>.npy with every char outside [A-Za-z0-9._-] replaced by '_'
// (as `ferry run` names files; '_' for an empty name), or else IN_DIR/input_<i>.npy with i the
// input's position. Output files: OUT_DIR/<output name>.npy named the same way, or
// OUT_DIR/output_<i>.npy when the name would make a file name longer than 255 bytes. Each .npy must have the
// input's dtype and shape (the interpreter keeps the model's stored shapes: a -1 in
// shape_signature runs as the stored 1). Outputs are written in the tensor's own dtype.
// Every invocation builds a fresh interpreter and runs it once, so variable tensors (SVDF, LSTM
// state) start from zero.
// --info: print {"inputs":[{name,file,dtype,shape}],"outputs":[...]} as JSON and exit (the
//   dtypes and shapes as TFLite sees them; used to make inputs for a model).
// --bench N: after the normal run, 3 warm-ups then N timed runs on the same interpreter;
//   prints {"median_ms":..,"runs":N}.
// --no-simd: the wasm build without SIMD (default: the SIMD build, which made the stored
//   ref_tflite/ and *_tflite_output.npy references).
// Exit: 0 ok, 2 usage, 3 TFLite refused the model (fails to load or to prepare: custom ops,
// quantization it rejects, ...), 4 any other error (missing or mismatched input, failed run).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { readNpy, writeNpy } from './npy.mjs';

const USAGE = 'usage: node tflite_run.mjs MODEL IN_DIR OUT_DIR [--threads N] [--bench N] [--no-simd]\n' +
  '       node tflite_run.mjs MODEL --info [--no-simd]';
const die = (code, msg) => { process.stderr.write(`tflite_run: ${msg}\n`); process.exit(code); };
const sanitize = (name) => name.replace(/[^A-Za-z0-9._-]/g, '_');
// The file for a tensor: its sanitized name ('_' for an empty name, as `ferry run` does), or,
// when that would pass the 255-byte file-name limit (seanet's tensor names run to 306
// characters), input_<i>.npy / output_<i>.npy by position.
const fileFor = (name, kind, i) => {
  const f = `${name === '' ? '_' : sanitize(name)}.npy`;
  return f.length > 255 ? `${kind}_${i}.npy` : f;
};

const pos = [];
const opt = { threads: 1, bench: 0, simd: true, info: false };
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
  else if (a.startsWith('--')) die(2, `unknown option ${a}\n${USAGE}`);
  else pos.push(a);
}
if (pos.length !== (opt.info ? 1 : 3)) die(2, USAGE);
const [modelPath, inDir, outDir] = pos;

// ---- the wasm TFLite, loaded without a browser ----
const here = dirname(fileURLToPath(import.meta.url));
const wasmDir = join(here, 'node_modules', '@tensorflow', 'tfjs-tflite', 'wasm');
const base = join(wasmDir, opt.simd ? 'tflite_web_api_cc_simd' : 'tflite_web_api_cc');
if (!existsSync(`${base}.js`) || !existsSync(`${base}.wasm`)) {
  die(4, `${base}.js/.wasm missing: install the peers (scripts/install-deps.sh, or ` +
      '`npm ci --ignore-scripts` in tests/peers)');
}

// The glue is an emscripten script meant for a <script> tag: it declares the global
// tflite_web_api_ModuleFactory. Its web build has no Node branch; given wasmBinary it needs
// neither fetch nor a file system.
let mod;
const stderrLines = [];
try {
  vm.runInThisContext(readFileSync(`${base}.js`, 'utf8'), { filename: `${base}.js` });
  // eslint-disable-next-line no-undef
  const factory = globalThis.tflite_web_api_ModuleFactory;
  if (typeof factory !== 'function') throw new Error('the glue did not define tflite_web_api_ModuleFactory');
  mod = await factory({
    wasmBinary: readFileSync(`${base}.wasm`),
    print: (t) => stderrLines.push(String(t)),
    printErr: (t) => stderrLines.push(String(t)),
  });
} catch (e) {
  die(4, `cannot start the wasm TFLite interpreter: ${e && e.message ? e.message : e}`);
}
// TFLite's own log, for messages: INFO lines dropped, repeats shown once.
const tfliteLog = () => {
  const lines = [...new Set(stderrLines.map((l) => l.trim()).filter((l) => l && !l.startsWith('INFO:')))];
  if (!lines.length) return '';
  const shown = lines.slice(0, 6).join(' | ');
  return ` (TFLite says: ${shown}${lines.length > 6 ? ` | ... ${lines.length - 6} more` : ''})`;
};

let modelBytes;
try { modelBytes = readFileSync(modelPath); } catch (e) { die(4, `cannot read ${modelPath}: ${e.message}`); }

// A fresh interpreter on the model bytes. Returns {runner, ptr}; dies with exit 3 on refusal.
function createRunner() {
  const ptr = mod._malloc(modelBytes.length);
  mod.HEAPU8.set(modelBytes, ptr);
  let status;
  try {
    status = mod.TFLiteWebModelRunner.CreateFromBufferAndOptions(ptr, modelBytes.length, {
      numThreads: opt.threads, enableProfiling: false, maxProfilingBufferEntries: 1024,
    });
  } catch (e) {
    die(3, `TFLite refused ${modelPath}: ${e && e.message ? e.message : e}${tfliteLog()}`);
  }
  if (!status || !status.ok()) {
    const why = status ? status.errorMessage() : 'no status';
    die(3, `TFLite refused ${modelPath}: ${why}${tfliteLog()}`);
  }
  return { runner: status.value(), ptr };
}

function tensorList(vec) {
  const out = [];
  for (let i = 0; i < vec.size(); i++) out.push(vec.get(i));
  vec.delete();
  return out;
}

const shapeOf = (t) => (t.shape === '' ? [] : String(t.shape).split(',').map(Number));
// TFLite dtype names (tfjs-tflite's TFLiteDataType) -> npy.mjs names: identical where they exist.
const NPY_TYPES = new Set(['int8', 'uint8', 'bool', 'int16', 'int32', 'uint32', 'float32', 'float64']);

const { runner, ptr: modelPtr } = createRunner();
const inputs = tensorList(runner.GetInputs());
const outputs = tensorList(runner.GetOutputs());
const describe = (kind) => (t, i) => ({ name: t.name, file: fileFor(t.name, kind, i), dtype: t.dataType, shape: shapeOf(t) });

if (opt.info) {
  process.stdout.write(JSON.stringify({ inputs: inputs.map(describe('input')), outputs: outputs.map(describe('output')) }) + '\n');
  process.exit(0);
}

for (const [i, t] of inputs.entries()) {
  const named = join(inDir, fileFor(t.name, 'input', i));
  const byPos = join(inDir, `input_${i}.npy`);
  const file = existsSync(named) ? named : existsSync(byPos) ? byPos : null;
  if (!file) die(4, `missing input ${i} '${t.name}': no file ${named} nor ${byPos}`);
  let a;
  try { a = readNpy(file); } catch (e) { die(4, `input '${t.name}': ${e.message}`); }
  const want = shapeOf(t);
  if (a.dtype !== t.dataType) {
    die(4, `input '${t.name}' (${file}): the model wants ${t.dataType}, the file holds ${a.dtype}`);
  }
  if (a.shape.length !== want.length || a.shape.some((d, k) => d !== want[k])) {
    die(4, `input '${t.name}' (${file}): the model wants shape [${want}], the file holds [${a.shape}]`);
  }
  const view = t.data();
  if (!view || view.length !== a.data.length) {
    die(4, `input '${t.name}': the interpreter's buffer holds ${view ? view.length : 'no'} elements, the file ${a.data.length}`);
  }
  view.set(a.data);
}

let okRun;
try { okRun = runner.Infer(); } catch (e) { die(4, `inference failed on ${modelPath}: ${e && e.message ? e.message : e}${tfliteLog()}`); }
if (!okRun) die(4, `inference failed on ${modelPath}${tfliteLog()}`);

mkdirSync(outDir, { recursive: true });
const written = new Map();
for (const [i, t] of outputs.entries()) {
  if (!NPY_TYPES.has(t.dataType)) die(4, `output '${t.name}' has type ${t.dataType}, which this peer cannot read`);
  const file = fileFor(t.name, 'output', i);
  if (written.has(file)) die(4, `outputs '${written.get(file)}' and '${t.name}' both map to ${file}`);
  written.set(file, t.name);
  const view = t.data();
  // Copy out of the wasm heap: it may move when the heap grows.
  const data = view.slice();
  writeNpy(join(outDir, file), { dtype: t.dataType, shape: shapeOf(t), data: t.dataType === 'bool' ? new Uint8Array(data) : data });
}

if (opt.bench > 0) {
  for (let i = 0; i < 3; i++) runner.Infer();
  const ms = [];
  for (let i = 0; i < opt.bench; i++) {
    const t0 = process.hrtime.bigint();
    runner.Infer();
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  ms.sort((a, b) => a - b);
  const n = ms.length;
  const median = n % 2 ? ms[(n - 1) / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2;
  process.stdout.write(JSON.stringify({ median_ms: Number(median.toFixed(4)), runs: n }) + '\n');
}
for (const t of [...inputs, ...outputs]) if (t.delete) t.delete();
runner.delete();
mod._free(modelPtr);

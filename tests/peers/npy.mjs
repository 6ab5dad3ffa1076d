// NumPy .npy reader/writer for the test peers (no dependencies, Node >= 18).
// Reads format 1.0/2.0/3.0, writes 1.0 (2.0 only if the header would not fit).
// Little-endian, C order only. Arrays are {dtype, shape, data} where dtype uses
// onnxruntime's names: float16 data is a Uint16Array of raw bits, bool a Uint8Array,
// int64/uint64 BigInt64Array/BigUint64Array, string an Array of JS strings ('<U').
import { readFileSync, writeFileSync } from 'node:fs';

// numpy descr (without byte-order char) -> [dtype name, TypedArray, itemsize]
const DESCR = {
  f4: ['float32', Float32Array, 4], f8: ['float64', Float64Array, 8], f2: ['float16', Uint16Array, 2],
  i1: ['int8', Int8Array, 1], u1: ['uint8', Uint8Array, 1], i2: ['int16', Int16Array, 2],
  u2: ['uint16', Uint16Array, 2], i4: ['int32', Int32Array, 4], u4: ['uint32', Uint32Array, 4],
  i8: ['int64', BigInt64Array, 8], u8: ['uint64', BigUint64Array, 8], b1: ['bool', Uint8Array, 1],
};
const BY_NAME = Object.fromEntries(Object.entries(DESCR).map(([k, v]) => [v[0], [k, v[1], v[2]]]));
const MAGIC = '\x93NUMPY';

// Single-byte types have byte order '|'; the rest must be little-endian ('<', or '=' on this x86/arm LE host).
function parseDescr(descr, file) {
  const m = /^([<>|=])([a-zA-Z])(\d+)$/.exec(descr);
  if (!m) throw new Error(`${file}: unsupported npy dtype ${JSON.stringify(descr)} (structured dtypes are not supported)`);
  const [, order, kind, size] = m;
  if (order === '>' && size !== '1') throw new Error(`${file}: big-endian dtype '${descr}' is not supported; save little-endian`);
  if (kind === 'U') return { dtype: 'string', chars: Number(size) };
  const t = DESCR[kind + size];
  if (!t) throw new Error(`${file}: unsupported npy dtype '${descr}'`);
  return { dtype: t[0], ctor: t[1], itemsize: t[2] };
}

export function parseNpy(buf, file = '<buffer>') {
  if (buf.length < 10 || buf.toString('latin1', 0, 6) !== MAGIC) throw new Error(`${file}: not a .npy file (bad magic)`);
  const major = buf[6];
  let hlen, off;
  if (major === 1) { hlen = buf.readUInt16LE(8); off = 10; }
  else if (major === 2 || major === 3) { hlen = buf.readUInt32LE(8); off = 12; }
  else throw new Error(`${file}: unsupported .npy format version ${major}.${buf[7]}`);
  if (off + hlen > buf.length) throw new Error(`${file}: truncated .npy header`);
  const header = buf.toString(major === 3 ? 'utf8' : 'latin1', off, off + hlen);
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header);
  const shapeM = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shapeM) throw new Error(`${file}: cannot parse .npy header ${JSON.stringify(header.trim())}`);
  if (fortran[1] === 'True') throw new Error(`${file}: fortran_order=True is not supported; save with numpy.ascontiguousarray`);
  const shape = shapeM[1].split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const t = parseDescr(descr[1], file);
  const start = off + hlen;
  const itemsize = t.dtype === 'string' ? 4 * t.chars : t.itemsize;
  if (buf.length - start < count * itemsize) {
    throw new Error(`${file}: data too short: ${buf.length - start} bytes for shape [${shape}] of ${t.dtype}`);
  }
  if (t.dtype === 'string') {  // UTF-32LE, NUL-padded to the fixed width
    const data = [];
    for (let i = 0; i < count; i++) {
      let s = '';
      for (let c = 0; c < t.chars; c++) {
        const cp = buf.readUInt32LE(start + (i * t.chars + c) * 4);
        if (cp === 0) break;
        s += String.fromCodePoint(cp);
      }
      data.push(s);
    }
    return { dtype: 'string', shape, data };
  }
  // Copy: the data offset need not be aligned for the TypedArray.
  const bytes = new Uint8Array(buf.subarray(start, start + count * itemsize));
  return { dtype: t.dtype, shape, data: new t.ctor(bytes.buffer, 0, count) };
}

export function readNpy(path) {
  return parseNpy(readFileSync(path), path);
}

function headerBlock(descr, shape, major) {
  const shp = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let h = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shp}, }`;
  const pre = major === 1 ? 10 : 12;
  h += ' '.repeat(63 - ((pre + h.length) % 64)) + '\n';  // total header size a multiple of 64
  const out = Buffer.alloc(pre + h.length);
  out.write(MAGIC, 0, 'latin1');
  out[6] = major; out[7] = 0;
  if (major === 1) out.writeUInt16LE(h.length, 8); else out.writeUInt32LE(h.length, 8);
  out.write(h, pre, 'latin1');
  return out;
}

// Serialize {dtype, shape, data}; data may be any array-like of the right element count.
export function formatNpy({ dtype, shape, data }) {
  shape = Array.from(shape, Number);
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count) throw new Error(`npy: ${data.length} elements for shape [${shape}]`);
  let descr, body;
  if (dtype === 'string') {
    const strs = Array.from(data, String);
    const chars = Math.max(1, ...strs.map((s) => [...s].length));
    descr = `<U${chars}`;
    body = Buffer.alloc(count * chars * 4);
    strs.forEach((s, i) => [...s].forEach((ch, c) => body.writeUInt32LE(ch.codePointAt(0), (i * chars + c) * 4)));
  } else {
    const t = BY_NAME[dtype];
    if (!t) throw new Error(`npy: cannot write dtype '${dtype}'`);
    descr = (t[2] === 1 ? '|' : '<') + t[0];
    const arr = data instanceof t[1] ? data : t[1].from(data);
    body = Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength);
  }
  let head = headerBlock(descr, shape, 1);
  if (head.length - 10 > 0xffff) head = headerBlock(descr, shape, 2);
  return Buffer.concat([head, body]);
}

export function writeNpy(path, arr) {
  writeFileSync(path, formatNpy(arr));
}

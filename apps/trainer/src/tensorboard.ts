import { appendFileSync, mkdirSync, existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

// TensorBoard reads TFRecord files of tf.Event protos. We write them by hand (no TF needed):
// record = len(u64 LE) | masked_crc32c(len) | data | masked_crc32c(data); Event proto fields:
// wall_time (1, double), step (2, int64), file_version (3, string), summary (5, Summary);
// Summary.value (1, Value{ tag (1, string), simple_value (2, float) }).

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

function crc32c(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = (CRC_TABLE[(c ^ (buf[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function maskedCrc(buf: Uint8Array): number {
  const c = crc32c(buf);
  return ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

function varint(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

function field(num: number, wire: number): number[] {
  return varint((num << 3) | wire);
}

function lenDelimited(num: number, bytes: Uint8Array | number[]): number[] {
  return [...field(num, 2), ...varint(bytes.length), ...bytes];
}

function encodeEvent(wallTime: number, step: number, body: number[]): Uint8Array {
  const wt = new Uint8Array(8);
  new DataView(wt.buffer).setFloat64(0, wallTime, true);
  return new Uint8Array([...field(1, 1), ...wt, ...field(2, 0), ...varint(step), ...body]);
}

function record(data: Uint8Array): Uint8Array {
  const len = new Uint8Array(8);
  new DataView(len.buffer).setBigUint64(0, BigInt(data.length), true);
  const out = new Uint8Array(8 + 4 + data.length + 4);
  const dv = new DataView(out.buffer);
  out.set(len, 0);
  dv.setUint32(8, maskedCrc(len), true);
  out.set(data, 12);
  dv.setUint32(12 + data.length, maskedCrc(data), true);
  return out;
}

/** Appends scalar summaries to a TensorBoard event file (`events.out.tfevents.*`) in `dir`. */
export class TensorBoardWriter {
  readonly path: string;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, `events.out.tfevents.${Math.floor(Date.now() / 1000)}.${hostname()}`);
    if (!existsSync(this.path)) {
      const version = new TextEncoder().encode('brain.Event:2');
      appendFileSync(this.path, record(encodeEvent(Date.now() / 1000, 0, lenDelimited(3, version))));
    }
  }

  /** Writes one scalar per tag at `step`. */
  scalars(step: number, values: Record<string, number>): void {
    const enc = new TextEncoder();
    const summaryValues: number[] = [];
    for (const [tag, value] of Object.entries(values)) {
      const f = new Uint8Array(4);
      new DataView(f.buffer).setFloat32(0, value, true);
      summaryValues.push(...lenDelimited(1, [...lenDelimited(1, enc.encode(tag)), ...field(2, 5), ...f]));
    }
    appendFileSync(this.path, record(encodeEvent(Date.now() / 1000, step, lenDelimited(5, summaryValues))));
  }
}

/** Reads back the scalars of an event file (used by tests and the report). */
export function readTensorBoardScalars(path: string, data: Uint8Array): { step: number; tag: string; value: number }[] {
  const out: { step: number; tag: string; value: number }[] = [];
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let off = 0;
  while (off + 12 <= data.length) {
    const len = Number(dv.getBigUint64(off, true));
    const body = data.subarray(off + 12, off + 12 + len);
    if (maskedCrc(body) !== dv.getUint32(off + 12 + len, true)) throw new Error(`${path}: bad CRC at byte ${off}`);
    off += 16 + len;
    // Minimal proto walk: find step (field 2) and summary (field 5).
    let p = 0;
    let step = 0;
    const readVarint = (buf: Uint8Array): number => {
      let r = 0n;
      let shift = 0n;
      for (;;) {
        const b = buf[p++] as number;
        r |= BigInt(b & 0x7f) << shift;
        if (!(b & 0x80)) break;
        shift += 7n;
      }
      return Number(r);
    };
    while (p < body.length) {
      const key = readVarint(body);
      const num = key >>> 3;
      const wire = key & 7;
      if (wire === 1) p += 8;
      else if (wire === 0) {
        const v = readVarint(body);
        if (num === 2) step = v;
      } else if (wire === 2) {
        const l = readVarint(body);
        const sub = body.subarray(p, p + l);
        p += l;
        if (num === 5) {
          let q = 0;
          while (q < sub.length) {
            q++; // tag of Summary.value (field 1, wire 2)
            let vl = 0;
            let shift = 0;
            for (;;) {
              const b = sub[q++] as number;
              vl |= (b & 0x7f) << shift;
              if (!(b & 0x80)) break;
              shift += 7;
            }
            const val = sub.subarray(q, q + vl);
            q += vl;
            let r = 0;
            let tag = '';
            let value = Number.NaN;
            while (r < val.length) {
              const k = val[r++] as number;
              if (k === 0x0a) {
                const tl = val[r++] as number;
                tag = new TextDecoder().decode(val.subarray(r, r + tl));
                r += tl;
              } else if (k === 0x15) {
                value = new DataView(val.buffer, val.byteOffset + r, 4).getFloat32(0, true);
                r += 4;
              } else break;
            }
            out.push({ step, tag, value });
          }
        }
      } else if (wire === 5) p += 4;
      else break;
    }
  }
  return out;
}

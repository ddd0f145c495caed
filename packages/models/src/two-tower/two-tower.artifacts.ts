import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelsError } from '../errors';
import type { TwoTowerConfig } from './two-tower.config';
import type { TwoTowerWeights } from './two-tower.model';

/** Everything inference needs, as plain JSON values and typed arrays (no tensors). */
export interface TwoTowerArtifacts {
  /** What the items are (`artist`, `track`, ...): data, not a code branch. */
  itemKind: string;
  /** Width of the saved tables: members × the width of one member. */
  dim: number;
  /** Seed-ensemble members stored side by side along `dim` (absent = 1, a single model). */
  members?: number;
  config: TwoTowerConfig;
  /** Raw id of each user index / item index (as in the source data). */
  userIds: readonly string[];
  itemIds: readonly string[];
  /** Optional display names of the items. */
  itemNames?: readonly string[];
  userFeatureNames: readonly string[];
  itemFeatureNames: readonly string[];
  weights: TwoTowerWeights;
  /** float32 [nUsers · userFeatureNames.length] (empty without user features). */
  userFeatures: Float32Array;
  /** float32 [nItems · itemFeatureNames.length]. */
  itemFeatures: Float32Array;
  /** Training history (CSR user → items) for masking and "because you played" explanations. */
  historyPtr: Int32Array;
  historyItems: Int32Array;
  /** Anything else worth keeping (fitted feature vocabularies, metrics). */
  metadata?: Record<string, unknown>;
}

const ARRAYS = ['userTable', 'itemTable', 'userProj', 'itemProj', 'userFeatures', 'itemFeatures', 'historyPtr', 'historyItems'] as const;
type ArrayName = (typeof ARRAYS)[number];

function arraysOf(a: TwoTowerArtifacts): Record<ArrayName, Float32Array | Int32Array> {
  return { ...a.weights, userFeatures: a.userFeatures, itemFeatures: a.itemFeatures, historyPtr: a.historyPtr, historyItems: a.historyItems };
}

function writeAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Saves two-tower artifacts into `dir`: `weights.bin` (all arrays, little-endian), `model.json`
 * (a TensorFlow.js weights manifest describing them, so tfjs `loadWeights` reads it too) and
 * `two-tower.json` (ids, feature names, config, metadata). Each file goes through a temp file
 * and a rename, weights first.
 *
 * @param dir - directory (created if missing)
 * @param artifacts - {@link TwoTowerArtifacts}
 * @example
 * ```ts
 * saveTwoTower('artifacts/models/two-tower-lastfm/run', artifacts);
 * ```
 */
export function saveTwoTower(dir: string, artifacts: TwoTowerArtifacts): void {
  mkdirSync(dir, { recursive: true });
  const arrays = arraysOf(artifacts);
  const total = ARRAYS.reduce((s, n) => s + arrays[n].byteLength, 0);
  const bin = new Uint8Array(total);
  const specs: { name: string; shape: number[]; dtype: 'float32' | 'int32' }[] = [];
  let off = 0;
  for (const name of ARRAYS) {
    const a = arrays[name];
    bin.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), off);
    off += a.byteLength;
    specs.push({ name, shape: [a.length], dtype: a instanceof Int32Array ? 'int32' : 'float32' });
  }
  const { weights: _w, userFeatures: _uf, itemFeatures: _if, historyPtr: _hp, historyItems: _hi, ...meta } = artifacts;
  writeAtomic(join(dir, 'weights.bin'), bin);
  writeAtomic(join(dir, 'model.json'), JSON.stringify({ format: 'tunekit-two-tower', generatedBy: '@tunekit/models', weightsManifest: [{ paths: ['./weights.bin'], weights: specs }] }));
  writeAtomic(join(dir, 'two-tower.json'), JSON.stringify({ format: 'tunekit-two-tower/1', ...meta }));
}

/**
 * Loads artifacts written by {@link saveTwoTower}, in plain TypeScript (no TensorFlow.js).
 *
 * @param dir - directory holding `model.json`, `weights.bin`, `two-tower.json`
 * @returns {@link TwoTowerArtifacts}
 * @throws ModelsError `ARTIFACT_NOT_FOUND` or `ARTIFACT_CORRUPT` when a file is missing, of another format, or the
 *   weights do not match the manifest (names the file and the array)
 * @example
 * ```ts
 * const model = loadTwoTower('artifacts/models/two-tower-lastfm/latest');
 * ```
 */
export function loadTwoTower(dir: string): TwoTowerArtifacts {
  const read = (name: string): Buffer => {
    try {
      return readFileSync(join(dir, name));
    } catch (err) {
      throw new ModelsError('ARTIFACT_NOT_FOUND', `Cannot read ${join(dir, name)}: ${(err as Error).message}. Train first (nx run trainer:train) or point at a run directory.`, { cause: err, context: { path: join(dir, name) } });
    }
  };
  const meta = JSON.parse(read('two-tower.json').toString('utf8')) as Omit<TwoTowerArtifacts, 'weights' | 'userFeatures' | 'itemFeatures' | 'historyPtr' | 'historyItems'> & { format?: string };
  if (meta.format !== 'tunekit-two-tower/1') throw new ModelsError('ARTIFACT_CORRUPT', `${join(dir, 'two-tower.json')}: format is "${String(meta.format)}", expected "tunekit-two-tower/1".`, { context: { path: dir } });
  const manifest = JSON.parse(read('model.json').toString('utf8')) as { weightsManifest?: { weights: { name: string; shape: number[]; dtype: string }[] }[] };
  const specs = manifest.weightsManifest?.[0]?.weights ?? [];
  const bin = read('weights.bin');
  const buf = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
  const out: Partial<Record<ArrayName, Float32Array | Int32Array>> = {};
  let off = 0;
  for (const s of specs) {
    const n = s.shape.reduce((p, d) => p * d, 1);
    if (off + n * 4 > buf.byteLength) throw new ModelsError('ARTIFACT_CORRUPT', `${join(dir, 'weights.bin')} is shorter than model.json describes (array "${s.name}"). Re-save the model.`, { context: { path: dir, weight: s.name } });
    out[s.name as ArrayName] = s.dtype === 'int32' ? new Int32Array(buf, off, n) : new Float32Array(buf, off, n);
    off += n * 4;
  }
  const f32 = (name: ArrayName): Float32Array => {
    const a = out[name];
    if (!(a instanceof Float32Array)) throw new ModelsError('ARTIFACT_CORRUPT', `${join(dir, 'model.json')} has no float32 array "${name}".`, { context: { path: dir, weight: name } });
    return a;
  };
  const i32 = (name: ArrayName): Int32Array => {
    const a = out[name];
    if (!(a instanceof Int32Array)) throw new ModelsError('ARTIFACT_CORRUPT', `${join(dir, 'model.json')} has no int32 array "${name}".`, { context: { path: dir, weight: name } });
    return a;
  };
  const { format: _f, ...rest } = meta;
  const art: TwoTowerArtifacts = {
    ...rest,
    weights: { userTable: f32('userTable'), itemTable: f32('itemTable'), userProj: f32('userProj'), itemProj: f32('itemProj') },
    userFeatures: f32('userFeatures'),
    itemFeatures: f32('itemFeatures'),
    historyPtr: i32('historyPtr'),
    historyItems: i32('historyItems'),
  };
  const members = art.members ?? 1;
  if (!(Number.isInteger(members) && members >= 1 && art.dim % members === 0)) {
    throw new ModelsError('ARTIFACT_CORRUPT', `${join(dir, 'two-tower.json')}: members ${String(art.members)} must be a positive integer dividing dim ${art.dim}. Re-save the model.`, { context: { path: dir } });
  }
  if (art.weights.itemTable.length !== (art.itemIds.length + 1) * art.dim) {
    throw new ModelsError('ARTIFACT_CORRUPT', `${dir}: itemTable holds ${art.weights.itemTable.length} values, expected (${art.itemIds.length} + 1) × ${art.dim}.`, { context: { path: dir } });
  }
  return art;
}

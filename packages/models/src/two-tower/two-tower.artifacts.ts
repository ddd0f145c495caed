import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelsError } from '../errors';
import type { TwoTowerConfig } from './two-tower.config';
import type { TwoTowerWeights } from './two-tower.model';
import type { EntityFeature } from './entity-feature';
import { flattenMlp, mlpInputs, unflattenMlp, type TowerMlpWeights } from './tower-mlp';
import { writeAtomic } from '../fs-atomic';

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
  /** Entity features of the users (ids per training user; tables in `weights.userEntityTables`). */
  userEntities?: readonly EntityFeature[];
  /** Entity features of the items (ids per item; tables in `weights.itemEntityTables`). */
  itemEntities?: readonly EntityFeature[];
  /** Anything else worth keeping (fitted feature vocabularies, metrics). */
  metadata?: Record<string, unknown>;
}

const ARRAYS = ['userTable', 'itemTable', 'userProj', 'itemProj', 'userFeatures', 'itemFeatures', 'historyPtr', 'historyItems'] as const;
type ArrayName = (typeof ARRAYS)[number];
const FORMAT_LINEAR = 'tunekit-two-tower/1';
const FORMAT_V2 = 'tunekit-two-tower/2';

interface NamedArray {
  name: string;
  shape: number[];
  data: Float32Array | Int32Array;
}

/** Every array of the artifacts: the eight of format 1, then MLPs and entity tables / ids. */
function arraysOf(a: TwoTowerArtifacts): NamedArray[] {
  const base: Record<ArrayName, Float32Array | Int32Array> = { userTable: a.weights.userTable, itemTable: a.weights.itemTable, userProj: a.weights.userProj, itemProj: a.weights.itemProj, userFeatures: a.userFeatures, itemFeatures: a.itemFeatures, historyPtr: a.historyPtr, historyItems: a.historyItems };
  const out: NamedArray[] = ARRAYS.map((name) => ({ name, shape: [base[name].length], data: base[name] }));
  for (const side of ['user', 'item'] as const) {
    const mlps: TowerMlpWeights[] = (side === 'user' ? a.weights.userMlp : a.weights.itemMlp) ?? [];
    mlps.forEach((m, k) => out.push(...flattenMlp(`${side}Mlp.${k}`, m)));
    const tables = (side === 'user' ? a.weights.userEntityTables : a.weights.itemEntityTables) ?? [];
    const entities = (side === 'user' ? a.userEntities : a.itemEntities) ?? [];
    entities.forEach((e, k) => {
      out.push({ name: `${side}Entity.${k}.ids`, shape: [e.ids.length], data: e.ids });
      const t = tables[k];
      if (t) out.push({ name: `${side}Entity.${k}.table`, shape: [e.cardinality + 1, t.length / (e.cardinality + 1)], data: t });
    });
  }
  return out;
}

function isLinearOnly(a: TwoTowerArtifacts): boolean {
  const w = a.weights;
  return !w.userMlp && !w.itemMlp && !w.userEntityTables && !w.itemEntityTables && !a.userEntities && !a.itemEntities;
}

/**
 * Saves two-tower artifacts into `dir`: `weights.bin` (all arrays, little-endian), `model.json`
 * (a TensorFlow.js weights manifest describing them, so tfjs `loadWeights` reads it too) and
 * `two-tower.json` (ids, feature names, entity specs, config, metadata). Linear models without
 * entity features are written exactly as before (format `tunekit-two-tower/1`); feature MLPs
 * (`<side>Mlp.<member>.h<k>.kernel|bias|gamma|beta|movingMean|movingVariance|epsilon`,
 * `.out.kernel|bias`) and entity ids / tables (`<side>Entity.<k>.ids|table`) make it format 2.
 * Each file goes through a temp file and a rename, weights first.
 *
 * @param dir - directory (created if missing)
 * @param artifacts - {@link TwoTowerArtifacts}
 * @throws ModelsError `INVALID_INPUT` when entity tables and entity specs do not match
 * @example
 * ```ts
 * saveTwoTower('artifacts/models/two-tower-lastfm/run', artifacts);
 * ```
 */
export function saveTwoTower(dir: string, artifacts: TwoTowerArtifacts): void {
  for (const side of ['user', 'item'] as const) {
    const tables = (side === 'user' ? artifacts.weights.userEntityTables : artifacts.weights.itemEntityTables) ?? [];
    const entities = (side === 'user' ? artifacts.userEntities : artifacts.itemEntities) ?? [];
    if (tables.length !== entities.length) {
      throw new ModelsError('INVALID_INPUT', `saveTwoTower: the ${side} side has ${tables.length} entity tables but ${entities.length} entity features; pass ${side}Entities (name, ids, cardinality) with the weights.`, { context: { side } });
    }
  }
  mkdirSync(dir, { recursive: true });
  const arrays = arraysOf(artifacts);
  const total = arrays.reduce((s, a) => s + a.data.byteLength, 0);
  const bin = new Uint8Array(total);
  const specs: { name: string; shape: number[]; dtype: 'float32' | 'int32' }[] = [];
  let off = 0;
  for (const { name, shape, data } of arrays) {
    bin.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), off);
    off += data.byteLength;
    specs.push({ name, shape, dtype: data instanceof Int32Array ? 'int32' : 'float32' });
  }
  const { weights: _w, userFeatures: _uf, itemFeatures: _if, historyPtr: _hp, historyItems: _hi, userEntities, itemEntities, ...meta } = artifacts;
  const spec = (es: readonly EntityFeature[] | undefined) => es?.map((e) => ({ name: e.name, cardinality: e.cardinality, ...(e.values ? { values: e.values } : {}) }));
  const linear = isLinearOnly(artifacts);
  writeAtomic(join(dir, 'weights.bin'), bin);
  writeAtomic(join(dir, 'model.json'), JSON.stringify({ format: 'tunekit-two-tower', generatedBy: '@tunekit/models', weightsManifest: [{ paths: ['./weights.bin'], weights: specs }] }));
  writeAtomic(
    join(dir, 'two-tower.json'),
    JSON.stringify(linear ? { format: FORMAT_LINEAR, ...meta } : { format: FORMAT_V2, ...meta, ...(userEntities ? { userEntities: spec(userEntities) } : {}), ...(itemEntities ? { itemEntities: spec(itemEntities) } : {}) }),
  );
}

type EntitySpec = { name: string; cardinality: number; values?: string[] };

/**
 * Loads artifacts written by {@link saveTwoTower}, in plain TypeScript (no TensorFlow.js). Format 1
 * (linear towers) and format 2 (feature MLPs with batch-norm statistics, entity tables) both load;
 * absent MLP arrays mean the linear projection.
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
  const meta = JSON.parse(read('two-tower.json').toString('utf8')) as Omit<TwoTowerArtifacts, 'weights' | 'userFeatures' | 'itemFeatures' | 'historyPtr' | 'historyItems' | 'userEntities' | 'itemEntities'> & {
    format?: string;
    userEntities?: EntitySpec[];
    itemEntities?: EntitySpec[];
  };
  if (meta.format !== FORMAT_LINEAR && meta.format !== FORMAT_V2) throw new ModelsError('ARTIFACT_CORRUPT', `${join(dir, 'two-tower.json')}: format is "${String(meta.format)}", expected "${FORMAT_LINEAR}" or "${FORMAT_V2}".`, { context: { path: dir } });
  const manifest = JSON.parse(read('model.json').toString('utf8')) as { weightsManifest?: { weights: { name: string; shape: number[]; dtype: string }[] }[] };
  const specs = manifest.weightsManifest?.[0]?.weights ?? [];
  const bin = read('weights.bin');
  const buf = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
  const out = new Map<string, { shape: number[]; data: Float32Array | Int32Array }>();
  let off = 0;
  for (const s of specs) {
    const n = s.shape.reduce((p, d) => p * d, 1);
    if (off + n * 4 > buf.byteLength) throw new ModelsError('ARTIFACT_CORRUPT', `${join(dir, 'weights.bin')} is shorter than model.json describes (array "${s.name}"). Re-save the model.`, { context: { path: dir, weight: s.name } });
    out.set(s.name, { shape: s.shape, data: s.dtype === 'int32' ? new Int32Array(buf, off, n) : new Float32Array(buf, off, n) });
    off += n * 4;
  }
  const f32 = (name: string): Float32Array => {
    const a = out.get(name)?.data;
    if (!(a instanceof Float32Array)) throw new ModelsError('ARTIFACT_CORRUPT', `${join(dir, 'model.json')} has no float32 array "${name}".`, { context: { path: dir, weight: name } });
    return a;
  };
  const i32 = (name: string): Int32Array => {
    const a = out.get(name)?.data;
    if (!(a instanceof Int32Array)) throw new ModelsError('ARTIFACT_CORRUPT', `${join(dir, 'model.json')} has no int32 array "${name}".`, { context: { path: dir, weight: name } });
    return a;
  };
  const { format: _f, userEntities: ue, itemEntities: ie, ...rest } = meta;
  const weights: TwoTowerWeights = { userTable: f32('userTable'), itemTable: f32('itemTable'), userProj: f32('userProj'), itemProj: f32('itemProj') };
  const art: TwoTowerArtifacts = { ...rest, weights, userFeatures: f32('userFeatures'), itemFeatures: f32('itemFeatures'), historyPtr: i32('historyPtr'), historyItems: i32('historyItems') };
  const members = art.members ?? 1;
  if (!(Number.isInteger(members) && members >= 1 && art.dim % members === 0)) {
    throw new ModelsError('ARTIFACT_CORRUPT', `${join(dir, 'two-tower.json')}: members ${String(art.members)} must be a positive integer dividing dim ${art.dim}. Re-save the model.`, { context: { path: dir } });
  }
  if (art.weights.itemTable.length !== (art.itemIds.length + 1) * art.dim) {
    throw new ModelsError('ARTIFACT_CORRUPT', `${dir}: itemTable holds ${art.weights.itemTable.length} values, expected (${art.itemIds.length} + 1) × ${art.dim}.`, { context: { path: dir } });
  }
  const getF32 = (name: string): { shape: number[]; data: Float32Array } | undefined => {
    const a = out.get(name);
    return a && a.data instanceof Float32Array ? { shape: a.shape, data: a.data } : undefined;
  };
  for (const side of ['user', 'item'] as const) {
    const mlps: TowerMlpWeights[] = [];
    for (let m = 0; ; m++) {
      const mlp = unflattenMlp(`${side}Mlp.${m}`, getF32, join(dir, 'weights.bin'));
      if (!mlp) break;
      const features = side === 'user' ? art.userFeatureNames.length : art.itemFeatureNames.length;
      if (mlpInputs(mlp) !== features || mlp.output.units * members !== art.dim) {
        throw new ModelsError('ARTIFACT_CORRUPT', `${dir}: ${side} MLP ${m} maps ${mlpInputs(mlp)} inputs to ${mlp.output.units}, expected ${features} feature columns to dim ${art.dim} / ${members} members. Re-save the model.`, { context: { path: dir, weight: `${side}Mlp.${m}` } });
      }
      mlps.push(mlp);
    }
    if (mlps.length > 0 && mlps.length !== members) throw new ModelsError('ARTIFACT_CORRUPT', `${dir}: ${mlps.length} ${side} MLPs for ${members} ensemble members. Re-save the model.`, { context: { path: dir } });
    if (mlps.length > 0) weights[side === 'user' ? 'userMlp' : 'itemMlp'] = mlps;
    const specs = (side === 'user' ? ue : ie) ?? [];
    if (specs.length === 0) continue;
    const rows = side === 'user' ? art.userIds.length : art.itemIds.length;
    const entities: EntityFeature[] = [];
    const tables: Float32Array[] = [];
    specs.forEach((e, k) => {
      const ids = i32(`${side}Entity.${k}.ids`);
      const table = f32(`${side}Entity.${k}.table`);
      if (ids.length !== rows || table.length !== (e.cardinality + 1) * art.dim) {
        throw new ModelsError('ARTIFACT_CORRUPT', `${dir}: ${side} entity "${e.name}" has ${ids.length} ids for ${rows} rows and a table of ${table.length} values, expected (${e.cardinality} + 1) × ${art.dim}. Re-save the model.`, { context: { path: dir, weight: `${side}Entity.${k}` } });
      }
      entities.push({ name: e.name, cardinality: e.cardinality, ids, ...(e.values ? { values: e.values } : {}) });
      tables.push(table);
    });
    if (side === 'user') {
      art.userEntities = entities;
      weights.userEntityTables = tables;
    } else {
      art.itemEntities = entities;
      weights.itemEntityTables = tables;
    }
  }
  return art;
}

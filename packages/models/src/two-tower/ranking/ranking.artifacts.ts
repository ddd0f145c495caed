import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelsError } from '../../errors';
import type { CompatibilityState } from './compatibility-features';
import { rankingConfigSchema } from './ranking.config';
import type { Ranker, TowerVectors } from './ranking.model';
import { writeAtomic } from '../../fs-atomic';

/** File names of a saved ranker (distinct from the retrieval model's, so both can share a run directory). */
export const RANKER_JSON = 'ranker.json';
export const RANKER_BIN = 'ranker.bin';
const FORMAT = 'tunekit-ranker/1';

type Arr = Float32Array | Float64Array | Int32Array | Uint8Array;
const DTYPES = { float32: Float32Array, float64: Float64Array, int32: Int32Array, uint8: Uint8Array } as const;
type DType = keyof typeof DTYPES;
interface ArraySpec {
  name: string;
  dtype: DType;
  length: number;
  offset: number;
}

const COMPAT_ARRAYS = [
  'userAudio',
  'itemAudio',
  'globalAudio',
  'itemGenre',
  'genreCounts',
  'userAgeGroup',
  'ageGenreCounts',
  'userCountry',
  'countryGenreCounts',
  'userGenrePtr',
  'userGenreIds',
  'userGenreCounts',
  'userPlays',
  'itemYear',
  'itemYearKnown',
  'itemPopularity',
] as const satisfies readonly (keyof CompatibilityState)[];

function dtypeOf(a: Arr): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  return 'uint8';
}

/** Options of {@link saveRanker}. */
export interface SaveRankerOptions {
  /**
   * Store the tower vectors too (default true). Set false when the retrieval artifacts beside it
   * already hold them; {@link loadRanker} then needs them passed in.
   */
  includeTowers?: boolean;
  /** Extra JSON kept with the ranker (history, metrics, data hash …). */
  metadata?: Record<string, unknown>;
}

/**
 * Saves a ranker into `dir` as `ranker.bin` (every typed array, little-endian, 8-byte aligned)
 * and `ranker.json` (format, config, layer shapes, compatibility scalars, the array manifest and
 * metadata). Each file is written to a temp path and renamed, the binary first, so a reader never
 * sees a manifest without its data.
 *
 * @param dir - directory (created if missing; may be the retrieval model's run directory)
 * @param ranker - a {@link Ranker} (e.g. a `RankerFit`)
 * @param options - {@link SaveRankerOptions}
 * @example
 * ```ts
 * saveRanker(ctx.runDir, fit, { includeTowers: false, metadata: { history: fit.history } });
 * ```
 */
export function saveRanker(dir: string, ranker: Ranker, options: SaveRankerOptions = {}): void {
  mkdirSync(dir, { recursive: true });
  const includeTowers = options.includeTowers ?? true;
  const arrays: [string, Arr][] = [
    ['head.mean', ranker.head.mean],
    ['head.std', ranker.head.std],
  ];
  ranker.head.layers.forEach((l, k) => arrays.push([`layer${k}.weights`, l.weights], [`layer${k}.bias`, l.bias]));
  if (includeTowers) arrays.push(['towers.userVectors', ranker.towers.userVectors], ['towers.itemVectors', ranker.towers.itemVectors]);
  const c = ranker.compatibility;
  if (c) for (const name of COMPAT_ARRAYS) arrays.push([`compatibility.${name}`, c[name]]);
  const specs: ArraySpec[] = [];
  let off = 0;
  for (const [name, a] of arrays) {
    off = Math.ceil(off / 8) * 8;
    specs.push({ name, dtype: dtypeOf(a), length: a.length, offset: off });
    off += a.byteLength;
  }
  const bin = new Uint8Array(off);
  arrays.forEach(([, a], k) => bin.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), specs[k]!.offset));
  const compatibility = c
    ? {
        nUsers: c.nUsers,
        nItems: c.nItems,
        names: c.names,
        audioNames: c.audioNames,
        nGenres: c.nGenres,
        genrePlays: c.genrePlays,
        nAgeGroups: c.nAgeGroups,
        nCountries: c.nCountries,
        referenceYear: Number.isFinite(c.referenceYear) ? c.referenceYear : null,
        newReleaseYears: c.newReleaseYears,
        minSupport: c.minSupport,
      }
    : null;
  const json = {
    format: FORMAT,
    config: ranker.config,
    nUsers: ranker.nUsers,
    nItems: ranker.nItems,
    inputNames: ranker.head.inputNames,
    layers: ranker.head.layers.map((l) => ({ inSize: l.inSize, outSize: l.outSize })),
    towers: { dim: ranker.towers.dim, stored: includeTowers },
    compatibility,
    arrays: specs,
    ...(options.metadata ? { metadata: options.metadata } : {}),
  };
  writeAtomic(join(dir, RANKER_BIN), bin);
  writeAtomic(join(dir, RANKER_JSON), JSON.stringify(json));
}

/** A loaded ranker plus the metadata saved with it. */
export type LoadedRanker = Ranker & { metadata: Record<string, unknown> };

/**
 * Loads a ranker written by {@link saveRanker}, in plain TypeScript (no TensorFlow.js).
 *
 * @param dir - directory holding `ranker.json` and `ranker.bin`
 * @param towers - the tower vectors, required when they were saved with `includeTowers: false`
 *   (e.g. `towerVectors` of the retrieval artifacts beside it)
 * @returns the {@link Ranker} with its metadata
 * @throws ModelsError `ARTIFACT_NOT_FOUND` when a file is missing; `ARTIFACT_CORRUPT` for another
 *   format, a truncated binary or a missing array (names the file and array); `SHAPE_MISMATCH`
 *   when given towers do not fit the saved sizes
 * @example
 * ```ts
 * const ranker = loadRanker('artifacts/models/two-tower-lastfm/latest', { dim, userVectors, itemVectors });
 * ```
 */
export function loadRanker(dir: string, towers?: TowerVectors): LoadedRanker {
  const read = (name: string): Buffer => {
    try {
      return readFileSync(join(dir, name));
    } catch (err) {
      throw new ModelsError('ARTIFACT_NOT_FOUND', `Cannot read ${join(dir, name)}: ${(err as Error).message}. Train a ranker first or point at its run directory.`, { cause: err, context: { path: join(dir, name) } });
    }
  };
  const where = join(dir, RANKER_JSON);
  let meta: {
    format?: string;
    config: unknown;
    nUsers: number;
    nItems: number;
    inputNames: string[];
    layers: { inSize: number; outSize: number }[];
    towers: { dim: number; stored: boolean };
    compatibility: (Omit<CompatibilityState, (typeof COMPAT_ARRAYS)[number] | 'referenceYear'> & { referenceYear: number | null }) | null;
    arrays: ArraySpec[];
    metadata?: Record<string, unknown>;
  };
  try {
    meta = JSON.parse(read(RANKER_JSON).toString('utf8')) as typeof meta;
  } catch (err) {
    if (err instanceof ModelsError) throw err;
    throw new ModelsError('ARTIFACT_CORRUPT', `${where} is not valid JSON: ${(err as Error).message}. Re-save the ranker.`, { cause: err, context: { path: where } });
  }
  if (meta.format !== FORMAT) throw new ModelsError('ARTIFACT_CORRUPT', `${where}: format is "${String(meta.format)}", expected "${FORMAT}".`, { context: { path: where } });
  const config = rankingConfigSchema.safeParse(meta.config);
  if (!config.success) throw new ModelsError('ARTIFACT_CORRUPT', `${where}: the saved config does not validate: ${config.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`, { context: { path: where } });
  const bin = read(RANKER_BIN);
  const buf = new Uint8Array(bin).buffer;
  const arrays = new Map<string, Arr>();
  for (const s of meta.arrays) {
    const Ctor = DTYPES[s.dtype];
    if (!Ctor || s.offset + s.length * Ctor.BYTES_PER_ELEMENT > buf.byteLength) {
      throw new ModelsError('ARTIFACT_CORRUPT', `${join(dir, RANKER_BIN)} is shorter than ${RANKER_JSON} describes (array "${s.name}", ${s.dtype} × ${s.length} at byte ${s.offset}). Re-save the ranker.`, { context: { path: dir, array: s.name } });
    }
    arrays.set(s.name, new Ctor(buf, s.offset, s.length));
  }
  const get = <T extends Arr>(name: string, Ctor: new (...args: never[]) => T): T => {
    const a = arrays.get(name);
    if (!(a instanceof Ctor)) throw new ModelsError('ARTIFACT_CORRUPT', `${where} has no ${Ctor.name} array "${name}". Re-save the ranker.`, { context: { path: where, array: name } });
    return a;
  };
  let tv: TowerVectors;
  if (meta.towers.stored) tv = { dim: meta.towers.dim, userVectors: get('towers.userVectors', Float32Array), itemVectors: get('towers.itemVectors', Float32Array) };
  else if (towers) {
    if (towers.dim !== meta.towers.dim || towers.userVectors.length !== meta.nUsers * towers.dim || towers.itemVectors.length !== meta.nItems * towers.dim) {
      throw new ModelsError('SHAPE_MISMATCH', `loadRanker: the given towers are dim ${towers.dim} with ${towers.userVectors.length} user and ${towers.itemVectors.length} item values; ${where} expects dim ${meta.towers.dim}, ${meta.nUsers} users × ${meta.nItems} items.`, {
        context: { path: where },
      });
    }
    tv = towers;
  } else throw new ModelsError('ARTIFACT_CORRUPT', `${where} was saved without tower vectors; pass them to loadRanker(dir, towers).`, { context: { path: where } });
  const c = meta.compatibility;
  let compatibility: CompatibilityState | null = null;
  if (c) {
    const arr = (name: (typeof COMPAT_ARRAYS)[number]): Arr => {
      const a = arrays.get(`compatibility.${name}`);
      if (!a) throw new ModelsError('ARTIFACT_CORRUPT', `${where} has no array "compatibility.${name}". Re-save the ranker.`, { context: { path: where, array: name } });
      return a;
    };
    compatibility = {
      ...c,
      referenceYear: c.referenceYear ?? Number.NaN,
      userAudio: arr('userAudio') as Float32Array,
      itemAudio: arr('itemAudio') as Float32Array,
      globalAudio: arr('globalAudio') as Float32Array,
      itemGenre: arr('itemGenre') as Int32Array,
      genreCounts: arr('genreCounts') as Float64Array,
      userAgeGroup: arr('userAgeGroup') as Int32Array,
      ageGenreCounts: arr('ageGenreCounts') as Float64Array,
      userCountry: arr('userCountry') as Int32Array,
      countryGenreCounts: arr('countryGenreCounts') as Float64Array,
      userGenrePtr: arr('userGenrePtr') as Int32Array,
      userGenreIds: arr('userGenreIds') as Int32Array,
      userGenreCounts: arr('userGenreCounts') as Float32Array,
      userPlays: arr('userPlays') as Int32Array,
      itemYear: arr('itemYear') as Float32Array,
      itemYearKnown: arr('itemYearKnown') as Uint8Array,
      itemPopularity: arr('itemPopularity') as Float32Array,
    };
  }
  return {
    config: config.data,
    nUsers: meta.nUsers,
    nItems: meta.nItems,
    head: {
      inputNames: meta.inputNames,
      mean: get('head.mean', Float32Array),
      std: get('head.std', Float32Array),
      layers: meta.layers.map((l, k) => ({ ...l, weights: get(`layer${k}.weights`, Float32Array), bias: get(`layer${k}.bias`, Float32Array) })),
    },
    towers: tv,
    compatibility,
    metadata: meta.metadata ?? {},
  };
}

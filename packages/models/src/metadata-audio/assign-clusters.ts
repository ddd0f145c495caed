import { ModelsError } from '../errors';
import { clusterOfFeatures, predictAudioFeatures, type MetadataAudioModel } from './metadata-audio.model';
import type { TrackMetadata } from './track-metadata.types';

/** One track's answer from {@link assignClusters}. */
export interface ClusterAssignment {
  id: string;
  cluster: number;
  /** `lookup`: the model knows the track's true audio features; `prediction`: predicted from metadata. */
  source: 'lookup' | 'prediction';
  /** The audio features the cluster was computed from, by target name. */
  features: Record<string, number>;
}

/** What {@link assignClusters} returns. */
export interface ClusterAssignments {
  results: ClusterAssignment[];
  coverage: { total: number; clustered: number; pct: number };
}

/**
 * Assigns every track a cluster: tracks whose id the model knows take the fast path (true audio
 * features), every other track gets predicted features from its metadata; both go through the
 * model's scaler and nearest k-means centroid. Input is validated first (untrusted JSON is fine).
 *
 * @param model - a trained {@link MetadataAudioModel}
 * @param tracks - array of {@link TrackMetadata}-shaped objects
 * @returns per-track clusters in input order and coverage `{ total, clustered, pct }` (pct 0–100)
 * @throws ModelsError `INVALID_INPUT` with `context.field` such as `tracks[2].popularity`
 * @example
 * ```ts
 * const { results, coverage } = assignClusters(model, [{ id: 'x', artists: ['Someone'], popularity: 40, genres: ['pop'] }]);
 * ```
 */
export function assignClusters(model: MetadataAudioModel, tracks: unknown): ClusterAssignments {
  const valid = validateTracks(tracks);
  const T = model.targets.length;
  const unknown = valid.filter((t) => model.lookup[t.id] === undefined);
  const predicted = unknown.length > 0 ? predictAudioFeatures(model, unknown) : new Float64Array(0);
  const feats = new Float64Array(valid.length * T);
  let u = 0;
  const sources = valid.map((t, i) => {
    const known = model.lookup[t.id];
    if (known) {
      feats.set(known, i * T);
      return 'lookup' as const;
    }
    feats.set(predicted.subarray(u * T, (u + 1) * T), i * T);
    u++;
    return 'prediction' as const;
  });
  const clusters = clusterOfFeatures(model, feats);
  const results = valid.map((t, i) => ({
    id: t.id,
    cluster: clusters[i] as number,
    source: sources[i] as 'lookup' | 'prediction',
    features: Object.fromEntries(model.targets.map((name, j) => [name, feats[i * T + j] as number])),
  }));
  const clustered = results.filter((r) => Number.isInteger(r.cluster) && r.cluster >= 0).length;
  return { results, coverage: { total: valid.length, clustered, pct: valid.length === 0 ? 100 : (100 * clustered) / valid.length } };
}

/**
 * Checks untrusted input and returns it as track metadata.
 *
 * @param tracks - parsed JSON
 * @param root - name of the field in error messages (default `tracks`)
 * @returns the tracks
 * @throws ModelsError `INVALID_INPUT` whose message and `context.field` name the bad field (`tracks[i].key`)
 * @example
 * ```ts
 * validateTracks([{ id: 'a', artists: ['X'] }]);
 * ```
 */
export function validateTracks(tracks: unknown, root = 'tracks'): TrackMetadata[] {
  const fail = (field: string, index: number | null, key: string | null, what: string): never => {
    throw new ModelsError('INVALID_INPUT', `${field} ${what}`, { context: { field, index, key } });
  };
  if (!Array.isArray(tracks)) return fail(root, null, null, 'must be an array of track metadata objects');
  return tracks.map((raw: unknown, i): TrackMetadata => {
    const at = (k: string): string => `${root}[${i}].${k}`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail(`${root}[${i}]`, i, null, 'must be an object');
    const r = raw as Record<string, unknown>;
    if (typeof r['id'] !== 'string' || r['id'] === '') fail(at('id'), i, 'id', 'must be a non-empty string');
    const strings = (k: string, required: boolean): string[] | undefined => {
      const v = r[k];
      if (v === undefined || v === null) return required ? fail(at(k), i, k, 'is required (array of strings)') : undefined;
      if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || s === '')) return fail(at(k), i, k, 'must be an array of non-empty strings');
      if (required && v.length === 0) return fail(at(k), i, k, 'must name at least one artist');
      return v as string[];
    };
    const num = (k: string, lo: number, hi: number): number | null | undefined => {
      const v = r[k];
      if (v === undefined || v === null) return v as null | undefined;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) return fail(at(k), i, k, `must be a number in [${lo}, ${hi}] or null, got ${JSON.stringify(v)}`);
      return v;
    };
    const explicit = r['explicit'];
    if (explicit !== undefined && explicit !== null && typeof explicit !== 'boolean') fail(at('explicit'), i, 'explicit', 'must be a boolean or null');
    const t: TrackMetadata = { id: r['id'] as string, artists: strings('artists', true) as string[] };
    const pop = num('popularity', 0, 100);
    if (pop !== undefined) t.popularity = pop;
    const dur = num('durationMs', 0, 1e8);
    if (dur !== undefined) t.durationMs = dur;
    const yr = num('releaseYear', 1000, 3000);
    if (yr !== undefined) t.releaseYear = yr;
    if (typeof explicit === 'boolean' || explicit === null) t.explicit = explicit;
    const genres = strings('genres', false);
    if (genres) t.genres = genres;
    const rel = strings('relatedArtists', false);
    if (rel) t.relatedArtists = rel;
    return t;
  });
}

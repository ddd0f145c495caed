import { applyStandardScaler } from '../kmeans/standard-scaler';
import { KnnIndex } from '../knn/knn.index';
import { validateTracks } from './assign-clusters';
import { predictAudioFeatures, type MetadataAudioModel } from './metadata-audio.model';

/** The k known tracks closest in (scaled) audio-feature space to one query track. */
export interface SimilarTracks {
  id: string;
  source: 'lookup' | 'prediction';
  neighbours: { id: string; distance: number }[];
}

/**
 * KNN over audio features: each query track (true features when the model knows it, predicted
 * otherwise) gets the `k` nearest tracks of the model's lookup table, by Euclidean distance in the
 * cluster scaler's standardised space (the query itself excluded).
 *
 * @param model - a trained model
 * @param tracks - untrusted track metadata (validated as in `assignClusters`)
 * @param k - neighbours per track
 * @param index - a prebuilt index from {@link buildLookupIndex} (built on the fly when omitted)
 * @returns one entry per query, neighbours closest first
 * @throws ModelsError `INVALID_INPUT` naming the bad field, `INVALID_CONFIG` when k < 1
 * @example
 * ```ts
 * const [first] = similarTracks(model, [{ id: 'x', artists: ['Someone'], genres: ['jazz'] }], 5);
 * ```
 */
export function similarTracks(model: MetadataAudioModel, tracks: unknown, k: number, index = buildLookupIndex(model)): SimilarTracks[] {
  const valid = validateTracks(tracks);
  const T = model.targets.length;
  const unknown = valid.filter((t) => model.lookup[t.id] === undefined);
  const predicted = unknown.length > 0 ? predictAudioFeatures(model, unknown) : new Float64Array(0);
  let u = 0;
  return valid.map((t) => {
    const known = model.lookup[t.id];
    const raw = known ?? Array.from(predicted.subarray(u * T, ++u * T));
    const q = applyStandardScaler(model.clusterScaler, raw);
    const self = known ? index.ids.indexOf(t.id) : -1;
    return { id: t.id, source: known ? 'lookup' : 'prediction', neighbours: index.knn.query(q, k, self).map((n) => ({ id: index.ids[n.index] as string, distance: Math.sqrt(n.distance) })) };
  });
}

/**
 * Builds the KNN index over the model's lookup tracks (true features, standardised).
 *
 * @param model - a trained model
 * @returns the index and the track id of each row
 * @example
 * ```ts
 * const index = buildLookupIndex(model); // reuse across similarTracks calls
 * ```
 */
export function buildLookupIndex(model: MetadataAudioModel): { knn: KnnIndex; ids: string[] } {
  const ids = Object.keys(model.lookup);
  const flat = ids.flatMap((id) => model.lookup[id] as number[]);
  return { knn: new KnnIndex(applyStandardScaler(model.clusterScaler, flat), model.targets.length), ids };
}

import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { loadWeights } from '@tunekit/runtime';
import { ModelsError } from '../errors';
import { buildCosineIndex, type CosineIndexOptions } from '../nearest-neighbors/cosine-index';
import type { CosineIndex } from '../nearest-neighbors/exact-index';
import type { ContentEmbeddingModel } from './content-embedding.model';
import { standardize, type FittedStandardizer } from './feature-standardizer';

/** Format tag written into `metadata.json`. */
export const CONTENT_EMBEDDING_FORMAT = 'tunekit-content-embedding@1';

/** `metadata.json` of a saved content-embedding model. */
export interface ContentEmbeddingMetadata {
  format: typeof CONTENT_EMBEDDING_FORMAT;
  /** Track id of each row of `embeddings.bin`. */
  trackIds: number[];
  embeddingSize: number;
  /** Input features in column order (also in `preprocessing.json`). */
  featureNames: string[];
  /** Dense layer names in forward order; every one but the last is followed by ReLU. */
  layers: string[];
  /** Anything the trainer wants to keep: loss, pair source, whether interactions were synthetic, … */
  extra: Record<string, unknown>;
}

/** One answer of {@link ContentEmbeddingService.similarTracks}. */
export interface SimilarTrack {
  trackId: number;
  /** Cosine similarity in [−1, 1]. */
  score: number;
}

/** What {@link loadContentEmbedding} returns: similarity search and embedding of new tracks. */
export interface ContentEmbeddingService {
  readonly trackIds: readonly number[];
  readonly dim: number;
  readonly featureNames: readonly string[];
  /** `exact` up to the size limit, else `hnsw`. */
  readonly indexKind: 'exact' | 'hnsw';
  readonly metadata: ContentEmbeddingMetadata;
  /**
   * The `k` tracks most cosine-similar to `trackId`, best first, the track itself excluded.
   * @throws ModelsError `INVALID_INPUT` for an unknown track id or a bad k
   */
  similarTracks(trackId: number, k: number): SimilarTrack[];
  /** The `k` tracks most similar to an embedding (float32 `[dim]`). */
  similarToEmbedding(vector: Float32Array, k: number): SimilarTrack[];
  /**
   * Embeds tracks that were not in training from their raw (unstandardised) features.
   * @param raw - float32 `[rows, features]` in `featureNames` order (NaN = missing), or rows of numbers
   * @returns float32 `[rows, dim]`, unit rows
   */
  embedFeatures(raw: Float32Array | readonly (readonly number[])[]): Float32Array;
  /** The stored unit embedding of a track: float32 `[dim]`. */
  embedding(trackId: number): Float32Array;
}

function writeAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Saves everything inference needs into `dir`: `model.json` + `weights.bin` (the tfjs model),
 * `preprocessing.json` (feature names, means, stds), `metadata.json` (track ids, layer names,
 * extra facts) and `embeddings.bin` (float32 `[tracks, dim]`, little-endian, row-major). Each
 * file is written to a temp name and renamed.
 *
 * @param dir - target directory (created if missing)
 * @param parts - the trained model, fitted standardiser, track ids, their unit embeddings and extra metadata
 * @throws ModelsError `SHAPE_MISMATCH` when embeddings and track ids disagree
 * @example
 * ```ts
 * await saveContentEmbedding(runDir, { model, standardizer, trackIds, embeddings, extra: { loss: 'in-batch-softmax' } });
 * ```
 */
export async function saveContentEmbedding(
  dir: string,
  parts: { model: ContentEmbeddingModel; standardizer: FittedStandardizer; trackIds: readonly number[]; embeddings: Float32Array; extra?: Record<string, unknown> },
): Promise<ContentEmbeddingMetadata> {
  const dim = parts.model.arch.embeddingSize;
  if (parts.embeddings.length !== parts.trackIds.length * dim) {
    throw new ModelsError('SHAPE_MISMATCH', `saveContentEmbedding: ${parts.embeddings.length} values for ${parts.trackIds.length} tracks × ${dim} dims.`, {
      context: { values: parts.embeddings.length, tracks: parts.trackIds.length, dim },
    });
  }
  await parts.model.save(dir);
  const layers = [...parts.model.arch.hiddenLayers.map((_, i) => `hidden_${i}`), 'embedding'];
  const metadata: ContentEmbeddingMetadata = {
    format: CONTENT_EMBEDDING_FORMAT,
    trackIds: [...parts.trackIds],
    embeddingSize: dim,
    featureNames: [...parts.standardizer.featureNames],
    layers,
    extra: parts.extra ?? {},
  };
  writeAtomic(join(dir, 'preprocessing.json'), JSON.stringify(parts.standardizer, null, 2) + '\n');
  writeAtomic(join(dir, 'embeddings.bin'), new Uint8Array(parts.embeddings.buffer, parts.embeddings.byteOffset, parts.embeddings.byteLength));
  writeAtomic(join(dir, 'metadata.json'), JSON.stringify(metadata) + '\n');
  return metadata;
}

function readJson<T>(path: string): T {
  if (!existsSync(path)) throw new ModelsError('ARTIFACT_NOT_FOUND', `${path} is missing: train a content-embedding model into this directory first (nx run trainer:train --configuration=content-embedding).`, { context: { path } });
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (e) {
    throw new ModelsError('ARTIFACT_CORRUPT', `${path} is not valid JSON: ${(e as Error).message}`, { cause: e, context: { path } });
  }
}

/** A dense layer as plain arrays. */
interface DenseWeights {
  kernel: Float32Array;
  bias: Float32Array;
  inDim: number;
  outDim: number;
}

function forward(layers: readonly DenseWeights[], x: Float32Array, rows: number): Float32Array {
  let cur = x;
  layers.forEach((layer, li) => {
    const out = new Float32Array(rows * layer.outDim);
    const relu = li < layers.length - 1;
    for (let r = 0; r < rows; r++) {
      for (let o = 0; o < layer.outDim; o++) {
        let s = layer.bias[o] as number;
        for (let i = 0; i < layer.inDim; i++) s += (cur[r * layer.inDim + i] as number) * (layer.kernel[i * layer.outDim + o] as number);
        out[r * layer.outDim + o] = relu && s < 0 ? 0 : s;
      }
    }
    cur = out;
  });
  return cur;
}

/**
 * Builds the similarity part of the service over embeddings already in memory (used by
 * {@link loadContentEmbedding}, benchmarks and evaluators).
 *
 * @param trackIds - track id per row
 * @param embeddings - float32 `[tracks, dim]`
 * @param dim - width
 * @param options - exact/HNSW choice ({@link CosineIndexOptions})
 * @returns `similarTracks`, `similarToEmbedding`, `embedding` and the index
 * @throws ModelsError `SHAPE_MISMATCH`, `INVALID_INPUT` (duplicate track id)
 * @example
 * ```ts
 * const s = createSimilarity([10, 11, 12], vectors, 2);
 * s.similarTracks(10, 2);
 * ```
 */
export function createSimilarity(
  trackIds: readonly number[],
  embeddings: Float32Array,
  dim: number,
  options: CosineIndexOptions = {},
): Pick<ContentEmbeddingService, 'similarTracks' | 'similarToEmbedding' | 'embedding'> & { index: CosineIndex } {
  if (embeddings.length !== trackIds.length * dim) {
    throw new ModelsError('SHAPE_MISMATCH', `${embeddings.length} embedding values for ${trackIds.length} tracks × ${dim} dims.`, { context: { values: embeddings.length, tracks: trackIds.length, dim } });
  }
  const rowOf = new Map<number, number>();
  trackIds.forEach((id, row) => {
    if (rowOf.has(id)) throw new ModelsError('INVALID_INPUT', `track id ${id} appears twice (rows ${rowOf.get(id)} and ${row}).`, { context: { trackId: id } });
    rowOf.set(id, row);
  });
  const index = buildCosineIndex(embeddings, dim, options);
  const row = (trackId: number): number => {
    const r = rowOf.get(trackId);
    if (r === undefined) throw new ModelsError('INVALID_INPUT', `track ${trackId} has no embedding in this model (${trackIds.length} tracks); embed its features with embedFeatures() instead.`, { context: { trackId } });
    return r;
  };
  const answer = (found: { indices: Int32Array; scores: Float32Array }): SimilarTrack[] =>
    Array.from(found.indices, (r, i) => ({ trackId: trackIds[r] as number, score: found.scores[i] as number }));
  return {
    index,
    similarTracks: (trackId, k) => {
      const r = row(trackId);
      return answer(index.search(index.vector(r), k, { exclude: r }));
    },
    similarToEmbedding: (vector, k) => answer(index.search(vector, k)),
    embedding: (trackId) => index.vector(row(trackId)),
  };
}

/**
 * Loads a model saved by {@link saveContentEmbedding} for serving, in plain TypeScript (weights
 * are read once; the forward pass and the search run without tensors). Exact search is used up
 * to `exactLimit` tracks (default 100,000), an HNSW index above.
 *
 * @param dir - the run directory (e.g. `artifacts/models/content-embedding/latest`)
 * @param options - {@link CosineIndexOptions}
 * @returns {@link ContentEmbeddingService}
 * @throws ModelsError `ARTIFACT_NOT_FOUND`, `ARTIFACT_CORRUPT` (sizes or names inconsistent)
 * @example
 * ```ts
 * const ce = await loadContentEmbedding('artifacts/models/content-embedding/latest');
 * ce.similarTracks(ce.trackIds[0]!, 10);
 * ce.embedFeatures([[0.5, 0.7, 5, -6, 1, 0.05, 0.1, 0, 0.1, 0.4, 120]]);
 * ```
 */
export async function loadContentEmbedding(dir: string, options: CosineIndexOptions = {}): Promise<ContentEmbeddingService> {
  const metadata = readJson<ContentEmbeddingMetadata>(join(dir, 'metadata.json'));
  if (metadata.format !== CONTENT_EMBEDDING_FORMAT) {
    throw new ModelsError('ARTIFACT_CORRUPT', `${join(dir, 'metadata.json')} has format ${JSON.stringify(metadata.format)}, expected ${CONTENT_EMBEDDING_FORMAT}.`, { context: { path: dir } });
  }
  const pre = readJson<FittedStandardizer>(join(dir, 'preprocessing.json'));
  const embPath = join(dir, 'embeddings.bin');
  if (!existsSync(embPath)) throw new ModelsError('ARTIFACT_NOT_FOUND', `${embPath} is missing; re-run training.`, { context: { path: embPath } });
  const bytes = readFileSync(embPath);
  const dim = metadata.embeddingSize;
  if (bytes.byteLength !== metadata.trackIds.length * dim * 4) {
    throw new ModelsError('ARTIFACT_CORRUPT', `${embPath} holds ${bytes.byteLength} bytes, expected ${metadata.trackIds.length} tracks × ${dim} dims × 4.`, { context: { path: embPath } });
  }
  const embeddings = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const tensors = await loadWeights(dir);
  let layers: DenseWeights[];
  try {
    layers = metadata.layers.map((name) => {
      const kernel = tensors[`${name}/kernel`];
      const bias = tensors[`${name}/bias`];
      if (!kernel || !bias || kernel.rank !== 2) throw new Error(`weights of layer "${name}" are missing (have: ${Object.keys(tensors).join(', ')})`);
      return { kernel: kernel.dataSync() as Float32Array, bias: bias.dataSync() as Float32Array, inDim: kernel.shape[0] as number, outDim: kernel.shape[1] as number };
    });
  } catch (e) {
    throw new ModelsError('ARTIFACT_CORRUPT', `${dir}: ${(e as Error).message}.`, { cause: e, context: { path: dir } });
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
  const f = pre.featureNames.length;
  if (layers[0]?.inDim !== f || layers[layers.length - 1]?.outDim !== dim) {
    throw new ModelsError('ARTIFACT_CORRUPT', `${dir}: the network maps ${layers[0]?.inDim} → ${layers[layers.length - 1]?.outDim}, but preprocessing has ${f} features and the embeddings ${dim} dims.`, { context: { path: dir } });
  }
  const similarity = createSimilarity(metadata.trackIds, embeddings, dim, options);
  return {
    trackIds: metadata.trackIds,
    dim,
    featureNames: pre.featureNames,
    indexKind: similarity.index.kind,
    metadata,
    similarTracks: similarity.similarTracks,
    similarToEmbedding: similarity.similarToEmbedding,
    embedding: similarity.embedding,
    embedFeatures: (raw) => {
      const flat = raw instanceof Float32Array ? raw : Float32Array.from(raw.flatMap((r) => (r.length === f ? [...r] : [])));
      if (!(raw instanceof Float32Array) && flat.length !== raw.length * f) {
        throw new ModelsError('SHAPE_MISMATCH', `embedFeatures: every row needs ${f} values (${pre.featureNames.join(', ')}).`, { context: { features: f } });
      }
      if (flat.length % f !== 0) throw new ModelsError('SHAPE_MISMATCH', `embedFeatures: ${flat.length} values are not rows of ${f} features.`, { context: { features: f } });
      const rows = flat.length / f;
      const x = standardize(flat, pre);
      const out = forward(layers, x, rows);
      for (let r = 0; r < rows; r++) {
        let s = 0;
        for (let d = 0; d < dim; d++) s += (out[r * dim + d] as number) ** 2;
        const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
        for (let d = 0; d < dim; d++) out[r * dim + d] = (out[r * dim + d] as number) * inv;
      }
      return out;
    },
  };
}

import { Rng } from '@tunekit/core';
import { dotAt, normalizeRows } from '../nearest-neighbors/vectors';

/** How spread out a set of embeddings is (collapse diagnostics). */
export interface EmbeddingSpread {
  /** Mean cosine over sampled distinct pairs: 1 = every vector identical (collapsed). */
  meanCosine: number;
  /** `1 − meanCosine`: 0 when collapsed, ≈ 1 for well-spread vectors. */
  spread: number;
  /** Mean over dimensions of the per-dimension standard deviation of the unit vectors. */
  meanDimStd: number;
  /** True when `meanCosine` exceeds the threshold. */
  collapsed: boolean;
}

/**
 * Measures the spread of embeddings on a seeded sample of rows: mean pairwise cosine and mean
 * per-dimension std. Positive-only losses drive both towards 1 and 0 respectively (every track
 * mapped to one point); the trainer reports this every epoch and flags collapse.
 *
 * @param vectors - float32 `[rows, dim]` (normalised internally)
 * @param dim - width
 * @param options - `sample` rows used (default 1000), `seed`, `threshold` on mean cosine (default 0.95)
 * @returns {@link EmbeddingSpread}
 * @example
 * ```ts
 * embeddingSpread(embeddings, 64, { seed: 1 }).collapsed; // false for a healthy model
 * ```
 */
export function embeddingSpread(vectors: Float32Array, dim: number, options: { sample?: number; seed?: number; threshold?: number } = {}): EmbeddingSpread {
  const rows = vectors.length / dim;
  const take = Math.min(rows, options.sample ?? 1000);
  const picks = new Rng(options.seed ?? 0).permutation(rows).subarray(0, take);
  const sub = new Float32Array(take * dim);
  picks.forEach((r, i) => sub.set(vectors.subarray(r * dim, (r + 1) * dim), i * dim));
  const unit = normalizeRows(sub, dim);
  const mean = new Float64Array(dim);
  const sq = new Float64Array(dim);
  for (let i = 0; i < take; i++) {
    for (let d = 0; d < dim; d++) {
      const v = unit[i * dim + d] as number;
      mean[d] = (mean[d] as number) + v;
      sq[d] = (sq[d] as number) + v * v;
    }
  }
  let stdSum = 0;
  let sumNorm2 = 0;
  for (let d = 0; d < dim; d++) {
    const m = (mean[d] as number) / Math.max(1, take);
    stdSum += Math.sqrt(Math.max(0, (sq[d] as number) / Math.max(1, take) - m * m));
    sumNorm2 += (mean[d] as number) ** 2;
  }
  // Σ_{i≠j} u_i·u_j = |Σ u_i|² − Σ |u_i|²  (exact over all sampled pairs, O(take·dim)).
  let self = 0;
  for (let i = 0; i < take; i++) self += dotAt(unit, i * dim, unit, i * dim, dim);
  const meanCosine = take > 1 ? (sumNorm2 - self) / (take * (take - 1)) : 1;
  return { meanCosine, spread: 1 - meanCosine, meanDimStd: stdSum / dim, collapsed: meanCosine > (options.threshold ?? 0.95) };
}

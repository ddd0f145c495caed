import { AliasSampler, type Rng } from '@tunekit/core';
import { ModelsError } from '../../errors';

/** Per-user item lists in CSR form: user u's items are `items[ptr[u] .. ptr[u+1])`. */
export interface CsrRows {
  /** int32 [nUsers + 1] */
  readonly ptr: Int32Array;
  /** int32 [nnz] */
  readonly items: Int32Array;
}

/** Labelled (user, item) examples: positives (1) and sampled negatives (0). */
export interface LabelledPairs {
  /** int32 [n] */
  users: Int32Array;
  /** int32 [n] */
  items: Int32Array;
  /** float32 [n] of 0/1 */
  labels: Float32Array;
}

/** How negatives are drawn: uniformly over items, or from an alias table (∝ popularity). */
export type NegativeSource = { kind: 'uniform'; nItems: number } | { kind: 'weighted'; sampler: AliasSampler; nItems: number };

/**
 * A popularity source: items drawn ∝ their train count (items never played are never drawn;
 * falls back to uniform when nothing was played).
 *
 * @param counts - float [nItems] train plays per item
 * @returns a {@link NegativeSource}
 */
export function popularitySource(counts: ArrayLike<number>): NegativeSource {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  return total > 0 ? { kind: 'weighted', sampler: new AliasSampler(counts), nItems: counts.length } : { kind: 'uniform', nItems: counts.length };
}

/**
 * Checks a CSR against the vocabulary sizes.
 *
 * @throws ModelsError `SHAPE_MISMATCH` naming the array; `INVALID_INPUT` for an item out of range
 */
export function checkRows(rows: CsrRows, nUsers: number, nItems: number, what: string, where: string): void {
  if (rows.ptr.length !== nUsers + 1) throw new ModelsError('SHAPE_MISMATCH', `${where}: ${what}.ptr holds ${rows.ptr.length} values, expected nUsers + 1 = ${nUsers + 1}.`, { context: { array: `${what}.ptr`, got: rows.ptr.length, expected: nUsers + 1 } });
  if (rows.ptr[nUsers] !== rows.items.length) throw new ModelsError('SHAPE_MISMATCH', `${where}: ${what}.items holds ${rows.items.length} values, but ${what}.ptr[nUsers] = ${rows.ptr[nUsers]}.`, { context: { array: `${what}.items`, got: rows.items.length, expected: rows.ptr[nUsers] } });
  for (let k = 0; k < rows.items.length; k++) {
    const i = rows.items[k]!;
    if (!(i >= 0 && i < nItems)) throw new ModelsError('INVALID_INPUT', `${where}: ${what}.items[${k}] = ${i} is outside [0, ${nItems}).`, { context: { array: `${what}.items`, index: k, item: i } });
  }
}

/**
 * Every positive (u, p) of `positives` followed by `perPositive` negatives (u, j) with j drawn
 * from `source`, never one of the user's positives nor any item of the `exclude` rows (e.g. the
 * user's train items). A draw is retried up to 50 times; a user who has played (nearly) every
 * item gets fewer negatives rather than a false one.
 *
 * @param positives - CSR of positive items
 * @param exclude - CSRs (same users) of items never to use as negatives
 * @param perPositive - negatives per positive
 * @param source - {@link NegativeSource}
 * @param rng - seeded generator (the only source of randomness)
 * @returns {@link LabelledPairs}, positives and their negatives grouped by user
 */
export function samplePairs(positives: CsrRows, exclude: readonly CsrRows[], perPositive: number, source: NegativeSource, rng: Rng): LabelledPairs {
  const nUsers = positives.ptr.length - 1;
  const cap = positives.items.length * (1 + perPositive);
  const users = new Int32Array(cap);
  const items = new Int32Array(cap);
  const labels = new Float32Array(cap);
  const mask = new Uint8Array(source.nItems);
  const draw = source.kind === 'uniform' ? (): number => rng.int(source.nItems) : (): number => source.sampler.draw(rng);
  let n = 0;
  for (let u = 0; u < nUsers; u++) {
    const a = positives.ptr[u]!;
    const b = positives.ptr[u + 1]!;
    if (a === b) continue;
    const rows = [positives, ...exclude];
    for (const r of rows) for (let k = r.ptr[u]!; k < r.ptr[u + 1]!; k++) mask[r.items[k]!] = 1;
    for (let k = a; k < b; k++) {
      users[n] = u;
      items[n] = positives.items[k]!;
      labels[n++] = 1;
      for (let s = 0; s < perPositive; s++) {
        for (let t = 0; t < 50; t++) {
          const j = draw();
          if (mask[j]) continue;
          users[n] = u;
          items[n] = j;
          labels[n++] = 0;
          break;
        }
      }
    }
    for (const r of rows) for (let k = r.ptr[u]!; k < r.ptr[u + 1]!; k++) mask[r.items[k]!] = 0;
  }
  return { users: users.slice(0, n), items: items.slice(0, n), labels: labels.slice(0, n) };
}

import { buildInteractionMatrix, type InteractionMatrix } from '../baselines/interaction-matrix';
import { Rng } from '@tunekit/core';

/** Raw user–item pairs (ids as strings, any item kind) turned into dense indices. */
export interface IndexedInteractions {
  /** Raw id of each user / item index (sorted by first appearance order of the input). */
  userIds: string[];
  itemIds: string[];
  matrix: InteractionMatrix;
}

/**
 * Builds vocabularies (users and items seen in the pairs, index order = first appearance) and
 * the binary matrix. The item kind (artist, track, ...) is whatever the ids name.
 *
 * @param users - raw user id per pair
 * @param items - raw item id per pair
 * @returns vocabularies and the matrix
 * @example
 * ```ts
 * indexInteractions(['u1', 'u1', 'u2'], ['a', 'b', 'a']).matrix.nItems; // 2
 * ```
 */
export function indexInteractions(users: readonly string[], items: readonly string[]): IndexedInteractions {
  const um = new Map<string, number>();
  const im = new Map<string, number>();
  const u = Int32Array.from(users, (id) => um.get(id) ?? (um.set(id, um.size), um.size - 1));
  const i = Int32Array.from(items, (id) => im.get(id) ?? (im.set(id, im.size), im.size - 1));
  return { userIds: [...um.keys()], itemIds: [...im.keys()], matrix: buildInteractionMatrix(u, i, um.size, im.size) };
}

/**
 * Relevance CSR of held-out pairs over an existing vocabulary; pairs whose user or item is not in
 * it are dropped (they cannot be ranked) and counted.
 *
 * @param users - raw user id per held-out pair
 * @param items - raw item id per held-out pair
 * @param vocab - the training vocabularies
 * @returns the relevance matrix (rows = training users) and how many pairs were dropped
 */
export function indexHeldOut(users: readonly string[], items: readonly string[], vocab: { userIds: readonly string[]; itemIds: readonly string[] }): { matrix: InteractionMatrix; dropped: number } {
  const um = new Map(vocab.userIds.map((id, k) => [id, k]));
  const im = new Map(vocab.itemIds.map((id, k) => [id, k]));
  const uu: number[] = [];
  const ii: number[] = [];
  let dropped = 0;
  for (let k = 0; k < users.length; k++) {
    const a = um.get(users[k]!);
    const b = im.get(items[k]!);
    if (a === undefined || b === undefined) dropped++;
    else {
      uu.push(a);
      ii.push(b);
    }
  }
  return { matrix: buildInteractionMatrix(uu, ii, vocab.userIds.length, vocab.itemIds.length), dropped };
}

/**
 * Per-user validation carve-out of a training matrix: for each user with at least `minItems`
 * items, round(fraction · n) of them (≥ 1), chosen with a seeded shuffle, move to validation.
 * This is where hyper-parameters and early stopping are decided — never on test.
 *
 * @param x - training matrix
 * @param fraction - share held out per user, in (0, 1)
 * @param minItems - users with fewer items keep all in train
 * @param seed - shuffle seed
 * @returns the reduced training matrix and the validation matrix (same shapes)
 */
export function carveValidation(x: InteractionMatrix, fraction: number, minItems: number, seed: number): { train: InteractionMatrix; validation: InteractionMatrix } {
  const rng = new Rng(seed);
  const tu: number[] = [];
  const ti: number[] = [];
  const vu: number[] = [];
  const vi: number[] = [];
  for (let u = 0; u < x.nUsers; u++) {
    const row = Array.from(x.userItems.subarray(x.userPtr[u]!, x.userPtr[u + 1]!));
    const hold = row.length >= minItems ? Math.max(1, Math.round(row.length * fraction)) : 0;
    for (let k = row.length - 1; k > 0; k--) {
      const j = rng.int(k + 1);
      const t = row[k]!;
      row[k] = row[j]!;
      row[j] = t;
    }
    row.forEach((i, k) => {
      if (k < hold) {
        vu.push(u);
        vi.push(i);
      } else {
        tu.push(u);
        ti.push(i);
      }
    });
  }
  return { train: buildInteractionMatrix(tu, ti, x.nUsers, x.nItems), validation: buildInteractionMatrix(vu, vi, x.nUsers, x.nItems) };
}

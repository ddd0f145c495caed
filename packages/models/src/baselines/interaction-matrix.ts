import { ModelsError } from '../errors';

/**
 * A binary user × item matrix in CSR form (rows = users), duplicates collapsed. Item and user
 * indices are dense `0..n-1` (map raw ids with a vocabulary first). The transpose (item → users)
 * is kept too: the item-based baselines read columns.
 */
export interface InteractionMatrix {
  readonly nUsers: number;
  readonly nItems: number;
  /** int32 [nUsers + 1]: user u's items are `userItems[userPtr[u] .. userPtr[u+1])`, ascending. */
  readonly userPtr: Int32Array;
  /** int32 [nnz] */
  readonly userItems: Int32Array;
  /** int32 [nItems + 1]: item i's users are `itemUsers[itemPtr[i] .. itemPtr[i+1])`, ascending. */
  readonly itemPtr: Int32Array;
  /** int32 [nnz] */
  readonly itemUsers: Int32Array;
}

/**
 * Builds a binary {@link InteractionMatrix} from parallel index arrays.
 *
 * @param users - int [n] user indices in `[0, nUsers)`
 * @param items - int [n] item indices in `[0, nItems)`
 * @param nUsers - number of users (rows)
 * @param nItems - number of items (columns)
 * @returns the CSR matrix and its transpose; repeated (user, item) pairs count once
 * @throws ModelsError `INVALID_INPUT` for unequal lengths or an index out of range (names the position)
 * @example
 * ```ts
 * const x = buildInteractionMatrix(Int32Array.of(0, 0, 1), Int32Array.of(2, 0, 2), 2, 3);
 * // x.userItems = [0, 2, 2], x.itemPtr = [0, 1, 1, 3]
 * ```
 */
export function buildInteractionMatrix(users: ArrayLike<number>, items: ArrayLike<number>, nUsers: number, nItems: number): InteractionMatrix {
  if (users.length !== items.length) {
    throw new ModelsError('INVALID_INPUT', `buildInteractionMatrix: users has ${users.length} entries but items has ${items.length}; pass parallel arrays.`);
  }
  if (!(Number.isInteger(nUsers) && nUsers >= 0 && Number.isInteger(nItems) && nItems >= 0)) {
    throw new ModelsError('INVALID_INPUT', `buildInteractionMatrix: nUsers and nItems must be non-negative integers, got ${nUsers} × ${nItems}.`);
  }
  const n = users.length;
  const rowCount = new Int32Array(nUsers + 1);
  for (let k = 0; k < n; k++) {
    const u = users[k] as number;
    const i = items[k] as number;
    if (!(u >= 0 && u < nUsers && Number.isInteger(u))) throw new ModelsError('INVALID_INPUT', `buildInteractionMatrix: user index ${u} at position ${k} is outside [0, ${nUsers}).`, { context: { position: k, user: u } });
    if (!(i >= 0 && i < nItems && Number.isInteger(i))) throw new ModelsError('INVALID_INPUT', `buildInteractionMatrix: item index ${i} at position ${k} is outside [0, ${nItems}).`, { context: { position: k, item: i } });
    rowCount[u + 1]!++;
  }
  for (let u = 0; u < nUsers; u++) rowCount[u + 1]! += rowCount[u]!;
  const fill = rowCount.slice(0, nUsers);
  const raw = new Int32Array(n);
  for (let k = 0; k < n; k++) raw[fill[users[k] as number]!++] = items[k] as number;
  // sort each row and drop duplicates
  const userPtr = new Int32Array(nUsers + 1);
  const dedup: number[] = [];
  for (let u = 0; u < nUsers; u++) {
    const row = raw.subarray(rowCount[u]!, rowCount[u + 1]!).sort();
    for (let k = 0; k < row.length; k++) if (k === 0 || row[k] !== row[k - 1]) dedup.push(row[k]!);
    userPtr[u + 1] = dedup.length;
  }
  const userItems = Int32Array.from(dedup);
  const itemPtr = new Int32Array(nItems + 1);
  for (let k = 0; k < userItems.length; k++) itemPtr[userItems[k]! + 1]!++;
  for (let i = 0; i < nItems; i++) itemPtr[i + 1]! += itemPtr[i]!;
  const itemFill = itemPtr.slice(0, nItems);
  const itemUsers = new Int32Array(userItems.length);
  for (let u = 0; u < nUsers; u++) for (let k = userPtr[u]!; k < userPtr[u + 1]!; k++) itemUsers[itemFill[userItems[k]!]!++] = u;
  return { nUsers, nItems, userPtr, userItems, itemPtr, itemUsers };
}

/**
 * The items of one user (a view, no copy).
 *
 * @param x - the matrix
 * @param u - user index
 * @returns int32 [n_u] ascending item indices
 */
export function userRow(x: InteractionMatrix, u: number): Int32Array {
  return x.userItems.subarray(x.userPtr[u]!, x.userPtr[u + 1]!);
}

/**
 * Number of users per item (the popularity used by most-popular, logQ and novelty).
 *
 * @param x - the matrix
 * @returns float64 [nItems]
 */
export function itemDegrees(x: InteractionMatrix): Float64Array {
  const d = new Float64Array(x.nItems);
  for (let i = 0; i < x.nItems; i++) d[i] = x.itemPtr[i + 1]! - x.itemPtr[i]!;
  return d;
}

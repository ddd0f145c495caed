import { readDelimited } from '../csv/csv-reader';
import { DataAccessError } from '../errors';
import type { ImportRowError, OnRowError } from './import-context';

/** Columnar user–item interactions: parallel arrays of equal length. */
export interface InteractionColumns {
  /** int32 [n] — user ids as in the file. */
  userIds: Int32Array;
  /** int32 [n] — item ids as in the file. */
  itemIds: Int32Array;
  /** float32 [n] — weights (play counts). */
  weights: Float32Array;
}

/** {@link InteractionColumns} plus the rows that were skipped. */
export interface InteractionsTsvResult extends InteractionColumns {
  errors: ImportRowError[];
}

/** One well-formed record of an interactions TSV, ids as trimmed text. */
export interface InteractionRecord {
  /** 1-based line of the record (header = line 1). */
  line: number;
  user: string;
  item: string;
  weight: number;
}

/**
 * Streams the records of a `user<TAB>item<TAB>weight` file with a header, yielding either a record
 * or the row error of a malformed line (the caller decides to skip or abort). Header problems
 * throw. With `int32Ids` an id that is not an int32 is a row error.
 * @throws DataAccessError `FILE_NOT_FOUND`; `BAD_ROW` for a header without user/item/weight columns
 */
export async function* scanInteractionsTsv(
  path: string,
  options: { int32Ids?: boolean } = {},
): AsyncGenerator<InteractionRecord | ImportRowError> {
  let cols: [number, number, number] | null = null;
  let names: [string, string, string] = ['user_id', 'item_id', 'weight'];
  for await (const { line, fields } of readDelimited(path, { delimiter: '\t', quotes: false })) {
    if (cols === null) {
      const h = fields.map((f) => f.trim());
      const u = h.findIndex((f) => /^user(_?id)?$/i.test(f));
      const i = h.findIndex((f) => /^(item|artist|track)(_?id)?$/i.test(f));
      const w = h.findIndex((f) => /^(weight|plays?|play_count|count|rating)$/i.test(f));
      if (u < 0 || i < 0 || w < 0) throw new DataAccessError('BAD_ROW', `${path}:1: header must name user, item and weight columns, found ${h.join(', ')}`, { context: { file: path, line: 1 } });
      cols = [u, i, w];
      names = [h[u] as string, h[i] as string, h[w] as string];
      continue;
    }
    if (fields.length !== 3 && fields.length < Math.max(...cols) + 1) {
      yield { file: path, line, column: 'record', message: `expected at least ${Math.max(...cols) + 1} fields, found ${fields.length}` };
      continue;
    }
    const raw = cols.map((c) => (fields[c] ?? '').trim());
    const weight = Number(raw[2]);
    const which = raw.findIndex((v, k) =>
      k < 2 ? v === '' || (options.int32Ids === true && !(Number.isInteger(Number(v)) && Math.abs(Number(v)) <= 2147483647)) : v === '' || !Number.isFinite(weight),
    );
    if (which >= 0) {
      const expected = which < 2 ? (options.int32Ids ? 'an int32 id' : 'a non-empty id') : 'a number';
      yield { file: path, line, column: names[which] as string, message: `expected ${expected}, got ${JSON.stringify(raw[which] ?? '')}` };
      continue;
    }
    yield { line, user: raw[0] as string, item: raw[1] as string, weight };
  }
}

/** True when a value yielded by {@link scanInteractionsTsv} is a row error. */
export function isRowError(x: InteractionRecord | ImportRowError): x is ImportRowError {
  return 'message' in x;
}

/**
 * Reads a `user_id<TAB>item_id<TAB>weight` file with a header (e.g. the canonical
 * `benchmarks/lastfm-2k/{train,test}.tsv`; the item column may be named `artist_id`/`item_id`/
 * `track_id`) into columnar typed arrays, streaming.
 *
 * @param path - the TSV file
 * @param options.onError - `abort` (default) throws on the first bad row; `skip` reports and drops it
 * @returns userIds int32 [n], itemIds int32 [n], weights float32 [n], and skipped-row errors
 * @throws DataAccessError `FILE_NOT_FOUND`; `BAD_ROW` with file, line and column (onError 'abort')
 * @example
 * ```ts
 * const { userIds, itemIds, weights } = await readInteractionsTsv('../shared/data/benchmarks/lastfm-2k/train.tsv');
 * ```
 */
export async function readInteractionsTsv(path: string, options: { onError?: OnRowError } = {}): Promise<InteractionsTsvResult> {
  let cap = 1024;
  let users = new Int32Array(cap);
  let items = new Int32Array(cap);
  let weights = new Float32Array(cap);
  let n = 0;
  const errors: ImportRowError[] = [];
  for await (const rec of scanInteractionsTsv(path, { int32Ids: true })) {
    if (isRowError(rec)) {
      if (options.onError !== 'skip') throw new DataAccessError('BAD_ROW', `${path}:${rec.line} column ${rec.column}: ${rec.message}`, { context: { ...rec } });
      errors.push(rec);
      continue;
    }
    if (n === cap) {
      cap *= 2;
      const u2 = new Int32Array(cap);
      u2.set(users);
      users = u2;
      const i2 = new Int32Array(cap);
      i2.set(items);
      items = i2;
      const w2 = new Float32Array(cap);
      w2.set(weights);
      weights = w2;
    }
    users[n] = Number(rec.user);
    items[n] = Number(rec.item);
    weights[n] = rec.weight;
    n++;
  }
  return { userIds: users.slice(0, n), itemIds: items.slice(0, n), weights: weights.slice(0, n), errors };
}

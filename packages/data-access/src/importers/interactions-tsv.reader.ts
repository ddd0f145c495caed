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
  let cols: [number, number, number] | null = null;
  let names: [string, string, string] = ['user_id', 'item_id', 'weight'];
  const bad = (line: number, column: string, message: string) => {
    const e = { file: path, line, column, message };
    if (options.onError !== 'skip') throw new DataAccessError('BAD_ROW', `${path}:${line} column ${column}: ${message}`, { context: e });
    errors.push(e);
  };
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
      bad(line, 'record', `expected at least ${Math.max(...cols) + 1} fields, found ${fields.length}`);
      continue;
    }
    const raw = cols.map((c) => (fields[c] ?? '').trim());
    const vals = raw.map(Number);
    const which = vals.findIndex((v, k) => raw[k] === '' || !Number.isFinite(v) || (k < 2 && (!Number.isInteger(v) || Math.abs(v) > 2147483647)));
    if (which >= 0) {
      bad(line, names[which] as string, `expected ${which < 2 ? 'an int32 id' : 'a number'}, got ${JSON.stringify(raw[which] ?? '')}`);
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
    users[n] = vals[0] as number;
    items[n] = vals[1] as number;
    weights[n] = vals[2] as number;
    n++;
  }
  return { userIds: users.slice(0, n), itemIds: items.slice(0, n), weights: weights.slice(0, n), errors };
}

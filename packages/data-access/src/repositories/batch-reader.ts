import { CompiledQuery, sql, type Compilable, type Kysely } from 'kysely';
import type { TunekitDb } from '../database';
import { mapConnectionError } from '../importers/import-context';
import type { TunekitDatabase } from '../schema/database';

/** Options of {@link readInBatches}. */
export interface BatchReadOptions {
  /** Rows per batch (default 10,000). */
  batchSize?: number;
  /**
   * A unique, non-null column of the query's output used for keyset pagination on PGlite
   * (the query is re-run as `… WHERE key > last ORDER BY key LIMIT n`). Default `id`.
   */
  keyColumn?: string;
}

/**
 * Streams the rows of a query in batches, never holding the whole result: on PostgreSQL through a
 * server-side cursor (`DECLARE … NO SCROLL CURSOR` inside a read-only transaction, `FETCH n`), on
 * PGlite by keyset pagination on `keyColumn`. Rows come ordered by `keyColumn` on PGlite and in the
 * query's own order on PostgreSQL (give the query an ORDER BY for a stable order on both).
 *
 * @param handle - an open {@link TunekitDb} (its `target.kind` picks the strategy)
 * @param query - a Kysely select query (or any compilable query)
 * @param options - batch size and key column
 * @returns an async iterator of row arrays (each at most `batchSize` long, never empty)
 * @throws DataAccessError `CONNECTION_LOST` when the server goes away mid-stream
 * @example
 * ```ts
 * for await (const batch of readInBatches(handle, handle.db.selectFrom('artist_plays').selectAll().orderBy('id'), { batchSize: 5000 })) {
 *   consume(batch);
 * }
 * ```
 */
export async function* readInBatches<R>(handle: Pick<TunekitDb, 'db' | 'target'>, query: Compilable<R>, options: BatchReadOptions = {}): AsyncGenerator<R[]> {
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 10000));
  const compiled = query.compile();
  const db = handle.db as Kysely<TunekitDatabase>;
  if (handle.target.kind === 'postgres') {
    const trx = await db.startTransaction().setAccessMode('read only').execute();
    let done = false;
    try {
      await trx.executeQuery(CompiledQuery.raw(`DECLARE tunekit_batches NO SCROLL CURSOR FOR ${compiled.sql}`, [...compiled.parameters]));
      for (;;) {
        const r = await trx.executeQuery<R>(CompiledQuery.raw(`FETCH ${batchSize} FROM tunekit_batches`));
        if (r.rows.length === 0) break;
        yield r.rows as R[];
        if (r.rows.length < batchSize) break;
      }
      await trx.executeQuery(CompiledQuery.raw('CLOSE tunekit_batches'));
      await trx.commit().execute();
      done = true;
    } catch (e) {
      throw mapConnectionError(e, 'reading batches through a server-side cursor');
    } finally {
      if (!done) await trx.rollback().execute().catch(() => undefined);
    }
    return;
  }
  const key = options.keyColumn ?? 'id';
  let last: unknown = undefined;
  const n = compiled.parameters.length;
  for (;;) {
    const where = last === undefined ? '' : `WHERE q.${quoteIdent(key)} > $${n + 1}`;
    const text = `SELECT * FROM (${compiled.sql}) AS q ${where} ORDER BY q.${quoteIdent(key)} LIMIT ${batchSize}`;
    const params = last === undefined ? [...compiled.parameters] : [...compiled.parameters, last];
    const r = await db.executeQuery<R>(CompiledQuery.raw(text, params));
    if (r.rows.length === 0) break;
    yield r.rows as R[];
    if (r.rows.length < batchSize) break;
    last = (r.rows[r.rows.length - 1] as Record<string, unknown>)[key];
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Columnar batch of plays. */
export interface PlayBatch {
  /** int32 [n] */
  userIds: Int32Array;
  /** int32 [n] */
  itemIds: Int32Array;
  /** float32 [n] */
  weights: Float32Array;
}

/**
 * Streams user–artist or user–track plays as columnar batches (see {@link readInBatches}),
 * for play tables larger than memory.
 *
 * @param handle - open database
 * @param options.grain - `artist` (artist_plays) or `track` (track_plays)
 * @param options.source - only users of this source
 * @param options.batchSize - rows per batch (default 10,000)
 * @returns async iterator of {@link PlayBatch}
 * @example
 * ```ts
 * for await (const b of streamPlays(handle, { grain: 'artist', source: 'lastfm-2k' })) total += b.userIds.length;
 * ```
 */
export async function* streamPlays(
  handle: Pick<TunekitDb, 'db' | 'target'>,
  options: { grain: 'artist' | 'track'; source?: string; batchSize?: number },
): AsyncGenerator<PlayBatch> {
  const table = options.grain === 'artist' ? 'artist_plays' : 'track_plays';
  const item = options.grain === 'artist' ? 'artist_id' : 'track_id';
  const q = sql<{ id: number; u: number; i: number; w: number }>`SELECT p.id, p.user_id AS u, p.${sql.ref(item)} AS i, p.play_count AS w
    FROM ${sql.table(table)} p JOIN users s ON s.id = p.user_id
    ${options.source === undefined ? sql`` : sql`WHERE s.source = ${options.source}`} ORDER BY p.id`;
  const compilable = { compile: () => q.compile(handle.db) };
  const opts: BatchReadOptions = { keyColumn: 'id' };
  if (options.batchSize !== undefined) opts.batchSize = options.batchSize;
  for await (const rows of readInBatches(handle, compilable, opts)) {
    yield {
      userIds: Int32Array.from(rows, (r) => r.u),
      itemIds: Int32Array.from(rows, (r) => r.i),
      weights: Float32Array.from(rows, (r) => Number(r.w)),
    };
  }
}

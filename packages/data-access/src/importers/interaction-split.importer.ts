import type { ItemKind } from '@tunekit/core';
import type { Kysely, Transaction } from 'kysely';
import { basename } from 'node:path';
import { DataAccessError } from '../errors';
import { itemKindTables } from '../repositories/item-kinds';
import { getIdMap } from '../repositories/lookups.repository';
import type { TunekitDatabase } from '../schema/database';
import { emptyImportResult, insertIgnore, mapConnectionError, sha256File, type ImportResult, type ImportRowError, type OnRowError } from './import-context';
import { isRowError, scanInteractionsTsv, type InteractionRecord } from './interactions-tsv.reader';

/** Options of {@link importInteractionSplit}. */
export interface InteractionSplitImportOptions {
  /** `user<TAB>item<TAB>weight` file with a header (see `readInteractionsTsv` for accepted names). */
  path: string;
  /** Benchmark name, e.g. `lastfm-2k`. */
  dataset: string;
  /** Split name, e.g. `train`, `test`, `validation`. */
  split: string;
  /** What the item column holds: `artist` (→ artists) or `track` (→ tracks). */
  itemKind: ItemKind;
  /** `users.source` the user ids belong to, e.g. `lastfm-2k`. */
  userSource: string;
  /** `artists.source` / `tracks.source` the item ids belong to. */
  itemSource: string;
  /** Malformed row or unknown id: `abort` (default, rolls the whole file back) or `skip` (reported). */
  onError?: OnRowError;
  /** Records per id lookup + INSERT (default 5000). */
  batchSize?: number;
  /** Re-import even when the same content is already recorded. */
  force?: boolean;
}

/** What {@link importInteractionSplit} did; `rowsRead = rowsImported + rowsSkipped + duplicatesDropped`. */
export interface InteractionSplitImportResult extends ImportResult {
  /** Data records read from the file (header excluded); 0 when the file was skipped. */
  rowsRead: number;
  /** Repeats of a (user, item) pair already seen earlier in the file: the first line wins. */
  duplicatesDropped: number;
}

/** The `dataset_imports.dataset` key of one split: one recorded file (checksum) per split. */
function importKey(o: Pick<InteractionSplitImportOptions, 'dataset' | 'split' | 'itemKind'>): string {
  return `interaction-split:${o.dataset}:${o.split}:${o.itemKind}`;
}

/**
 * Imports one benchmark split file (e.g. `benchmarks/lastfm-2k/train.tsv`) into
 * `interaction_splits`, mapping the file's external ids to internal ids through
 * `(userSource, external_id)` of `users` and `(itemSource, external_id)` of `artists`/`tracks`
 * (one lookup per batch, cached). Streams the file; everything happens in one transaction.
 *
 * Idempotent per (dataset, split, itemKind): `dataset_imports` records the file's sha256, a re-run
 * with the same content is skipped, a changed file replaces the split's rows. A (user, item) pair
 * repeated in the file keeps its first line and weight; repeats are counted, not inserted.
 *
 * @param db - open database (users and items must already be imported, e.g. by `importLastfm2k`)
 * @param options - file, split identity, id sources, error policy
 * @returns counts (`rowsRead`, `rowsImported` = rows inserted, `rowsSkipped`, `duplicatesDropped`) and row errors
 * @throws DataAccessError `FILE_NOT_FOUND`; `BAD_ROW` for a header without user/item/weight columns;
 *   `IMPORT_ABORTED` naming file:line, column and id for a malformed row or an id with no
 *   user/item row (onError 'abort'; nothing committed); `INVALID_ARGUMENT` for an unknown item kind;
 *   `CONNECTION_LOST`
 * @example
 * ```ts
 * await importLastfm2k(db, { dir: '../shared/data/hetrec2011-lastfm-2k' });
 * const r = await importInteractionSplit(db, {
 *   path: '../shared/data/benchmarks/lastfm-2k/train.tsv', dataset: 'lastfm-2k', split: 'train',
 *   itemKind: 'artist', userSource: 'lastfm-2k', itemSource: 'lastfm-2k',
 * });
 * r.rowsImported; // 74,272
 * ```
 */
export async function importInteractionSplit(db: Kysely<TunekitDatabase>, options: InteractionSplitImportOptions): Promise<InteractionSplitImportResult> {
  const { path, dataset, split, itemKind, userSource, itemSource } = options;
  const tables = itemKindTables(itemKind);
  const onError = options.onError ?? 'abort';
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 5000));
  const result: InteractionSplitImportResult = { ...emptyImportResult(), rowsRead: 0, duplicatesDropped: 0 };
  const key = importKey(options);
  const checksum = await sha256File(path);
  if (!options.force) {
    const done = await db
      .selectFrom('dataset_imports')
      .select('id')
      .where('dataset', '=', key)
      .where('checksum', '=', checksum)
      .executeTakeFirst()
      .catch((e: unknown) => {
        throw mapConnectionError(e, `checking dataset_imports for ${path}`);
      });
    if (done) {
      result.filesSkipped.push(path);
      return result;
    }
  }

  const userIds = new Map<string, number>();
  const itemIds = new Map<string, number>();
  const seen = new Map<number, Set<number>>();
  const fail = (e: ImportRowError, id?: string) => {
    result.errors.push(e);
    if (onError === 'abort') {
      throw new DataAccessError('IMPORT_ABORTED', `${e.file}:${e.line} column ${e.column}: ${e.message}. Nothing from this file was committed; fix the file or import with onError: 'skip'.`, {
        context: { ...e, ...(id === undefined ? {} : { id }) },
      });
    }
    result.rowsSkipped++;
  };
  const resolve = async (trx: Transaction<TunekitDatabase>, cache: Map<string, number>, table: 'users' | 'artists' | 'tracks', source: string, keys: Iterable<string>) => {
    const missing = [...new Set(keys)].filter((k) => !cache.has(k));
    if (missing.length === 0) return;
    for (const [k, id] of await getIdMap(trx, table, source, missing)) cache.set(k, id);
  };
  const flush = async (trx: Transaction<TunekitDatabase>, batch: InteractionRecord[]) => {
    if (batch.length === 0) return;
    await resolve(trx, userIds, 'users', userSource, batch.map((r) => r.user));
    await resolve(trx, itemIds, tables.items, itemSource, batch.map((r) => r.item));
    const rows: Record<string, unknown>[] = [];
    for (const r of batch) {
      const u = userIds.get(r.user);
      const i = itemIds.get(r.item);
      if (u === undefined || i === undefined) {
        const m = u === undefined
          ? { column: 'user', id: r.user, what: 'user', table: 'users', source: userSource }
          : { column: 'item', id: r.item, what: itemKind, table: tables.items, source: itemSource };
        const message = `unknown ${m.what} id ${JSON.stringify(m.id)}: no ${m.table} row has source "${m.source}" and external_id ${JSON.stringify(m.id)} (import the ${m.table} first)`;
        fail({ file: path, line: r.line, column: m.column, message }, m.id);
        continue;
      }
      let items = seen.get(u);
      if (!items) seen.set(u, (items = new Set()));
      if (items.has(i)) {
        result.duplicatesDropped++;
        continue;
      }
      items.add(i);
      rows.push({ dataset, split, item_kind: itemKind, user_id: u, item_id: i, weight: r.weight, line: r.line });
    }
    result.rowsImported += await insertIgnore(trx, 'interaction_splits', rows);
  };

  try {
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom('interaction_splits').where('dataset', '=', dataset).where('split', '=', split).where('item_kind', '=', itemKind).execute();
      await trx.deleteFrom('dataset_imports').where('dataset', '=', key).execute();
      let batch: InteractionRecord[] = [];
      for await (const rec of scanInteractionsTsv(path)) {
        result.rowsRead++;
        if (isRowError(rec)) {
          // Earlier lines first: an unknown id before this malformed line must be the reported one.
          await flush(trx, batch);
          batch = [];
          fail(rec);
          continue;
        }
        batch.push(rec);
        if (batch.length >= batchSize) {
          await flush(trx, batch);
          batch = [];
        }
      }
      await flush(trx, batch);
      await trx
        .insertInto('dataset_imports')
        .values({ dataset: key, file: basename(path), checksum, rows_imported: result.rowsImported, rows_skipped: result.rowsSkipped })
        .execute();
    });
  } catch (e) {
    throw mapConnectionError(e, `importing ${path}`);
  }
  result.filesImported.push(path);
  return result;
}

import type { ItemKind } from '@tunekit/core';
import { sql, type Kysely } from 'kysely';
import { DataAccessError } from '../errors';
import type { TunekitDatabase } from '../schema/database';
import { externalIdOrder, itemKindTables } from './item-kinds';

/** User–item interactions keyed by EXTERNAL ids (as in the source files), parallel arrays. */
export interface ExternalInteractions {
  /** [n] — `users.external_id` of each pair. */
  userIds: string[];
  /** [n] — `artists.external_id` / `tracks.external_id` of each pair. */
  itemIds: string[];
  /** float32 [n] — weight (play count) of each pair. */
  weights: Float32Array;
}

/**
 * The pairs of one imported benchmark split, in the order of the file they were imported from
 * (by source line; a repeated pair sits at its first line), so indexing users and items by first
 * appearance gives the same indexes as reading the file.
 *
 * @param db - open database
 * @param options.dataset - e.g. `lastfm-2k`
 * @param options.split - e.g. `train`
 * @param options.itemKind - `artist` | `track`
 * @returns userIds [n] and itemIds [n] (external ids), weights float32 [n]
 * @throws DataAccessError `NOT_FOUND` when the split was never imported (see `importInteractionSplit`)
 *   or a row's item no longer exists; `INVALID_ARGUMENT` for an unknown item kind
 * @example
 * ```ts
 * const train = await getInteractionSplit(db, { dataset: 'lastfm-2k', split: 'train', itemKind: 'artist' });
 * train.userIds[0], train.itemIds[0], train.weights[0]; // '2', '51', 13883
 * ```
 */
export async function getInteractionSplit(db: Kysely<TunekitDatabase>, options: { dataset: string; split: string; itemKind: ItemKind }): Promise<ExternalInteractions> {
  const { dataset, split, itemKind } = options;
  const tables = itemKindTables(itemKind);
  const r = await sql<{ u: string; i: string | null; w: number; line: number; item_id: number }>`
    SELECT u.external_id AS u, i.external_id AS i, s.weight AS w, s.line, s.item_id
    FROM interaction_splits s
    JOIN users u ON u.id = s.user_id
    LEFT JOIN ${sql.table(tables.items)} i ON i.id = s.item_id
    WHERE s.dataset = ${dataset} AND s.split = ${split} AND s.item_kind = ${itemKind}
    ORDER BY s.line`.execute(db);
  const rows = r.rows;
  if (rows.length === 0) {
    const recorded = await db.selectFrom('dataset_imports').select('id').where('dataset', '=', `interaction-split:${dataset}:${split}:${itemKind}`).executeTakeFirst();
    if (!recorded) {
      throw new DataAccessError('NOT_FOUND', `No interaction split ${dataset}/${split} (${itemKind}) in the database: import its file with importInteractionSplit first.`, {
        context: { dataset, split, itemKind },
      });
    }
  }
  const userIds = new Array<string>(rows.length);
  const itemIds = new Array<string>(rows.length);
  const weights = new Float32Array(rows.length);
  rows.forEach((x, k) => {
    if (x.i === null) {
      throw new DataAccessError('NOT_FOUND', `Split ${dataset}/${split} line ${x.line}: ${itemKind} id ${x.item_id} no longer exists in ${tables.items}; re-import the split.`, {
        context: { dataset, split, itemKind, line: x.line, id: x.item_id },
      });
    }
    userIds[k] = x.u;
    itemIds[k] = x.i;
    weights[k] = Number(x.w);
  });
  return { userIds, itemIds, weights };
}

/**
 * All plays of one source at the grain of an item kind — `artist_plays` for `artist`,
 * `track_plays` for `track` — summed per (user, item) (counts and timestamped events alike),
 * keyed by external ids. One function for Last.fm hetrec user–artist plays and synthetic or
 * event-based user–track plays: the item kind is a parameter, not a code path.
 *
 * Order: by user external id, then item external id, each in natural order (shorter first, then
 * byte order: `2 < 10 < 100`, `t-9 < t-10`), the same on PGlite and PostgreSQL.
 *
 * @param db - open database
 * @param options.itemKind - `artist` | `track`
 * @param options.source - `users.source` of the plays, e.g. `lastfm-2k`, `synthetic`
 * @param options.itemSource - keep only items of this source (default: any)
 * @returns userIds [n] and itemIds [n] (external ids), weights float32 [n] (summed play counts)
 * @throws DataAccessError `INVALID_ARGUMENT` for an unknown item kind
 * @example
 * ```ts
 * const plays = await getPlaysAsInteractions(db, { itemKind: 'track', source: 'synthetic' });
 * ```
 */
export async function getPlaysAsInteractions(db: Kysely<TunekitDatabase>, options: { itemKind: ItemKind; source: string; itemSource?: string }): Promise<ExternalInteractions> {
  const tables = itemKindTables(options.itemKind);
  const itemFilter = options.itemSource === undefined ? sql`` : sql`AND i.source = ${options.itemSource}`;
  const r = await sql<{ u: string; i: string; w: number }>`
    SELECT u.external_id AS u, i.external_id AS i, sum(p.play_count) AS w
    FROM ${sql.table(tables.plays)} p
    JOIN users u ON u.id = p.user_id
    JOIN ${sql.table(tables.items)} i ON i.id = p.${sql.ref(tables.playsItemColumn)}
    WHERE u.source = ${options.source} ${itemFilter}
    GROUP BY u.id, u.external_id, i.id, i.external_id
    ORDER BY ${externalIdOrder('u.external_id')}, ${externalIdOrder('i.external_id')}`.execute(db);
  return {
    userIds: r.rows.map((x) => x.u),
    itemIds: r.rows.map((x) => x.i),
    weights: Float32Array.from(r.rows, (x) => Number(x.w)),
  };
}

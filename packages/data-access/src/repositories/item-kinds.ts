import type { ItemKind } from '@tunekit/core';
import { sql, type RawBuilder } from 'kysely';
import { DataAccessError } from '../errors';

/** Where each item kind lives: its entity table and its plays table with the item column. */
export interface ItemKindTables {
  items: 'artists' | 'tracks';
  plays: 'artist_plays' | 'track_plays';
  playsItemColumn: 'artist_id' | 'track_id';
}

/** The item kinds as data: one registry instead of a branch per kind. */
export const ITEM_KIND_TABLES: Readonly<Record<ItemKind, ItemKindTables>> = Object.freeze({
  artist: Object.freeze({ items: 'artists', plays: 'artist_plays', playsItemColumn: 'artist_id' }),
  track: Object.freeze({ items: 'tracks', plays: 'track_plays', playsItemColumn: 'track_id' }),
});

/**
 * The tables of an item kind.
 * @throws DataAccessError `INVALID_ARGUMENT` for a kind other than `artist` / `track`
 */
export function itemKindTables(kind: ItemKind): ItemKindTables {
  const t = Object.hasOwn(ITEM_KIND_TABLES, kind) ? ITEM_KIND_TABLES[kind] : undefined;
  if (!t) throw new DataAccessError('INVALID_ARGUMENT', `Unknown item kind ${JSON.stringify(kind)}: use 'artist' or 'track'.`, { context: { itemKind: String(kind) } });
  return t;
}

/**
 * ORDER BY terms for external ids in "natural" order, identical on PGlite and PostgreSQL: shorter
 * first, then byte order (`COLLATE "C"`). Unsigned integers without leading zeros sort numerically
 * (2 < 10 < 100) and ids sharing a prefix sort by their number (`t-9` < `t-10`).
 */
export function externalIdOrder(column: string): RawBuilder<unknown> {
  return sql`length(${sql.ref(column)}), ${sql.ref(column)} COLLATE "C"`;
}

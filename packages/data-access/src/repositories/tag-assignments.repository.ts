import type { ItemKind } from '@tunekit/core';
import { sql, type Kysely } from 'kysely';
import type { TunekitDatabase } from '../schema/database';
import { externalIdOrder, itemKindTables } from './item-kinds';

/** Tag assignments keyed by external ids, parallel arrays (one entry per assignment row). */
export interface TagAssignmentColumns {
  /** [n] — external id of the user who assigned the tag, or null (editorial tags). */
  userIds: (string | null)[];
  /** [n] — external id of the tagged artist / track. */
  itemIds: string[];
  /** [n] — tag name. */
  tags: string[];
}

/**
 * Every tag assignment on the items of one kind and source, with the assigning user (so callers can
 * keep only assignments on training pairs), in a deterministic order (item, user, tag, id).
 *
 * @param db - open database
 * @param options.itemKind - `artist` or `track` (which `tag_assignments` column and entity table)
 * @param options.source - the items' source (e.g. `lastfm-2k`)
 * @returns parallel arrays: userIds (null when no user), itemIds, tag names
 * @throws DataAccessError `INVALID_ARGUMENT` for an unknown item kind
 * @example
 * ```ts
 * const t = await getTagAssignments(db, { itemKind: 'artist', source: 'lastfm-2k' }); // 186k rows
 * ```
 */
export async function getTagAssignments(db: Kysely<TunekitDatabase>, options: { itemKind: ItemKind; source: string }): Promise<TagAssignmentColumns> {
  const t = itemKindTables(options.itemKind);
  const column = t.playsItemColumn;
  const r = await sql<{ u: string | null; i: string; tag: string }>`
    SELECT u.external_id AS u, i.external_id AS i, g.name AS tag
    FROM tag_assignments ta
    JOIN ${sql.table(t.items)} i ON i.id = ta.${sql.ref(column)}
    JOIN tags g ON g.id = ta.tag_id
    LEFT JOIN users u ON u.id = ta.user_id
    WHERE i.source = ${options.source}
    ORDER BY ${externalIdOrder('i.external_id')}, ${externalIdOrder('u.external_id')}, g.name COLLATE "C", ta.id`.execute(db);
  return { userIds: r.rows.map((x) => x.u), itemIds: r.rows.map((x) => x.i), tags: r.rows.map((x) => x.tag) };
}

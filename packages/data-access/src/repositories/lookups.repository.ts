import { sql, type Kysely } from 'kysely';
import type { TunekitDatabase } from '../schema/database';

/** Tables with a `(source, external_id)` natural key. */
export type ExternalIdTable = 'artists' | 'albums' | 'tracks' | 'genres' | 'tags' | 'users' | 'playlists';

/**
 * Maps `(source, external_id)` to integer ids for one table: every key of the source, or only
 * the given ones (absent keys are simply missing from the map).
 *
 * @param db - open database
 * @param table - entity table
 * @param source - e.g. `lastfm-2k`
 * @param externalIds - restrict to these keys
 * @returns `Map<external_id, id>`
 * @example
 * ```ts
 * const artists = await getIdMap(db, 'artists', 'lastfm-2k', ['51', '52']);
 * artists.get('51'); // integer artist id
 * ```
 */
export async function getIdMap(db: Kysely<TunekitDatabase>, table: ExternalIdTable, source: string, externalIds?: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const run = async (keys: readonly string[] | null) => {
    let q = db.selectFrom(table).select(['id', 'external_id']).where('source', '=', source);
    if (keys) q = q.where(sql<boolean>`external_id = any(${sql.val([...keys])}::text[])`);
    for (const r of await q.execute()) out.set(r.external_id, r.id);
  };
  if (externalIds === undefined) await run(null);
  else for (let i = 0; i < externalIds.length; i += 10000) await run(externalIds.slice(i, i + 10000));
  return out;
}

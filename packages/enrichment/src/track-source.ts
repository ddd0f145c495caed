import { existsSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { readDelimited, type TunekitDatabase } from '@tunekit/data-access';
import type { EnrichmentTarget } from './enrichment.job';
import { EnrichmentError } from './errors';

/**
 * Reads provider track ids from a CSV file (any CSV with an id column, e.g. the Spotify tracks
 * dataset or a one-column list). Duplicates are dropped, order kept.
 *
 * @param file - CSV path
 * @param column - id column name (default `track_id`)
 * @returns unique non-empty ids (a promise: the file is streamed)
 * @throws EnrichmentError `FILE_NOT_FOUND`, `INVALID_INPUT` (missing column, naming the file)
 * @example
 * ```ts
 * const ids = await readTrackIdsCsv('../shared/data/spotify-tracks-114k-sample/dataset_subset.csv');
 * ```
 */
export async function readTrackIdsCsv(file: string, column = 'track_id'): Promise<string[]> {
  if (!existsSync(file)) throw new EnrichmentError('FILE_NOT_FOUND', `--tracks ${file}: no such file (give a CSV path or "db")`, { context: { file } });
  let c = -1;
  const ids = new Set<string>();
  // The streaming RFC 4180 reader of @tunekit/data-access (quotes, embedded newlines, line numbers).
  for await (const { line, fields } of readDelimited(file)) {
    if (c < 0) {
      c = fields.indexOf(column);
      if (c < 0) throw new EnrichmentError('INVALID_INPUT', `${file}:${line}: no column "${column}" in the header (${fields.slice(0, 8).join(', ')})`, { context: { file, line, key: column } });
      continue;
    }
    const id = (fields[c] ?? '').trim();
    if (id !== '') ids.add(id);
  }
  return [...ids];
}

/**
 * Makes sure each provider id has a `tracks` row (`source`, `external_id`) and returns the
 * database ids, so progress can reference them.
 *
 * @param db - the tunekit database
 * @param source - `tracks.source` (e.g. `spotify`)
 * @param externalIds - provider ids
 * @returns one target per id, in input order
 * @example
 * ```ts
 * const targets = await ensureTracks(db, 'spotify', ids);
 * ```
 */
export async function ensureTracks(db: Kysely<TunekitDatabase>, source: string, externalIds: readonly string[]): Promise<EnrichmentTarget[]> {
  const ids = new Map<string, number>();
  for (let s = 0; s < externalIds.length; s += 1000) {
    const chunk = externalIds.slice(s, s + 1000);
    await db
      .insertInto('tracks')
      .values(chunk.map((e) => ({ source, external_id: e })))
      .onConflict((oc) => oc.columns(['source', 'external_id']).doNothing())
      .execute();
    const rows = await db.selectFrom('tracks').select(['id', 'external_id']).where('source', '=', source).where('external_id', 'in', chunk).execute();
    for (const r of rows) ids.set(r.external_id, r.id);
  }
  return externalIds.map((e) => ({ trackId: ids.get(e) as number, externalId: e }));
}

/**
 * Every track of a source already in the database.
 *
 * @param db - the tunekit database
 * @param source - `tracks.source`
 * @returns targets ordered by id
 * @example
 * ```ts
 * const targets = await tracksFromDatabase(db, 'spotify');
 * ```
 */
export async function tracksFromDatabase(db: Kysely<TunekitDatabase>, source: string): Promise<EnrichmentTarget[]> {
  const rows = await db.selectFrom('tracks').select(['id', 'external_id']).where('source', '=', source).orderBy('id').execute();
  return rows.map((r) => ({ trackId: r.id, externalId: r.external_id }));
}

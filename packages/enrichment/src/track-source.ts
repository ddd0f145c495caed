import { existsSync, readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import type { TunekitDatabase } from '@tunekit/data-access';
import type { EnrichmentTarget } from './enrichment.job';
import { EnrichmentError } from './errors';

/**
 * Reads provider track ids from a CSV file (any CSV with an id column, e.g. the Spotify tracks
 * dataset or a one-column list). Duplicates are dropped, order kept.
 *
 * @param file - CSV path
 * @param column - id column name (default `track_id`)
 * @returns unique non-empty ids
 * @throws EnrichmentError `FILE_NOT_FOUND`, `INVALID_INPUT` (missing column, naming the file)
 * @example
 * ```ts
 * const ids = readTrackIdsCsv('../shared/data/spotify-tracks-114k-sample/dataset_subset.csv');
 * ```
 */
export function readTrackIdsCsv(file: string, column = 'track_id'): string[] {
  if (!existsSync(file)) throw new EnrichmentError('FILE_NOT_FOUND', `--tracks ${file}: no such file (give a CSV path or "db")`, { context: { file } });
  const rows = parseCsvRows(readFileSync(file, 'utf8'));
  const header = rows[0] ?? [];
  const c = header.indexOf(column);
  if (c < 0) throw new EnrichmentError('INVALID_INPUT', `${file}:1: no column "${column}" in the header (${header.slice(0, 8).join(', ')})`, { context: { file, line: 1, key: column } });
  return [...new Set(rows.slice(1).map((r) => (r[c] ?? '').trim()).filter((id) => id !== ''))];
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

function parseCsvRows(text: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let field = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (q) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else q = false;
      } else field += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      out.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    out.push(row);
  }
  return out;
}

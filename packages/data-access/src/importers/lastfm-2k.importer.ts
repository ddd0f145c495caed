import { join } from 'node:path';
import type { Kysely, Transaction } from 'kysely';
import type { TunekitDatabase } from '../schema/database';
import {
  IdResolver,
  emptyImportResult,
  importDelimitedFile,
  insertIgnore,
  isoDate,
  mergeImportResults,
  type ImportOptions,
  type ImportResult,
} from './import-context';

const SOURCE = 'lastfm-2k';

/** Options of {@link importLastfm2k}. */
export interface Lastfm2kImportOptions extends ImportOptions {
  /** Folder of hetrec2011-lastfm-2k (`artists.dat`, `tags.dat`, `user_artists.dat`, `user_taggedartists.dat`, `user_friends.dat`). */
  dir: string;
}

/** A stub for an artist referenced but absent from `artists.dat` (390 in hetrec's tag file). */
const artistStub = (k: string) => ({ name: '', extra: JSON.stringify({ stub: true, note: `artist ${k} is referenced but not listed in artists.dat` }) });
const userStub = () => ({});

const tsv = { delimiter: '\t', quotes: false } as const;

/**
 * Imports the HetRec 2011 Last.fm 2k dataset: `artists.dat` (UTF-8) → artists,
 * `tags.dat` (ISO-8859-1) → tags, `user_artists.dat` → artist_plays (weight = play count),
 * `user_taggedartists.dat` → tag_assignments with the day, `user_friends.dat` → friendships.
 * Users are created from the ids they appear with (source `lastfm-2k`).
 *
 * @param db - open database
 * @param options - `dir` and {@link ImportOptions}
 * @returns the summed result of the five files
 * @throws DataAccessError `FILE_NOT_FOUND`, `IMPORT_ABORTED`, `CONNECTION_LOST`
 * @example
 * ```ts
 * const r = await importLastfm2k(db, { dir: '../shared/data/hetrec2011-lastfm-2k' });
 * ```
 */
export async function importLastfm2k(db: Kysely<TunekitDatabase>, options: Lastfm2kImportOptions): Promise<ImportResult> {
  const ids = new IdResolver(SOURCE);
  const result = emptyImportResult();
  const dir = options.dir;
  mergeImportResults(
    result,
    await importDelimitedFile<Record<string, unknown>>(
      db,
      {
        dataset: SOURCE,
        file: join(dir, 'artists.dat'),
        ...tsv,
        requiredColumns: ['id', 'name', 'url', 'pictureURL'],
        parse: (r) => ({ source: SOURCE, external_id: String(r.int('id')), name: r.text('name'), url: r.textOrNull('url'), extra: JSON.stringify({ picture_url: r.textOrNull('pictureURL') }) }),
        flush: async (trx, rows) => {
          await insertIgnore(trx, 'artists', rows);
        },
      },
      options,
    ),
  );
  mergeImportResults(
    result,
    await importDelimitedFile<Record<string, unknown>>(
      db,
      {
        dataset: SOURCE,
        file: join(dir, 'tags.dat'),
        ...tsv,
        encoding: 'latin1',
        requiredColumns: ['tagID', 'tagValue'],
        parse: (r) => ({ source: SOURCE, external_id: String(r.int('tagID')), name: r.text('tagValue') }),
        flush: async (trx, rows) => {
          await insertIgnore(trx, 'tags', rows);
        },
      },
      options,
    ),
  );
  const plays = async (trx: Transaction<TunekitDatabase>, rows: { user: string; artist: string; weight: number }[]) => {
    const users = await ids.ensure(trx, 'users', rows.map((x) => x.user), userStub);
    const artists = await ids.ensure(trx, 'artists', rows.map((x) => x.artist), artistStub);
    await insertIgnore(trx, 'artist_plays', rows.map((x) => ({ user_id: users.get(x.user) as number, artist_id: artists.get(x.artist) as number, play_count: x.weight })));
  };
  mergeImportResults(
    result,
    await importDelimitedFile(
      db,
      {
        dataset: SOURCE,
        file: join(dir, 'user_artists.dat'),
        ...tsv,
        requiredColumns: ['userID', 'artistID', 'weight'],
        parse: (r) => ({ user: String(r.int('userID')), artist: String(r.int('artistID')), weight: r.int('weight') }),
        flush: plays,
      },
      options,
    ),
  );
  mergeImportResults(
    result,
    await importDelimitedFile(
      db,
      {
        dataset: SOURCE,
        file: join(dir, 'user_taggedartists.dat'),
        ...tsv,
        requiredColumns: ['userID', 'artistID', 'tagID', 'day', 'month', 'year'],
        parse: (r) => ({ user: String(r.int('userID')), artist: String(r.int('artistID')), tag: String(r.int('tagID')), day: isoDate(r.int('year'), r.int('month'), r.int('day'), 'day') }),
        flush: async (trx, rows) => {
          const users = await ids.ensure(trx, 'users', rows.map((x) => x.user), userStub);
          const artists = await ids.ensure(trx, 'artists', rows.map((x) => x.artist), artistStub);
          const tags = await ids.ensure(trx, 'tags', rows.map((x) => x.tag), (k) => ({ name: `tag ${k}` }));
          await insertIgnore(
            trx,
            'tag_assignments',
            rows.map((x) => ({ tag_id: tags.get(x.tag) as number, user_id: users.get(x.user) as number, artist_id: artists.get(x.artist) as number, tagged_on: x.day })),
          );
        },
      },
      options,
    ),
  );
  mergeImportResults(
    result,
    await importDelimitedFile(
      db,
      {
        dataset: SOURCE,
        file: join(dir, 'user_friends.dat'),
        ...tsv,
        requiredColumns: ['userID', 'friendID'],
        parse: (r) => ({ user: String(r.int('userID')), friend: String(r.int('friendID')) }),
        flush: async (trx, rows) => {
          const users = await ids.ensure(trx, 'users', rows.flatMap((x) => [x.user, x.friend]), userStub);
          await insertIgnore(trx, 'friendships', rows.map((x) => ({ user_id: users.get(x.user) as number, friend_id: users.get(x.friend) as number })));
        },
      },
      options,
    ),
  );
  return result;
}

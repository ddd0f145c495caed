import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { TunekitDatabase } from '../schema/database';
import { IdResolver, emptyImportResult, importDelimitedFile, insertIgnore, isoDate, mergeImportResults, RowError, type ImportOptions, type ImportResult } from './import-context';

const SOURCE = 'lastfm-360k';
const MONTHS: Readonly<Record<string, number>> = Object.freeze({ Jan: 1, Feb: 2, Mar: 3, Apr: 4, May: 5, Jun: 6, Jul: 7, Aug: 8, Sep: 9, Oct: 10, Nov: 11, Dec: 12 });

/** Options of {@link importLastfm360k}. */
export interface Lastfm360kImportOptions extends ImportOptions {
  /** Folder with `usersha1-profile.tsv` and `usersha1-artmbid-artname-plays.tsv` (either may be absent). */
  dir?: string;
  /** Explicit profile file (overrides `dir`). */
  profileFile?: string;
  /** Explicit plays file (overrides `dir`). */
  playsFile?: string;
}

/** Parses `Feb 1, 2007` → `2007-02-01`. */
function parseSignup(text: string): string | null {
  const v = text.trim();
  if (v === '') return null;
  const m = /^([A-Z][a-z]{2}) (\d{1,2}), (\d{4})$/.exec(v);
  const month = m ? MONTHS[m[1] as string] : undefined;
  if (!m || month === undefined) throw new RowError('signup', `expected a date like "Feb 1, 2007", got ${JSON.stringify(v.slice(0, 40))}`);
  return isoDate(Number(m[3]), month, Number(m[2]), 'signup');
}

/** The artist key of a 360K play: the MusicBrainz id, else `name:<artist name>`. */
export function lastfm360kArtistKey(mbid: string, name: string): string {
  return mbid.trim() !== '' ? mbid.trim() : `name:${name.trim().toLowerCase()}`;
}

/**
 * Imports the Last.fm 360K files (headerless TSV): profiles `sha1, gender, age ("22.0"), country,
 * signup ("Feb 1, 2007")` → users; plays `sha1, artist mbid, artist name, plays` → artist_plays,
 * artists keyed by mbid (or `name:<lowercased name>` when the mbid is empty).
 *
 * @param db - open database
 * @param options - folder/files and {@link ImportOptions}
 * @returns the summed result of both files
 * @throws DataAccessError `FILE_NOT_FOUND`, `IMPORT_ABORTED`, `CONNECTION_LOST`
 * @example
 * ```ts
 * await importLastfm360k(db, { dir: '../shared/data/lastfm-lfm-360k-sample' });
 * ```
 */
export async function importLastfm360k(db: Kysely<TunekitDatabase>, options: Lastfm360kImportOptions): Promise<ImportResult> {
  const ids = new IdResolver(SOURCE);
  const result = emptyImportResult();
  const profileFile = options.profileFile ?? (options.dir ? join(options.dir, 'usersha1-profile.tsv') : undefined);
  const playsFile = options.playsFile ?? (options.dir ? join(options.dir, 'usersha1-artmbid-artname-plays.tsv') : undefined);
  const headerless = { delimiter: '\t', quotes: false, headerless: true } as const;
  if (profileFile) {
    mergeImportResults(
      result,
      await importDelimitedFile<Record<string, unknown>>(
        db,
        {
          dataset: SOURCE,
          file: profileFile,
          ...headerless,
          requiredColumns: ['user', 'gender', 'age', 'country', 'signup'],
          parse: (r) => {
            const gender = r.text('gender').trim();
            if (gender !== '' && gender !== 'm' && gender !== 'f') throw new RowError('gender', `expected m, f or empty, got ${JSON.stringify(gender)}`);
            const age = r.numOrNull('age');
            return { source: SOURCE, external_id: r.required('user'), gender: gender === '' ? null : gender, age, country: r.textOrNull('country'), signup_date: parseSignup(r.text('signup')) };
          },
          flush: async (trx, rows) => {
            await insertIgnore(trx, 'users', rows);
          },
        },
        options,
      ),
    );
  }
  if (playsFile) {
    mergeImportResults(
      result,
      await importDelimitedFile(
        db,
        {
          dataset: SOURCE,
          file: playsFile,
          ...headerless,
          requiredColumns: ['user', 'mbid', 'name', 'plays'],
          parse: (r) => {
            const name = r.text('name');
            const mbid = r.text('mbid');
            if (name.trim() === '' && mbid.trim() === '') throw new RowError('mbid', 'both the artist mbid and the artist name are empty');
            return { user: r.required('user'), artist: lastfm360kArtistKey(mbid, name), name, mbid: mbid.trim() || null, plays: r.int('plays') };
          },
          flush: async (trx, rows) => {
            const names = new Map(rows.map((x) => [x.artist, x]));
            const users = await ids.ensure(trx, 'users', rows.map((x) => x.user), () => ({}));
            const artists = await ids.ensure(trx, 'artists', names.keys(), (k) => ({ name: names.get(k)?.name ?? '', extra: JSON.stringify({ mbid: names.get(k)?.mbid ?? null }) }));
            await insertIgnore(trx, 'artist_plays', rows.map((x) => ({ user_id: users.get(x.user) as number, artist_id: artists.get(x.artist) as number, play_count: x.plays })));
          },
        },
        options,
      ),
    );
  }
  return result;
}

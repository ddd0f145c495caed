import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { parsePythonLiteral, type PythonValue } from '../csv/python-literal';
import type { TunekitDatabase } from '../schema/database';
import {
  IdResolver,
  emptyImportResult,
  importDelimitedFile,
  insertIgnore,
  mergeImportResults,
  parseUsDateTime,
  RowError,
  type ImportOptions,
  type ImportResult,
} from './import-context';

const SOURCE = 'fma';

/** Where the FMA files are; any folder left out is not imported. */
export interface FmaImportOptions extends ImportOptions {
  /** Folder with `genres.csv` (the FMA genre hierarchy, 163 genres). */
  genresDir?: string;
  /** Folder with `raw_albums_excerpt.utf8.csv` and `raw_tracks_excerpt.utf8.csv`. */
  rawDir?: string;
  /** Explicit raw albums file (overrides `rawDir`). */
  rawAlbumsFile?: string;
  /** Explicit raw tracks file (overrides `rawDir`). */
  rawTracksFile?: string;
  /** Folder with `echonest_audio_features.csv` and `track_genres.csv`. */
  echonestDir?: string;
}

/**
 * Imports the FMA genre hierarchy (`genre_id,#tracks,parent,title,top_level`): genres with
 * `parent_id` / `top_level_id` resolved (parent 0 = root).
 *
 * @param db - open database
 * @param file - path of `genres.csv`
 * @param options - see {@link ImportOptions}
 * @returns counts and row errors
 * @throws DataAccessError `FILE_NOT_FOUND`, `IMPORT_ABORTED` (malformed row, onError 'abort'), `CONNECTION_LOST`
 * @example
 * ```ts
 * await importFmaGenres(db, '../shared/data/fma-genres/genres.csv');
 * ```
 */
export async function importFmaGenres(db: Kysely<TunekitDatabase>, file: string, options: ImportOptions = {}): Promise<ImportResult> {
  interface Row {
    id: string;
    title: string;
    parent: string | null;
    top: string | null;
    count: number | null;
  }
  const pending: Row[] = [];
  return importDelimitedFile<Row>(
    db,
    {
      dataset: 'fma-genres',
      file,
      requiredColumns: ['genre_id', '#tracks', 'parent', 'title', 'top_level'],
      parse: (r) => {
        const parent = r.int('parent');
        const top = r.intOrNull('top_level');
        return {
          id: String(r.int('genre_id')),
          title: r.required('title'),
          parent: parent === 0 ? null : String(parent),
          top: top === null || top === 0 ? null : String(top),
          count: r.intOrNull('#tracks'),
        };
      },
      flush: async (trx, rows) => {
        await insertIgnore(trx, 'genres', rows.map((g) => ({ source: SOURCE, external_id: g.id, title: g.title, track_count: g.count })));
        pending.push(...rows); // parents may come later in the file
      },
      finish: async (trx) => {
        if (pending.length === 0) return;
        await sql`UPDATE genres g SET parent_id = p.id, top_level_id = t.id
          FROM unnest(${sql.val(pending.map((g) => g.id))}::text[], ${sql.val(pending.map((g) => g.parent))}::text[], ${sql.val(pending.map((g) => g.top))}::text[]) AS u(ext, parent, top)
          LEFT JOIN genres p ON p.source = ${SOURCE} AND p.external_id = u.parent
          LEFT JOIN genres t ON t.source = ${SOURCE} AND t.external_id = u.top
          WHERE g.source = ${SOURCE} AND g.external_id = u.ext`.execute(trx);
      },
    },
    options,
  );
}

/**
 * Imports FMA raw albums (`raw_albums*.csv`): title, date created, year released, listens,
 * favorites, comments, track count, type.
 *
 * @param db - open database
 * @param file - path of the raw albums CSV
 * @param options - see {@link ImportOptions}
 * @returns counts and row errors
 * @throws DataAccessError `FILE_NOT_FOUND`, `IMPORT_ABORTED`, `CONNECTION_LOST`
 * @example
 * ```ts
 * await importFmaAlbums(db, 'raw_albums_excerpt.utf8.csv', { onError: 'skip' });
 * ```
 */
export async function importFmaAlbums(db: Kysely<TunekitDatabase>, file: string, options: ImportOptions = {}): Promise<ImportResult> {
  return importDelimitedFile<Record<string, unknown>>(
    db,
    {
      dataset: 'fma-raw',
      file,
      requiredColumns: ['album_id', 'album_title', 'album_date_created', 'album_year_released', 'album_listens', 'album_favorites', 'album_comments', 'album_tracks', 'album_type'],
      parse: (r) => {
        const created = parseUsDateTime(r.text('album_date_created'), 'album_date_created');
        return {
          source: SOURCE,
          external_id: String(r.int('album_id')),
          title: r.textOrNull('album_title'),
          date_created: created.date,
          year_released: r.intOrNull('album_year_released'),
          listens: r.intOrNull('album_listens'),
          favorites: r.intOrNull('album_favorites'),
          comments: r.intOrNull('album_comments'),
          track_count: r.intOrNull('album_tracks'),
          album_type: r.textOrNull('album_type'),
          extra: JSON.stringify({ url: r.textOrNull('album_url'), artist_name: r.textOrNull('artist_name'), created_year: created.year }),
        };
      },
      flush: async (trx, rows) => {
        await insertIgnore(trx, 'albums', rows);
      },
    },
    options,
  );
}

interface FmaTrackRow {
  track: Record<string, unknown>;
  artist: { id: string; name: string; url: string | null } | null;
  album: { id: string; title: string | null } | null;
  genres: { id: string; title: string }[];
}

function parseGenreList(text: string): { id: string; title: string }[] {
  if (text.trim() === '') return [];
  let v: PythonValue;
  try {
    v = parsePythonLiteral(text);
  } catch (e) {
    throw new RowError('track_genres', (e as Error).message);
  }
  if (!Array.isArray(v)) throw new RowError('track_genres', 'expected a list of genre dicts');
  return v.map((g) => {
    if (g === null || typeof g !== 'object' || Array.isArray(g) || g['genre_id'] === undefined) throw new RowError('track_genres', 'expected dicts with genre_id');
    return { id: String(g['genre_id']), title: String(g['genre_title'] ?? '') };
  });
}

/**
 * Imports FMA raw tracks (`raw_tracks*.csv`): tracks with listens/favorites/interest/comments,
 * duration (s), track/disc number, date created (or only the year), bit rate, language,
 * explicit (`Radio-Unsafe` → true); artists; album stubs for albums missing from the album file;
 * genres from the Python-literal `track_genres` list (first = primary).
 *
 * @param db - open database
 * @param file - path of the raw tracks CSV
 * @param options - see {@link ImportOptions}
 * @returns counts and row errors
 * @throws DataAccessError `FILE_NOT_FOUND`, `IMPORT_ABORTED`, `CONNECTION_LOST`
 * @example
 * ```ts
 * const r = await importFmaTracks(db, 'raw_tracks_excerpt.utf8.csv');
 * console.log(r.rowsImported); // 2000
 * ```
 */
export async function importFmaTracks(db: Kysely<TunekitDatabase>, file: string, options: ImportOptions = {}): Promise<ImportResult> {
  const ids = new IdResolver(SOURCE);
  return importDelimitedFile<FmaTrackRow>(
    db,
    {
      dataset: 'fma-raw',
      file,
      requiredColumns: ['track_id', 'album_id', 'artist_id', 'artist_name', 'track_date_created', 'track_duration', 'track_listens', 'track_genres'],
      parse: (r) => {
        const created = parseUsDateTime(r.text('track_date_created'), 'track_date_created');
        const explicitText = r.text('track_explicit').trim();
        const artistId = r.intOrNull('artist_id');
        const albumId = r.intOrNull('album_id');
        return {
          track: {
            source: SOURCE,
            external_id: String(r.int('track_id')),
            title: r.textOrNull('track_title'),
            duration_s: r.numOrNull('track_duration'),
            track_number: r.intOrNull('track_number'),
            disc_number: r.intOrNull('track_disc_number'),
            listens: r.intOrNull('track_listens'),
            favorites: r.intOrNull('track_favorites'),
            interest: r.intOrNull('track_interest'),
            comments: r.intOrNull('track_comments'),
            date_created: created.date,
            year_created: created.year,
            explicit: explicitText === '' ? null : explicitText === 'Radio-Unsafe',
            bit_rate: r.intOrNull('track_bit_rate'),
            language: r.textOrNull('track_language_code'),
            extra: JSON.stringify({ url: r.textOrNull('track_url'), instrumental: r.intOrNull('track_instrumental') }),
          },
          artist: artistId === null ? null : { id: String(artistId), name: r.text('artist_name'), url: r.textOrNull('artist_url') },
          album: albumId === null ? null : { id: String(albumId), title: r.textOrNull('album_title') },
          genres: parseGenreList(r.text('track_genres')),
        };
      },
      flush: async (trx, rows) => {
        const artists = new Map(rows.flatMap((x) => (x.artist ? [[x.artist.id, x.artist] as const] : [])));
        const albums = new Map(rows.flatMap((x) => (x.album ? [[x.album.id, x.album] as const] : [])));
        const genres = new Map(rows.flatMap((x) => x.genres.map((g) => [g.id, g] as const)));
        const artistIds = await ids.ensure(trx, 'artists', artists.keys(), (k) => ({ name: artists.get(k)?.name ?? '', url: artists.get(k)?.url ?? null }));
        const albumIds = await ids.ensure(trx, 'albums', albums.keys(), (k) => ({ title: albums.get(k)?.title ?? null }));
        const genreIds = await ids.ensure(trx, 'genres', genres.keys(), (k) => ({ title: genres.get(k)?.title || `fma genre ${k}` }));
        await insertIgnore(
          trx,
          'tracks',
          rows.map((x) => ({
            ...x.track,
            artist_id: x.artist ? (artistIds.get(x.artist.id) ?? null) : null,
            album_id: x.album ? (albumIds.get(x.album.id) ?? null) : null,
          })),
        );
        const trackIds = await ids.ensure(trx, 'tracks', rows.map((x) => x.track['external_id'] as string), () => ({}));
        const links: Record<string, unknown>[] = [];
        const trackArtists: Record<string, unknown>[] = [];
        for (const x of rows) {
          const tid = trackIds.get(x.track['external_id'] as string) as number;
          x.genres.forEach((g, i) => links.push({ track_id: tid, genre_id: genreIds.get(g.id) as number, is_primary: i === 0 }));
          if (x.artist) trackArtists.push({ track_id: tid, artist_id: artistIds.get(x.artist.id) as number, position: 0 });
        }
        await insertIgnore(trx, 'track_genres', links);
        await insertIgnore(trx, 'track_artists', trackArtists);
      },
      finish: async (trx) => {
        // raw_albums has no artist id: take it from the album's tracks.
        await sql`UPDATE albums a SET artist_id = t.artist_id FROM tracks t
          WHERE t.album_id = a.id AND a.artist_id IS NULL AND a.source = ${SOURCE} AND t.artist_id IS NOT NULL`.execute(trx);
      },
    },
    options,
  );
}

/**
 * Imports FMA echonest audio features (`track_id,acousticness,…,valence`); tracks not yet in the
 * database get a stub row (source `fma`, only the id) so every feature row lands.
 *
 * @param db - open database
 * @param file - path of `echonest_audio_features.csv`
 * @param options - see {@link ImportOptions}
 * @returns counts and row errors
 * @throws DataAccessError `FILE_NOT_FOUND`, `IMPORT_ABORTED`, `CONNECTION_LOST`
 * @example
 * ```ts
 * await importFmaEchonestFeatures(db, 'echonest_audio_features.csv');
 * ```
 */
export async function importFmaEchonestFeatures(db: Kysely<TunekitDatabase>, file: string, options: ImportOptions = {}): Promise<ImportResult> {
  const ids = new IdResolver(SOURCE);
  const cols = ['acousticness', 'danceability', 'energy', 'instrumentalness', 'liveness', 'speechiness', 'tempo', 'valence'] as const;
  return importDelimitedFile<{ ext: string; values: Record<string, number | null> }>(
    db,
    {
      dataset: 'fma-echonest',
      file,
      requiredColumns: ['track_id', ...cols],
      parse: (r) => ({ ext: String(r.int('track_id')), values: Object.fromEntries(cols.map((c) => [c, r.numOrNull(c)])) }),
      flush: async (trx, rows) => {
        const tids = await ids.ensure(trx, 'tracks', rows.map((x) => x.ext), () => ({}));
        await insertIgnore(trx, 'audio_features', rows.map((x) => ({ track_id: tids.get(x.ext) as number, source: 'fma-echonest', ...x.values })));
      },
    },
    options,
  );
}

/**
 * Imports the echonest subset's long `track_genres.csv` (`,track_id,genre_id,genre_title`) into
 * `track_genres` (never primary); unknown tracks/genres get stub rows.
 *
 * @param db - open database
 * @param file - path of `track_genres.csv`
 * @param options - see {@link ImportOptions}
 * @returns counts and row errors
 * @throws DataAccessError `FILE_NOT_FOUND`, `IMPORT_ABORTED`, `CONNECTION_LOST`
 * @example
 * ```ts
 * await importFmaTrackGenres(db, 'track_genres.csv');
 * ```
 */
export async function importFmaTrackGenres(db: Kysely<TunekitDatabase>, file: string, options: ImportOptions = {}): Promise<ImportResult> {
  const ids = new IdResolver(SOURCE);
  return importDelimitedFile<{ track: string; genre: string; title: string }>(
    db,
    {
      dataset: 'fma-echonest',
      file,
      requiredColumns: ['track_id', 'genre_id', 'genre_title'],
      parse: (r) => ({ track: String(r.int('track_id')), genre: String(r.int('genre_id')), title: r.required('genre_title') }),
      flush: async (trx, rows) => {
        const titles = new Map(rows.map((x) => [x.genre, x.title]));
        const tids = await ids.ensure(trx, 'tracks', rows.map((x) => x.track), () => ({}));
        const gids = await ids.ensure(trx, 'genres', titles.keys(), (k) => ({ title: titles.get(k) as string }));
        await insertIgnore(trx, 'track_genres', rows.map((x) => ({ track_id: tids.get(x.track) as number, genre_id: gids.get(x.genre) as number, is_primary: false })));
      },
    },
    options,
  );
}

/**
 * Imports every FMA folder given, in dependency order: genres → raw albums → raw tracks →
 * echonest features → echonest track genres. Idempotent: finished files are skipped.
 *
 * @param db - open database
 * @param options - folders/files and {@link ImportOptions}
 * @returns the summed result of all files
 * @throws DataAccessError `FILE_NOT_FOUND`, `IMPORT_ABORTED`, `CONNECTION_LOST`
 * @example
 * ```ts
 * await importFma(db, { genresDir: 'data/fma-genres', rawDir: 'data/fma-raw-excerpt', echonestDir: 'data/fma-echonest-subset' });
 * ```
 */
export async function importFma(db: Kysely<TunekitDatabase>, options: FmaImportOptions): Promise<ImportResult> {
  const result = emptyImportResult();
  if (options.genresDir) mergeImportResults(result, await importFmaGenres(db, join(options.genresDir, 'genres.csv'), options));
  const albums = options.rawAlbumsFile ?? (options.rawDir ? join(options.rawDir, 'raw_albums_excerpt.utf8.csv') : undefined);
  const tracks = options.rawTracksFile ?? (options.rawDir ? join(options.rawDir, 'raw_tracks_excerpt.utf8.csv') : undefined);
  if (albums && (options.rawAlbumsFile || existsSync(albums))) mergeImportResults(result, await importFmaAlbums(db, albums, options));
  if (tracks) mergeImportResults(result, await importFmaTracks(db, tracks, options));
  if (options.echonestDir) {
    mergeImportResults(result, await importFmaEchonestFeatures(db, join(options.echonestDir, 'echonest_audio_features.csv'), options));
    mergeImportResults(result, await importFmaTrackGenres(db, join(options.echonestDir, 'track_genres.csv'), options));
  }
  return result;
}

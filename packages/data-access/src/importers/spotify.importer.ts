import type { Kysely } from 'kysely';
import type { TunekitDatabase } from '../schema/database';
import { IdResolver, importDelimitedFile, insertIgnore, RowError, type ImportOptions, type ImportResult } from './import-context';

const SOURCE = 'spotify';
const FEATURES = ['danceability', 'energy', 'loudness', 'speechiness', 'acousticness', 'instrumentalness', 'liveness', 'valence', 'tempo'] as const;

interface SpotifyRow {
  ext: string;
  track: Record<string, unknown>;
  artists: string[];
  features: Record<string, number | null>;
  genre: string | null;
}

/**
 * Imports a Spotify tracks CSV (the Hugging Face / Kaggle "Spotify Tracks Dataset" layout:
 * `track_id,artists,album_name,track_name,popularity,duration_ms,explicit,<audio features>,track_genre`).
 * One track row per `track_id` (first row wins); its artists split on `;` into `track_artists`
 * (position order, first = `tracks.artist_id`); audio features incl. key/mode/loudness/time
 * signature; every row's `track_genre` into `track_genres` (the first seen is primary).
 *
 * @param db - open database
 * @param file - path of the CSV (e.g. `dataset_subset.csv`)
 * @param options - see {@link ImportOptions}
 * @returns counts and row errors (`rowsImported` counts CSV rows, not unique tracks)
 * @throws DataAccessError `FILE_NOT_FOUND`, `IMPORT_ABORTED`, `CONNECTION_LOST`
 * @example
 * ```ts
 * await importSpotifyTracks(db, '../shared/data/spotify-tracks-114k-sample/dataset_subset.csv');
 * ```
 */
export async function importSpotifyTracks(db: Kysely<TunekitDatabase>, file: string, options: ImportOptions = {}): Promise<ImportResult> {
  const ids = new IdResolver(SOURCE);
  const seenPrimary = new Set<string>();
  return importDelimitedFile<SpotifyRow>(
    db,
    {
      dataset: 'spotify-tracks',
      file,
      requiredColumns: ['track_id', 'artists', 'track_name', 'popularity', 'duration_ms', 'explicit', ...FEATURES, 'key', 'mode', 'time_signature', 'track_genre'],
      parse: (r) => {
        const explicit = r.text('explicit').trim();
        if (explicit !== '' && explicit !== 'True' && explicit !== 'False') throw new RowError('explicit', `expected True or False, got ${JSON.stringify(explicit)}`);
        const ms = r.numOrNull('duration_ms');
        const popularity = r.numOrNull('popularity');
        if (popularity !== null && (popularity < 0 || popularity > 100)) throw new RowError('popularity', `must be in 0..100, got ${popularity}`);
        const ext = r.required('track_id');
        return {
          ext,
          track: {
            source: SOURCE,
            external_id: ext,
            title: r.textOrNull('track_name'),
            popularity,
            duration_s: ms === null ? null : ms / 1000,
            explicit: explicit === '' ? null : explicit === 'True',
            extra: JSON.stringify({ album_name: r.textOrNull('album_name') }),
          },
          artists: [...new Set(r.text('artists').split(';').map((a) => a.trim()).filter((a) => a !== ''))],
          features: {
            ...Object.fromEntries(FEATURES.map((c) => [c, r.numOrNull(c)])),
            key: r.intOrNull('key'),
            mode: r.intOrNull('mode'),
            time_signature: r.intOrNull('time_signature'),
          },
          genre: r.textOrNull('track_genre'),
        };
      },
      flush: async (trx, rows) => {
        const artistIds = await ids.ensure(trx, 'artists', rows.flatMap((x) => x.artists), (k) => ({ name: k }));
        const genreIds = await ids.ensure(trx, 'genres', rows.flatMap((x) => (x.genre ? [x.genre] : [])), (k) => ({ title: k }));
        await insertIgnore(trx, 'tracks', rows.map((x) => ({ ...x.track, artist_id: x.artists[0] === undefined ? null : (artistIds.get(x.artists[0]) ?? null) })));
        const trackIds = await ids.ensure(trx, 'tracks', rows.map((x) => x.ext), () => ({}));
        const ta: Record<string, unknown>[] = [];
        const tg: Record<string, unknown>[] = [];
        const af: Record<string, unknown>[] = [];
        for (const x of rows) {
          const tid = trackIds.get(x.ext) as number;
          x.artists.forEach((a, position) => ta.push({ track_id: tid, artist_id: artistIds.get(a) as number, position }));
          if (x.genre) {
            const primary = !seenPrimary.has(x.ext);
            seenPrimary.add(x.ext);
            tg.push({ track_id: tid, genre_id: genreIds.get(x.genre) as number, is_primary: primary });
          }
          af.push({ track_id: tid, source: SOURCE, ...x.features });
        }
        await insertIgnore(trx, 'track_artists', ta);
        await insertIgnore(trx, 'track_genres', tg);
        await insertIgnore(trx, 'audio_features', af);
      },
    },
    options,
  );
}

import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getArtistPlays,
  getAudioFeatureMatrix,
  getGenres,
  getIdMap,
  getItemAttributes,
  getTrackGenres,
  getUserAttributes,
  getTrackStats,
  getUserProfiles,
  importFma,
  importLastfm360k,
  importSpotifyTracks,
  readInBatches,
  type ImportResult,
  type TunekitDb,
} from '../src/index';
import { DATA_DIR, NO_DATA_REASON, title, type Dialect } from './dialects';

/**
 * Full imports of the FMA excerpt, the Spotify sample and the Last.fm 360K sample, once per dialect.
 * Expected counts come from ../shared/data/README.md and PROVENANCE.md files, re-derived from the
 * files with Python's csv module: FMA 2,000 raw tracks, 427 albums (+4 referenced only by tracks),
 * 263 artists, 163 genres (+ genre 806, used by echonest track_genres.csv but not in genres.csv),
 * 8,000 echonest feature rows; 16,143 FMA track ids in all (2,000 raw ∪ 8,000 echonest ∪ 8,000 in
 * track_genres.csv); Spotify 15,000 rows, 14,385 unique tracks, 14,989 (track, genre) pairs, 114
 * genres, 9,947 artists, 19,921 track–artist links; 360K 1,000 profiles, 10,000 plays (205 users),
 * 5,440 artists (mbid, or name when the mbid is empty). One test file per dialect, so the two run
 * in parallel forks.
 */
export function catalogueSuite(d: Dialect): void {
  const skip = d.skipReason ?? (DATA_DIR ? null : NO_DATA_REASON);
  describe.skipIf(skip !== null)(skip ? `real catalogue [${d.name}] — skipped: ${skip}` : title(d, 'real catalogue imports'), () => {
    let h: TunekitDb;
    let fma: ImportResult;
    let spotify: ImportResult;
    let lfm: ImportResult;
    const data = DATA_DIR as string;
    beforeAll(async () => {
      h = await d.open();
      fma = await importFma(h.db, { genresDir: join(data, 'fma-genres'), rawDir: join(data, 'fma-raw-excerpt'), echonestDir: join(data, 'fma-echonest-subset'), progress: false });
      spotify = await importSpotifyTracks(h.db, join(data, 'spotify-tracks-114k-sample/dataset_subset.csv'), { progress: false });
      lfm = await importLastfm360k(h.db, { dir: join(data, 'lastfm-lfm-360k-sample'), progress: false });
    }, 300_000);
    afterAll(async () => {
      await h?.close();
      await d.dispose();
    });
    const count = async (q: string) => Number((await sql<{ n: number }>`${sql.raw(q)}`.execute(h.db)).rows[0]?.n);

    it('imports every FMA file completely', async () => {
      expect(fma.errors).toEqual([]);
      // 163 genres + 427 albums + 2,000 tracks + 8,000 features + 13,246 track-genre rows
      expect(fma.rowsImported).toBe(163 + 427 + 2000 + 8000 + 13246);
      expect(await count(`select count(*) n from tracks where source = 'fma' and listens is not null`)).toBe(2000);
      expect(await count(`select count(*) n from tracks where source = 'fma'`)).toBe(16143);
      expect(await count(`select count(*) n from albums where source = 'fma'`)).toBe(431);
      expect(await count(`select count(*) n from artists where source = 'fma'`)).toBe(263);
      expect(await count(`select count(*) n from genres where source = 'fma'`)).toBe(164);
      expect(await count(`select count(*) n from genres where source = 'fma' and parent_id is not null`)).toBe(147);
      expect(await count(`select count(*) n from audio_features where source = 'fma-echonest'`)).toBe(8000);
      // 296 tracks only have a year: date null, year kept
      expect(await count(`select count(*) n from tracks where source = 'fma' and listens is not null and date_created is null and year_created is not null`)).toBe(296);
    });

    it('resolves the FMA genre hierarchy (Avant-Garde → parent and top level 38)', async () => {
      const genres = await getGenres(h.db, 'fma');
      const byExt = new Map(genres.map((g) => [g.external_id, g]));
      const avant = byExt.get('1');
      expect(avant?.title).toBe('Avant-Garde');
      expect(avant?.parent_id).toBe(byExt.get('38')?.id);
      expect(byExt.get('2')?.parent_id).toBeNull();
    });

    it('getTrackStats returns the 2,000 FMA tracks of the listens model', async () => {
      const rows = await getTrackStats(h.db, { source: 'fma' });
      expect(rows).toHaveLength(2000);
      const t2 = rows.find((r) => r.external_id === '2');
      // raw_tracks line 2: duration 168, track 3, disc 1, favorites 2, interest 4656, comments 0, listens 1293, 11/26/2008 01:48:12 AM
      expect(t2).toMatchObject({ duration_s: 168, track_number: 3, disc_number: 1, favorites: 2, interest: 4656, comments: 0, listens: 1293, year_created: 2008 });
      expect(t2?.date_created?.toISOString()).toBe('2008-11-26T01:48:12.000Z');
    });

    it('imports the Spotify sample: 14,385 tracks, several genres per track', async () => {
      expect(spotify.errors).toEqual([]);
      expect(spotify.rowsImported).toBe(15000);
      expect(await count(`select count(*) n from tracks where source = 'spotify'`)).toBe(14385);
      expect(await count(`select count(*) n from artists where source = 'spotify'`)).toBe(9947);
      expect(await count(`select count(*) n from genres where source = 'spotify'`)).toBe(114);
      const tg = await getTrackGenres(h.db, { source: 'spotify' });
      expect(tg.trackIds.length).toBe(14989);
      expect(tg.isPrimary.reduce((a, b) => a + b, 0)).toBe(14385);
      expect(await count(`select count(*) n from track_artists ta join tracks t on t.id = ta.track_id where t.source = 'spotify'`)).toBe(19921);
    });

    it('getAudioFeatureMatrix gives a Float32Array matrix in track-id order', async () => {
      const m = await getAudioFeatureMatrix(h.db, { source: 'spotify', features: ['danceability', 'energy', 'key', 'loudness', 'time_signature'] });
      expect(m.rows).toBe(14385);
      expect(m.cols).toBe(5);
      expect(m.matrix).toBeInstanceOf(Float32Array);
      expect(m.matrix.length).toBe(14385 * 5);
      const ids = await getIdMap(h.db, 'tracks', 'spotify', ['1JiR4RJaZlbZ5b3HG8jkeL']);
      const row = m.trackIds.indexOf(ids.get('1JiR4RJaZlbZ5b3HG8jkeL') as number);
      // first data row of dataset_subset.csv: danceability 0.85, energy 0.66, key 11, loudness -4.846, time signature 4
      expect(Array.from(m.matrix.subarray(row * 5, row * 5 + 5))).toEqual([Math.fround(0.85), Math.fround(0.66), 11, Math.fround(-4.846), 4]);
      for (let i = 1; i < m.rows; i++) expect(m.trackIds[i]! > m.trackIds[i - 1]!).toBe(true);
      const fma = await getAudioFeatureMatrix(h.db, { source: 'fma-echonest' });
      expect(fma.rows).toBe(8000);
      expect(Number.isNaN(fma.matrix[9])).toBe(true); // loudness is not in echonest: NaN
    });

    it('tower attributes: Spotify tracks and artists, 360K users, keyed by external id', async () => {
      const t = await getItemAttributes(h.db, { itemKind: 'track', source: 'spotify' });
      expect(t.ids.length).toBe(14385);
      expect(t.genres.every((g) => g !== null)).toBe(true); // every Spotify track has one primary genre
      const k = t.ids.indexOf('1JiR4RJaZlbZ5b3HG8jkeL');
      const c = t.audioColumns.length;
      // first data row of dataset_subset.csv: Wizkid;Skepta, "Longtime (feat. Skepta)", duration_ms 239893, danceability 0.85, key 11, time signature 4, dancehall
      expect([t.names[k], t.genres[k], t.durations[k], Number.isNaN(t.years[k]!)]).toEqual(['Longtime (feat. Skepta)', 'dancehall', Math.fround(239.893), true]);
      expect([t.audio[k * c + t.audioColumns.indexOf('danceability')], t.audio[k * c + t.audioColumns.indexOf('key')], t.audio[k * c + t.audioColumns.indexOf('time_signature')]]).toEqual([Math.fround(0.85), 11, 4]);
      expect(t.artistIds[k]).toBe('Wizkid');
      const a = await getItemAttributes(h.db, { itemKind: 'artist', source: 'spotify' });
      expect(a.ids.length).toBe(9947);
      const ga = a.ids.indexOf('Wizkid');
      expect([a.genreOrigins[ga], Number.isNaN(a.audio[ga * c + a.audioColumns.indexOf('energy')]!)]).toEqual(['track-genres', false]);
      const mains = await count(`select count(distinct artist_id) n from tracks where source = 'spotify'`);
      expect(a.genreOrigins.filter((o) => o === 'track-genres').length).toBe(mains);
      const u = await getUserAttributes(h.db, { source: 'lastfm-360k' });
      expect(u.ids.length).toBe(await count(`select count(*) n from users where source = 'lastfm-360k'`));
      const ui = u.ids.indexOf('00000c289a1829a808ac09c00daf10bc3c4e223b');
      expect([u.genders[ui], u.ages[ui], u.countries[ui], u.signupDates[ui]]).toEqual(['f', 22, 'Germany', '2007-02-01']);
    });

    it('imports the Last.fm 360K sample: profiles and plays', async () => {
      expect(lfm.errors).toEqual([]);
      expect(lfm.rowsImported).toBe(11000);
      const profiles = await getUserProfiles(h.db, { source: 'lastfm-360k' });
      expect(profiles).toHaveLength(1000);
      const first = await getIdMap(h.db, 'users', 'lastfm-360k', ['00000c289a1829a808ac09c00daf10bc3c4e223b']);
      const p = profiles.find((x) => x.userId === first.get('00000c289a1829a808ac09c00daf10bc3c4e223b'));
      expect(p).toMatchObject({ gender: 'f', age: 22, country: 'Germany' });
      expect(p?.signupDate?.toISOString()).toBe('2007-02-01T00:00:00.000Z');
      const plays = await getArtistPlays(h.db, { source: 'lastfm-360k' });
      expect(plays.userIds.length).toBe(10000);
      expect(new Set(plays.userIds).size).toBe(205);
      expect(await count(`select count(*) n from artists where source = 'lastfm-360k'`)).toBe(5440);
    });

    it('re-running every import inserts nothing', async () => {
      const before = await count(`select (select count(*) from tracks) + (select count(*) from track_genres) + (select count(*) from artist_plays) n`);
      const again = await importFma(h.db, { genresDir: join(data, 'fma-genres'), rawDir: join(data, 'fma-raw-excerpt'), echonestDir: join(data, 'fma-echonest-subset'), progress: false });
      const s2 = await importSpotifyTracks(h.db, join(data, 'spotify-tracks-114k-sample/dataset_subset.csv'), { progress: false });
      expect(again.rowsImported + s2.rowsImported).toBe(0);
      expect(again.filesSkipped).toHaveLength(5);
      expect(await count(`select (select count(*) from tracks) + (select count(*) from track_genres) + (select count(*) from artist_plays) n`)).toBe(before);
    });

    it('readInBatches streams a table in bounded batches, every row once', async () => {
      const q = h.db.selectFrom('tracks').select(['id', 'external_id']).where('source', '=', 'spotify').orderBy('id');
      let n = 0;
      let max = 0;
      const seen = new Set<number>();
      for await (const batch of readInBatches(h, q, { batchSize: 4000 })) {
        n += batch.length;
        max = Math.max(max, batch.length);
        for (const r of batch) seen.add(r.id);
      }
      expect(n).toBe(14385);
      expect(seen.size).toBe(14385);
      expect(max).toBe(4000);
    });
  });
}

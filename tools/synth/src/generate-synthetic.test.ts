import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSynthetic, type SynthResult } from './generate-synthetic';
import { SynthError } from './errors';
import { resolveSynthOptions, type SynthProgress } from './synth.config';
import { testDialects, type TestDatabase } from './test-databases';
import type { TunekitDb } from '@tunekit/data-access';

/** Dumps of the first dialect, to check that every dialect writes the same rows. */
const dumps = new Map<string, Record<string, unknown[]>>();

const TINY = { seed: 7, tracks: 300, artists: 40, users: 40, playsPerUser: 30, batchSize: 97 } as const;

/** Every synthetic row, with database ids replaced by external ids so two databases compare equal. */
async function dump(db: TunekitDb['db']): Promise<Record<string, unknown[]>> {
  const tracks = await db
    .selectFrom('tracks')
    .innerJoin('artists', 'artists.id', 'tracks.artist_id')
    .innerJoin('albums', 'albums.id', 'tracks.album_id')
    .select([
      'tracks.external_id',
      'artists.external_id as artist',
      'albums.external_id as album',
      'tracks.duration_s',
      'tracks.track_number',
      'tracks.disc_number',
      'tracks.listens',
      'tracks.favorites',
      'tracks.interest',
      'tracks.comments',
      'tracks.date_created',
      'tracks.year_created',
      'tracks.release_year',
      'tracks.explicit',
      'tracks.popularity',
    ])
    .where('tracks.source', '=', 'synthetic')
    .orderBy('tracks.external_id')
    .execute();
  const audio = await db
    .selectFrom('audio_features')
    .innerJoin('tracks', 'tracks.id', 'audio_features.track_id')
    .select(['tracks.external_id', 'energy', 'loudness', 'tempo', 'acousticness', 'danceability', 'valence', 'key', 'mode', 'time_signature'])
    .orderBy('tracks.external_id')
    .execute();
  const genres = await db
    .selectFrom('track_genres')
    .innerJoin('tracks', 'tracks.id', 'track_genres.track_id')
    .innerJoin('genres', 'genres.id', 'track_genres.genre_id')
    .select(['tracks.external_id as track', 'genres.external_id as genre', 'is_primary'])
    .orderBy('tracks.external_id')
    .orderBy('genres.external_id')
    .execute();
  const users = await db.selectFrom('users').select(['external_id', 'age', 'gender', 'country', 'signup_date']).where('source', '=', 'synthetic').orderBy('external_id').execute();
  const plays = await db
    .selectFrom('track_plays')
    .innerJoin('users', 'users.id', 'track_plays.user_id')
    .innerJoin('tracks', 'tracks.id', 'track_plays.track_id')
    .select(['users.external_id as user', 'tracks.external_id as track', 'play_count', 'played_at'])
    .orderBy('users.external_id')
    .orderBy('played_at')
    .orderBy('tracks.external_id')
    .execute();
  const artistPlays = await db
    .selectFrom('artist_plays')
    .innerJoin('users', 'users.id', 'artist_plays.user_id')
    .innerJoin('artists', 'artists.id', 'artist_plays.artist_id')
    .select(['users.external_id as user', 'artists.external_id as artist', 'play_count'])
    .orderBy('users.external_id')
    .orderBy('artists.external_id')
    .execute();
  const friends = await db
    .selectFrom('friendships')
    .innerJoin('users as a', 'a.id', 'friendships.user_id')
    .innerJoin('users as b', 'b.id', 'friendships.friend_id')
    .select(['a.external_id as a', 'b.external_id as b'])
    .orderBy('a.external_id')
    .orderBy('b.external_id')
    .execute();
  const tags = await db
    .selectFrom('tag_assignments')
    .innerJoin('tags', 'tags.id', 'tag_assignments.tag_id')
    .innerJoin('artists', 'artists.id', 'tag_assignments.artist_id')
    .select(['artists.external_id as artist', 'tags.name', 'tagged_on'])
    .orderBy('artists.external_id')
    .orderBy('tags.name')
    .execute();
  const playlists = await db
    .selectFrom('playlist_tracks')
    .innerJoin('playlists', 'playlists.id', 'playlist_tracks.playlist_id')
    .innerJoin('tracks', 'tracks.id', 'playlist_tracks.track_id')
    .innerJoin('users', 'users.id', 'playlists.user_id')
    .select(['playlists.external_id as playlist', 'playlists.name', 'users.external_id as user', 'tracks.external_id as track', 'position'])
    .orderBy('playlists.external_id')
    .orderBy('position')
    .execute();
  const norm = (rows: Record<string, unknown>[]): unknown[] =>
    rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v])));
  return { tracks: norm(tracks), audio: norm(audio), genres: norm(genres), users: norm(users), plays: norm(plays), artistPlays: norm(artistPlays), friends: norm(friends), tags: norm(tags), playlists: norm(playlists) };
}

async function count(db: TunekitDb['db'], table: 'tracks' | 'artists' | 'albums' | 'users' | 'genres' | 'tags'): Promise<number> {
  const r = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('source', '=', 'synthetic').executeTakeFirstOrThrow();
  return Number(r.n);
}

async function countAll(db: TunekitDb['db'], table: 'track_plays' | 'artist_plays' | 'friendships' | 'audio_features' | 'tag_assignments' | 'track_artists' | 'playlist_tracks'): Promise<number> {
  const r = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

describe('resolveSynthOptions', () => {
  it('applies the small preset by default and lets sizes override it', () => {
    const o = resolveSynthOptions({ users: 50 });
    expect(o).toMatchObject({ preset: 'small', seed: 42, tracks: 2000, artists: 200, users: 50, playsPerUser: 100, trackPlays: 'events' });
    expect(resolveSynthOptions({ preset: 'large' })).toMatchObject({ tracks: 100_000, users: 10_000, playsPerUser: 100 });
  });

  it.each([
    [{ tracks: 0 }, 'tracks'],
    [{ tracks: 1.5 }, 'tracks'],
    [{ tracks: 10, artists: 11 }, 'artists'],
    [{ users: 1 }, 'users'],
    [{ playsPerUser: 0 }, 'playsPerUser'],
    [{ preset: 'huge' as 'small' }, 'preset'],
    [{ seed: Number.NaN }, 'seed'],
    [{ trackPlays: 'rows' as 'events' }, 'trackPlays'],
  ])('rejects %j with INVALID_OPTION naming %s', (options, key) => {
    try {
      resolveSynthOptions(options);
      expect.unreachable('should have thrown');
    } catch (e) {
      expect(e).toBeInstanceOf(SynthError);
      expect((e as SynthError).code).toBe('INVALID_OPTION');
      expect((e as SynthError).context['key']).toBe(key);
      expect((e as SynthError).message).toContain(key);
    }
  });
});

for (const dialect of testDialects()) {
  describe(`generateSynthetic on ${dialect.name}`, () => {
    let h: TestDatabase;
    let result: SynthResult;
    const events: SynthProgress[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'tunekit-synth-'));

    beforeAll(async () => {
      h = await dialect.open();
      result = await generateSynthetic(h.db, { ...TINY, truthPath: join(dir, 'nested', 'truth.json'), onProgress: (p) => events.push(p) });
    });
    afterAll(async () => {
      await h?.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    it('writes the requested numbers of rows, matching the summary', async () => {
      const s = result.summary;
      expect(s).toMatchObject({ tracks: 300, artists: 40, users: 40, genres: 12, audioFeatures: 300 });
      expect(await count(h.db, 'tracks')).toBe(300);
      expect(await count(h.db, 'artists')).toBe(40);
      expect(await count(h.db, 'users')).toBe(40);
      expect(await count(h.db, 'genres')).toBe(12);
      expect(await count(h.db, 'albums')).toBe(s.albums);
      expect(await count(h.db, 'tags')).toBe(s.tags);
      expect(await countAll(h.db, 'audio_features')).toBe(300);
      expect(await countAll(h.db, 'track_artists')).toBe(300);
      expect(await countAll(h.db, 'track_plays')).toBe(s.trackPlayRows);
      expect(s.trackPlayRows).toBe(s.plays);
      expect(await countAll(h.db, 'artist_plays')).toBe(s.artistPlayRows);
      expect(await countAll(h.db, 'friendships')).toBe(s.friendships);
      expect(await countAll(h.db, 'tag_assignments')).toBe(s.tagAssignments);
      expect(await countAll(h.db, 'playlist_tracks')).toBe(s.playlistTracks);
      expect(s.playlists).toBeGreaterThan(0);
      expect((await h.db.selectFrom('playlists').select('id').where('source', '=', 'synthetic').execute()).length).toBe(s.playlists);
      // Heavy-tailed per-user counts around the mean of 30: the total is within a loose band.
      expect(s.plays).toBeGreaterThan(40 * 30 * 0.5);
      expect(s.plays).toBeLessThan(40 * 30 * 2);
      const artistSum = await h.db.selectFrom('artist_plays').select((eb) => eb.fn.sum<number>('play_count').as('n')).executeTakeFirstOrThrow();
      expect(Number(artistSum.n)).toBe(s.plays);
    });

    it('fills every column the model families read', async () => {
      const nulls = await h.db
        .selectFrom('tracks')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('source', '=', 'synthetic')
        .where((eb) =>
          eb.or(
            (['duration_s', 'track_number', 'disc_number', 'listens', 'favorites', 'interest', 'comments', 'date_created', 'year_created', 'release_year', 'explicit', 'popularity'] as const).map((c) =>
              eb(c, 'is', null),
            ),
          ),
        )
        .executeTakeFirstOrThrow();
      expect(Number(nulls.n)).toBe(0);
      const genres = await h.db.selectFrom('genres').select(['external_id', 'parent_id', 'top_level_id', 'id']).where('source', '=', 'synthetic').execute();
      expect(genres.filter((g) => g.parent_id !== null).map((g) => g.external_id).sort()).toEqual(['ambient', 'house', 'metal', 'punk']);
      for (const g of genres) expect(g.top_level_id).toBe(g.parent_id ?? g.id);
    });

    it('writes the planted truth to JSON and reports progress', () => {
      const fromFile = JSON.parse(readFileSync(join(dir, 'nested', 'truth.json'), 'utf8')) as unknown;
      expect(fromFile).toEqual(JSON.parse(JSON.stringify(result.plantedTruth)));
      expect(result.plantedTruth.users).toHaveLength(40);
      expect(new Set(events.map((e) => e.phase))).toEqual(new Set(['catalogue', 'users', 'plays', 'friendships']));
      const last = events.filter((e) => e.phase === 'catalogue').at(-1);
      expect(last).toEqual({ phase: 'catalogue', done: 300, total: 300 });
    });

    it('is deterministic: same seed → identical rows, other seed → different rows', async () => {
      const first = await dump(h.db);
      // Regenerate into the same database with another batch size: row ids change, rows must not.
      const again = await generateSynthetic(h.db, { ...TINY, batchSize: 5000, replace: true });
      const second = await dump(h.db);
      expect(first['plays']!.length).toBeGreaterThan(0);
      expect(second).toEqual(first);
      expect(again.plantedTruth.users.map((u) => [u.preferredGenres, u.audioPreference])).toEqual(result.plantedTruth.users.map((u) => [u.preferredGenres, u.audioPreference]));
      const previous = dumps.get('pglite');
      if (previous) expect(second).toEqual(previous);
      else dumps.set(dialect.name, second);
      await generateSynthetic(h.db, { ...TINY, seed: 8, replace: true });
      const other = await dump(h.db);
      expect(other['tracks']).not.toEqual(first['tracks']);
      expect(other['plays']).not.toEqual(first['plays']);
    });

    it('refuses to generate twice unless replace is set', async () => {
      await expect(generateSynthetic(h.db, TINY)).rejects.toMatchObject({ code: 'ALREADY_GENERATED' });
      const again = await generateSynthetic(h.db, { ...TINY, seed: 9, replace: true });
      expect(await count(h.db, 'tracks')).toBe(300);
      expect(await countAll(h.db, 'track_plays')).toBe(again.summary.trackPlayRows);
    });

    it('handles a minimal world: one track, one artist, two users, most genres empty', async () => {
      const r = await generateSynthetic(h.db, { seed: 1, tracks: 1, artists: 1, users: 2, playsPerUser: 1, replace: true });
      expect(r.summary).toMatchObject({ tracks: 1, artists: 1, users: 2 });
      expect(r.summary.plays).toBeGreaterThanOrEqual(6);
      expect(await countAll(h.db, 'track_plays')).toBe(r.summary.plays);
    });

    it('stores aggregated counts when trackPlays is "counts"', async () => {
      const r = await generateSynthetic(h.db, { ...TINY, trackPlays: 'counts', replace: true });
      const agg = await h.db
        .selectFrom('track_plays')
        .select((eb) => [eb.fn.sum<number>('play_count').as('plays'), eb.fn.countAll<number>().as('rows'), eb.fn.count<number>('played_at').as('timed')])
        .executeTakeFirstOrThrow();
      expect(Number(agg.plays)).toBe(r.summary.plays);
      expect(Number(agg.rows)).toBe(r.summary.trackPlayRows);
      expect(r.summary.trackPlayRows).toBeLessThan(r.summary.plays);
      expect(Number(agg.timed)).toBe(0);
    });
  });
}

import { Rng } from '@tunekit/core';
import type { TunekitDb } from '@tunekit/data-access';
import { ARTIST_ZIPF_EXPONENT, LISTENS_FORMULA, TAG_NAMES, buildCatalogue, drawArtistAudioOffsets, drawArtistTags, drawTrack, type Catalogue } from './catalogue';
import { SynthError } from './errors';
import { writePlantedTruth, type PlantedTruth } from './planted-truth';
import { PLAY_MODEL, drawPlayCount, drawUserPlaylists, drawUserPlays } from './plays';
import { resolveSynthOptions, type ResolvedSynthOptions, type SynthOptions, type SynthProgress } from './synth.config';
import { DEMOGRAPHIC_GENRE_SHIFTS, GENRES, PREFERENCE_AUDIO_FEATURES, type ContinuousAudioFeature } from './taxonomy';
import { PREFERRED_GENRE_MASS, drawUser, type SynthUser } from './users';

/** The `source` of every synthetic row. */
export const SYNTHETIC_SOURCE = 'synthetic';

/** Rows written per table, and how long it took. */
export interface SynthSummary {
  readonly seed: number;
  readonly genres: number;
  readonly artists: number;
  readonly albums: number;
  readonly tracks: number;
  readonly audioFeatures: number;
  readonly tags: number;
  readonly tagAssignments: number;
  readonly users: number;
  /** Plays generated (sum of play counts). */
  readonly plays: number;
  /** Rows written to `track_plays` (= plays for `events`, distinct user–track pairs for `counts`). */
  readonly trackPlayRows: number;
  readonly artistPlayRows: number;
  /** Directed friendship rows (each friendship is written in both directions). */
  readonly friendships: number;
  /** Playlists (about half the users have 1–3) and their track rows. */
  readonly playlists: number;
  readonly playlistTracks: number;
  readonly seconds: number;
}

/** What {@link generateSynthetic} returns. */
export interface SynthResult {
  readonly summary: SynthSummary;
  readonly plantedTruth: PlantedTruth;
}

type Db = TunekitDb['db'];
const PG_MAX_PARAMS = 65_535;
const TAGGING_START = Date.UTC(2008, 0, 1);

/** Runs `fn` over consecutive chunks of at most `rows` items, each under the parameter limit. */
async function inChunks<T>(items: readonly T[], batchSize: number, columns: number, fn: (chunk: T[]) => Promise<void>): Promise<void> {
  const size = Math.max(1, Math.min(batchSize, Math.floor(PG_MAX_PARAMS / columns)));
  for (let i = 0; i < items.length; i += size) await fn(items.slice(i, i + size));
}

async function guarded<T>(table: string, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (cause) {
    if (cause instanceof SynthError) throw cause;
    throw new SynthError('INSERT_FAILED', `Inserting ${what} into "${table}" failed: ${(cause as Error).message}`, { cause, context: { table, batch: what } });
  }
}

/** Maps `external_id` values like `t-17` back to indexes, filling `ids[17]` with the row id. */
function fillIds(rows: readonly { id: number; external_id: string }[], ids: Int32Array): void {
  for (const r of rows) ids[Number(r.external_id.slice(r.external_id.indexOf('-') + 1))] = r.id;
}

async function clearSynthetic(db: Db, replace: boolean): Promise<void> {
  const tables = ['users', 'tracks', 'albums', 'artists', 'tags', 'genres', 'playlists'] as const;
  for (const table of tables) {
    const hit = await db.selectFrom(table).select('id').where('source', '=', SYNTHETIC_SOURCE).limit(1).executeTakeFirst();
    if (!hit) continue;
    if (!replace) {
      throw new SynthError('ALREADY_GENERATED', `The database already holds synthetic rows (table "${table}"). Pass replace: true (CLI --replace) to delete them first, or use another database.`, {
        context: { table },
      });
    }
    for (const t of tables) await db.deleteFrom(t).where('source', '=', SYNTHETIC_SOURCE).execute();
    return;
  }
}

const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * Generates a seeded synthetic catalogue, users with planted taste, their plays and friendships,
 * and streams them into the tunekit database (all rows `source = 'synthetic'`, one transaction).
 * Memory is O(tracks + users + one user's plays + one batch); plays are never all in memory.
 *
 * @param db - an open, migrated database (`openDatabase(url).db`).
 * @param options - sizes, seed, batch size, progress callback; see {@link SynthOptions}.
 * @returns the row counts (`summary`) and the planted ground truth (`plantedTruth`).
 * @throws SynthError `INVALID_OPTION` for bad options, `ALREADY_GENERATED` when synthetic rows
 *   exist and `replace` is not set, `INSERT_FAILED` naming the table when the database rejects a
 *   batch, `WRITE_FAILED` when `truthPath` cannot be written.
 * @example
 * ```ts
 * const { db, close } = await openDatabase('pglite:memory');
 * const { summary, plantedTruth } = await generateSynthetic(db, { preset: 'small', seed: 7 });
 * console.log(summary.plays, plantedTruth.users[0]?.preferredGenres);
 * await close();
 * ```
 */
export async function generateSynthetic(db: Db, options: SynthOptions = {}): Promise<SynthResult> {
  const opts = resolveSynthOptions(options);
  const started = performance.now();
  const progress = options.onProgress ?? ((_: SynthProgress): void => undefined);
  const result = await db.transaction().execute(async (trx) => {
    await clearSynthetic(trx, opts.replace);
    return write(trx, opts, progress);
  });
  const summary = { ...result.summary, seconds: Math.round((performance.now() - started) / 10) / 100 };
  if (opts.truthPath) await writePlantedTruth(opts.truthPath, result.plantedTruth);
  return { summary, plantedTruth: result.plantedTruth };
}

async function write(db: Db, opts: ResolvedSynthOptions, progress: (p: SynthProgress) => void): Promise<SynthResult> {
  const root = new Rng(opts.seed);
  const rngCatalogue = root.fork('catalogue');
  const rngTracks = root.fork('tracks');
  const rngTags = root.fork('tags');
  const rngUsers = root.fork('users');
  const rngPlays = root.fork('plays');
  const rngFriends = root.fork('friends');
  const rngPlaylists = root.fork('playlists');
  const B = opts.batchSize;

  // Genres: parents first so children can reference them.
  const cat = buildCatalogue(rngCatalogue, opts.tracks, opts.artists);
  const genreIds = new Int32Array(GENRES.length);
  for (const level of [0, 1]) {
    const rows = GENRES.map((g, i) => ({ g, i })).filter(({ g }) => (g.parent === null ? 0 : 1) === level);
    const inserted = await guarded('genres', 'genres', () =>
      db
        .insertInto('genres')
        .values(
          rows.map(({ g, i }) => {
            const parent = g.parent === null ? null : (genreIds[GENRES.findIndex((p) => p.externalId === g.parent)] as number);
            return { source: SYNTHETIC_SOURCE, external_id: g.externalId, title: g.title, parent_id: parent, top_level_id: parent, track_count: cat.genreTrackCounts[i] as number };
          }),
        )
        .returning(['id', 'external_id'])
        .execute(),
    );
    for (const r of inserted) genreIds[GENRES.findIndex((g) => g.externalId === r.external_id)] = r.id;
  }
  // Top-level genres are their own top level (the hierarchy is two levels deep).
  await db.updateTable('genres').set((eb) => ({ top_level_id: eb.ref('id') })).where('source', '=', SYNTHETIC_SOURCE).where('parent_id', 'is', null).execute();

  // Artists.
  const artistIds = new Int32Array(cat.artistCount);
  const maxLogW = Math.log(cat.artistWeight.reduce((m, w) => Math.max(m, w), 0));
  const artistRows = Array.from({ length: cat.artistCount }, (_, i) => ({
    source: SYNTHETIC_SOURCE,
    external_id: `a-${i}`,
    name: `Synthetic Artist ${i}`,
    url: null,
    popularity: Math.max(0, Math.min(100, Math.round(100 + 12 * (Math.log(cat.artistWeight[i] as number) - maxLogW)))),
    extra: null,
  }));
  await inChunks(artistRows, B, 6, async (chunk) => {
    fillIds(await guarded('artists', `${chunk.length} rows`, () => db.insertInto('artists').values(chunk).returning(['id', 'external_id']).execute()), artistIds);
  });
  await inChunks(
    Array.from({ length: cat.artistCount }, (_, i) => i),
    B,
    2,
    (chunk) =>
      guarded('artist_genres', `${chunk.length} rows`, () =>
        db.insertInto('artist_genres').values(chunk.map((i) => ({ artist_id: artistIds[i] as number, genre_id: genreIds[cat.artistGenre[i] as number] as number }))).execute(),
      ).then(() => undefined),
  );

  // Albums.
  const albumIds = new Int32Array(cat.albumCount);
  const albumRows = Array.from({ length: cat.albumCount }, (_, i) => ({
    source: SYNTHETIC_SOURCE,
    external_id: `al-${i}`,
    title: `Synthetic Album ${i}`,
    artist_id: artistIds[cat.albumArtist[i] as number] as number,
    date_created: new Date(cat.albumDate[i] as number),
    year_released: cat.albumYear[i] as number,
    track_count: cat.albumTrackCount[i] as number,
    album_type: (cat.albumTrackCount[i] as number) >= 6 ? 'album' : 'ep',
  }));
  await inChunks(albumRows, B, 8, async (chunk) => {
    fillIds(await guarded('albums', `${chunk.length} rows`, () => db.insertInto('albums').values(chunk).returning(['id', 'external_id']).execute()), albumIds);
  });

  // Tracks, in batches: tracks, then their artist/genre links and audio features.
  const trackIds = new Int32Array(cat.trackCount);
  const offsets = drawArtistAudioOffsets(rngTracks, cat.artistCount);
  const trackBatch = Math.max(1, Math.min(B, Math.floor(PG_MAX_PARAMS / 22)));
  let audioRows = 0;
  for (let start = 0; start < cat.trackCount; start += trackBatch) {
    const end = Math.min(cat.trackCount, start + trackBatch);
    const draws = [];
    for (let t = start; t < end; t++) draws.push(drawTrack(rngTracks, cat, offsets, t));
    const rows = draws.map((d, j) => {
      const t = start + j;
      return {
        source: SYNTHETIC_SOURCE,
        external_id: `t-${t}`,
        title: `Synthetic Track ${t}`,
        artist_id: artistIds[cat.trackArtist[t] as number] as number,
        album_id: albumIds[cat.trackAlbum[t] as number] as number,
        duration_s: d.durationS,
        track_number: ((cat.trackPosition[t] as number) % 12) + 1,
        disc_number: Math.floor((cat.trackPosition[t] as number) / 12) + 1,
        listens: d.listens,
        favorites: d.favorites,
        interest: d.interest,
        comments: d.comments,
        date_created: d.dateCreated,
        year_created: d.yearCreated,
        release_year: d.releaseYear,
        explicit: d.explicit,
        popularity: d.popularity,
        bit_rate: d.bitRate,
      };
    });
    fillIds(await guarded('tracks', `tracks ${start}–${end - 1}`, () => db.insertInto('tracks').values(rows).returning(['id', 'external_id']).execute()), trackIds);
    const links = rows.map((_, j) => ({ track_id: trackIds[start + j] as number, artist_id: artistIds[cat.trackArtist[start + j] as number] as number, position: 0 }));
    await guarded('track_artists', `tracks ${start}–${end - 1}`, () => db.insertInto('track_artists').values(links).execute());
    const genreRows: { track_id: number; genre_id: number; is_primary: boolean }[] = [];
    for (let t = start; t < end; t++) {
      const g = cat.trackGenre[t] as number;
      genreRows.push({ track_id: trackIds[t] as number, genre_id: genreIds[g] as number, is_primary: true });
      const parent = GENRES[g]?.parent ?? null;
      if (parent !== null) genreRows.push({ track_id: trackIds[t] as number, genre_id: genreIds[GENRES.findIndex((p) => p.externalId === parent)] as number, is_primary: false });
    }
    await inChunks(genreRows, B, 3, (chunk) => guarded('track_genres', `tracks ${start}–${end - 1}`, () => db.insertInto('track_genres').values(chunk).execute()).then(() => undefined));
    const audio = draws.map((d, j) => ({ track_id: trackIds[start + j] as number, source: SYNTHETIC_SOURCE, ...d.audio }));
    await guarded('audio_features', `tracks ${start}–${end - 1}`, () => db.insertInto('audio_features').values(audio).execute());
    audioRows += audio.length;
    progress({ phase: 'catalogue', done: end, total: cat.trackCount });
  }

  // Tags, linked to each artist's genre.
  const tagIds = new Int32Array(TAG_NAMES.length);
  fillIds(
    await guarded('tags', 'tags', () =>
      db
        .insertInto('tags')
        .values(TAG_NAMES.map((name, i) => ({ source: SYNTHETIC_SOURCE, external_id: `tag-${i}`, name })))
        .returning(['id', 'external_id'])
        .execute(),
    ),
    tagIds,
  );
  const tagRows: { tag_id: number; artist_id: number; user_id: null; track_id: null; tagged_on: string }[] = [];
  for (let ar = 0; ar < cat.artistCount; ar++) {
    const day = iso(TAGGING_START + rngTags.int(3650) * 86_400_000);
    for (const tag of drawArtistTags(rngTags, cat, ar)) tagRows.push({ tag_id: tagIds[tag] as number, artist_id: artistIds[ar] as number, user_id: null, track_id: null, tagged_on: day });
  }
  await inChunks(tagRows, B, 5, (chunk) => guarded('tag_assignments', `${chunk.length} rows`, () => db.insertInto('tag_assignments').values(chunk).execute()).then(() => undefined));

  // Users.
  const users: SynthUser[] = Array.from({ length: opts.users }, (_, i) => drawUser(rngUsers, i));
  const userIds = new Int32Array(opts.users);
  const userRows = users.map((u) => ({
    source: SYNTHETIC_SOURCE,
    external_id: `u-${u.index}`,
    age: u.age,
    gender: u.gender,
    country: u.country,
    signup_date: iso(u.signupMs),
  }));
  let usersDone = 0;
  await inChunks(userRows, B, 6, async (chunk) => {
    fillIds(await guarded('users', `${chunk.length} rows`, () => db.insertInto('users').values(chunk).returning(['id', 'external_id']).execute()), userIds);
    usersDone += chunk.length;
    progress({ phase: 'users', done: usersDone, total: opts.users });
  });

  // Plays, streamed user by user.
  const plays = await writePlays(db, opts, cat, users, userIds, trackIds, artistIds, rngPlays, progress);

  // Friendships with homophily: 70% of a user's friends share their top genre.
  const friendRows = drawFriendships(rngFriends, users).map(([a, b]) => ({ user_id: userIds[a] as number, friend_id: userIds[b] as number }));
  let friendsDone = 0;
  await inChunks(friendRows, B, 2, async (chunk) => {
    await guarded('friendships', `${chunk.length} rows`, () => db.insertInto('friendships').values(chunk).execute());
    friendsDone += chunk.length;
    progress({ phase: 'friendships', done: friendsDone, total: friendRows.length });
  });

  // Playlists: genre- and audio-coherent track lists of half the users, 1000 users at a time.
  let playlists = 0;
  let playlistTracks = 0;
  for (let from = 0; from < users.length; from += 1000) {
    const lists = users.slice(from, from + 1000).flatMap((u) => drawUserPlaylists(rngPlaylists, cat, u, (g) => GENRES[g]?.title ?? '').map((pl) => ({ user: u.index, ...pl })));
    const listIds = new Int32Array(playlists + lists.length);
    const rows = lists.map((pl, i) => ({ source: SYNTHETIC_SOURCE, external_id: `pl-${playlists + i}`, name: pl.name, user_id: userIds[pl.user] as number }));
    await inChunks(rows, B, 4, async (chunk) => {
      fillIds(await guarded('playlists', `${chunk.length} rows`, () => db.insertInto('playlists').values(chunk).returning(['id', 'external_id']).execute()), listIds);
    });
    const items = lists.flatMap((pl, i) => pl.tracks.map((t, position) => ({ playlist_id: listIds[playlists + i] as number, track_id: trackIds[t] as number, position })));
    await inChunks(items, B, 3, (chunk) => guarded('playlist_tracks', `${chunk.length} rows`, () => db.insertInto('playlist_tracks').values(chunk).execute()).then(() => undefined));
    playlists += lists.length;
    playlistTracks += items.length;
  }

  const genreAudioMeans: Record<string, Record<ContinuousAudioFeature, number>> = {};
  for (const g of GENRES) genreAudioMeans[g.externalId] = { ...g.audio };
  const plantedTruth: PlantedTruth = {
    seed: opts.seed,
    sizes: { tracks: opts.tracks, artists: opts.artists, users: opts.users, playsPerUser: opts.playsPerUser },
    genres: GENRES.map((g, i) => ({ externalId: g.externalId, id: genreIds[i] as number, title: g.title, parent: g.parent })),
    genreAudioMeans,
    loudnessFormula: { intercept: -18, energy: 12, year: 0.06, noiseStd: 1.5 },
    listensFormula: { ...LISTENS_FORMULA },
    audioPreferenceFeatures: [...PREFERENCE_AUDIO_FEATURES],
    playModel: {
      popularityShare: PLAY_MODEL.popularityShare,
      repeatShare: PLAY_MODEL.repeatShare,
      candidates: PLAY_MODEL.candidates,
      audioSharpness: PLAY_MODEL.audioSharpness,
      preferredGenreMass: PREFERRED_GENRE_MASS,
      artistZipfExponent: ARTIST_ZIPF_EXPONENT,
    },
    demographicGenreShifts: DEMOGRAPHIC_GENRE_SHIFTS,
    users: users.map((u) => ({
      externalId: `u-${u.index}`,
      id: userIds[u.index] as number,
      ageGroup: u.ageGroup,
      country: u.country,
      preferredGenres: u.preferredGenres.map((g) => GENRES[g]?.externalId ?? ''),
      genreWeights: Array.from(u.genreWeights, (w) => Math.round(w * 1e6) / 1e6),
      audioPreference: u.audioPreference,
    })),
  };
  return {
    summary: {
      seed: opts.seed,
      genres: GENRES.length,
      artists: cat.artistCount,
      albums: cat.albumCount,
      tracks: cat.trackCount,
      audioFeatures: audioRows,
      tags: TAG_NAMES.length,
      tagAssignments: tagRows.length,
      users: opts.users,
      plays: plays.plays,
      trackPlayRows: plays.trackRows,
      artistPlayRows: plays.artistRows,
      friendships: friendRows.length,
      playlists,
      playlistTracks,
      seconds: 0,
    },
    plantedTruth,
  };
}

async function writePlays(
  db: Db,
  opts: ResolvedSynthOptions,
  cat: Catalogue,
  users: readonly SynthUser[],
  userIds: Int32Array,
  trackIds: Int32Array,
  artistIds: Int32Array,
  rng: Rng,
  progress: (p: SynthProgress) => void,
): Promise<{ plays: number; trackRows: number; artistRows: number }> {
  const trackBatch = Math.max(1, Math.min(opts.batchSize, Math.floor(PG_MAX_PARAMS / 4)));
  let trackBuf: { user_id: number; track_id: number; play_count: number; played_at: Date | null }[] = [];
  let artistBuf: { user_id: number; artist_id: number; play_count: number; played_at: null }[] = [];
  let plays = 0;
  let trackRows = 0;
  let artistRows = 0;
  const expected = Math.round(opts.users * opts.playsPerUser);
  const flush = async (force: boolean): Promise<void> => {
    if (trackBuf.length > 0 && (force || trackBuf.length >= trackBatch)) {
      const chunk = trackBuf;
      trackBuf = [];
      await guarded('track_plays', `${chunk.length} rows`, () => db.insertInto('track_plays').values(chunk).execute());
      trackRows += chunk.length;
      progress({ phase: 'plays', done: plays, total: expected });
    }
    if (artistBuf.length > 0 && (force || artistBuf.length >= trackBatch)) {
      const chunk = artistBuf;
      artistBuf = [];
      await guarded('artist_plays', `${chunk.length} rows`, () => db.insertInto('artist_plays').values(chunk).execute());
      artistRows += chunk.length;
    }
  };
  for (const user of users) {
    const userRng = rng.fork(user.index);
    const n = drawPlayCount(userRng, opts.playsPerUser);
    const drawn = drawUserPlays(userRng, cat, user, n);
    const uid = userIds[user.index] as number;
    const perArtist = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const ar = cat.trackArtist[drawn.tracks[i] as number] as number;
      perArtist.set(ar, (perArtist.get(ar) ?? 0) + 1);
    }
    if (opts.trackPlays === 'events') {
      for (let i = 0; i < n; i++) trackBuf.push({ user_id: uid, track_id: trackIds[drawn.tracks[i] as number] as number, play_count: 1, played_at: new Date(drawn.times[i] as number) });
    } else {
      const perTrack = new Map<number, number>();
      for (let i = 0; i < n; i++) perTrack.set(drawn.tracks[i] as number, (perTrack.get(drawn.tracks[i] as number) ?? 0) + 1);
      for (const [t, c] of perTrack) trackBuf.push({ user_id: uid, track_id: trackIds[t] as number, play_count: c, played_at: null });
    }
    for (const [ar, c] of perArtist) artistBuf.push({ user_id: uid, artist_id: artistIds[ar] as number, play_count: c, played_at: null });
    plays += n;
    await flush(false);
  }
  await flush(true);
  return { plays, trackRows, artistRows };
}

/**
 * Draws undirected friendships with homophily: each user proposes 1 + Geometric(0.3) friends,
 * each from users with the same top preferred genre with probability 0.7, else uniformly.
 * Returns each friendship in both directions, deduplicated, in a deterministic order.
 */
function drawFriendships(rng: Rng, users: readonly SynthUser[]): [number, number][] {
  const n = users.length;
  const byGenre: number[][] = GENRES.map(() => []);
  for (const u of users) byGenre[u.preferredGenres[0] as number]?.push(u.index);
  const seen = new Set<number>();
  const out: [number, number][] = [];
  for (const u of users) {
    let degree = 1;
    while (rng.bernoulli(0.7) && degree < 20) degree++;
    const same = byGenre[u.preferredGenres[0] as number] as number[];
    for (let d = 0; d < degree; d++) {
      const v = rng.bernoulli(0.7) && same.length > 1 ? rng.choice(same) : rng.int(n);
      if (v === u.index) continue;
      const a = Math.min(u.index, v);
      const b = Math.max(u.index, v);
      const key = a * n + b;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push([a, b], [b, a]);
    }
  }
  return out;
}

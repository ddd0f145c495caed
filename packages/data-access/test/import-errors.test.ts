import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataAccessError, importFmaTracks, importLastfm2k, importLastfm360k, importSpotifyTracks, type TunekitDb } from '../src/index';
import { dialects, title } from './dialects';

const HEADER = 'track_id,album_id,album_title,artist_id,artist_name,artist_url,track_date_created,track_duration,track_listens,track_genres,track_title';
const good = (id: number, extra = '') =>
  `${id},1,"Album, with comma",7,"Artist ""Q""",,11/26/2008 01:48:12 AM,168,${100 + id},"[{'genre_id': '21', 'genre_title': 'Hip-Hop'}]","Title
spanning two lines${extra}"`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tk-import-errors-'));
  // line 1 header; track 2 = lines 2-3; bad date = lines 4-5; bad listens = 6-7; bad genres = 8-9; track 9 = 10-11; only a year = 12-13
  writeFileSync(
    join(dir, 'tracks.csv'),
    [
      HEADER,
      good(2),
      good(3).replace('11/26/2008 01:48:12 AM', '13/45/2008 01:48:12 AM'),
      good(4).replace(',104,', ',lots,'),
      good(5).replace("[{'genre_id'", "[{'genre_id' 'x'"),
      good(9),
      good(10).replace('11/26/2008 01:48:12 AM', '2008'),
    ].join('\n') + '\n',
  );
  writeFileSync(join(dir, 'tracks-good.csv'), [HEADER, good(2), good(9)].join('\r\n') + '\r\n');
  writeFileSync(join(dir, 'user_artists.dat'), 'userID\tartistID\tweight\n2\t51\t10\n2\t52\n3\t51\t5\n');
  writeFileSync(join(dir, 'profile.tsv'), 'u1\tm\t22.0\tGermany\tFeb 1, 2007\nu2\tx\t\tCanada\tDec 4, 2007\nu3\t\t\t\tFeb 30, 2007\n');
  writeFileSync(
    join(dir, 'spotify.csv'),
    ',track_id,artists,album_name,track_name,popularity,duration_ms,explicit,danceability,energy,key,loudness,mode,speechiness,acousticness,instrumentalness,liveness,valence,tempo,time_signature,track_genre\n' +
      '0,T1,A;B,Al,N1,55,239893,True,0.85,0.66,11,-4.8,0,0.1,0.4,0.0,0.2,0.6,101.9,4,pop\n' +
      '1,T1,A;B,Al,N1,55,239893,True,0.85,0.66,11,-4.8,0,0.1,0.4,0.0,0.2,0.6,101.9,4,rock\n' +
      '2,T2,C,Al,N2,55,239893,maybe,0.85,0.66,11,-4.8,0,0.1,0.4,0.0,0.2,0.6,101.9,4,pop\n',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

for (const d of dialects('import_errors')) {
  describe.skipIf(d.skipReason !== null)(title(d, 'malformed rows'), () => {
    let h: TunekitDb;
    beforeAll(async () => {
      h = await d.open();
    });
    afterAll(async () => {
      await h?.close();
      await d.dispose();
    });
    const count = async (table: 'tracks' | 'artist_plays' | 'users' | 'dataset_imports' | 'track_genres') =>
      Number((await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(h.db)).rows[0]?.n);

    it("onError 'abort' throws IMPORT_ABORTED naming file/line/column and commits nothing", async () => {
      const err = await importFmaTracks(h.db, join(dir, 'tracks.csv'), { onError: 'abort', progress: false }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DataAccessError);
      expect((err as DataAccessError).code).toBe('IMPORT_ABORTED');
      expect((err as DataAccessError).context).toMatchObject({ line: 4, column: 'track_date_created' });
      expect((err as Error).message).toContain('tracks.csv:4 column track_date_created');
      expect(await count('tracks')).toBe(0);
      expect(await count('dataset_imports')).toBe(0);
    });

    it("onError 'skip' imports the good rows and reports each bad one", async () => {
      const r = await importFmaTracks(h.db, join(dir, 'tracks.csv'), { onError: 'skip', progress: false });
      expect(r.rowsImported).toBe(3);
      expect(r.rowsSkipped).toBe(3);
      expect(r.errors.map((e) => [e.line, e.column])).toEqual([
        [4, 'track_date_created'],
        [6, 'track_listens'],
        [8, 'track_genres'],
      ]);
      expect(r.errors.every((e) => e.file.endsWith('tracks.csv') && e.message.length > 0)).toBe(true);
      const rows = await h.db.selectFrom('tracks').select(['external_id', 'title', 'listens', 'year_created', 'date_created']).orderBy('id').execute();
      expect(rows.map((x) => x.external_id)).toEqual(['2', '9', '10']);
      expect(rows[0]?.title).toBe('Title\nspanning two lines');
      expect(rows[0]?.date_created?.toISOString()).toBe('2008-11-26T01:48:12.000Z');
      expect(rows[2]).toMatchObject({ year_created: 2008, date_created: null });
      const artist = await h.db.selectFrom('artists').select('name').executeTakeFirstOrThrow();
      expect(artist.name).toBe('Artist "Q"');
      expect(await count('track_genres')).toBe(3);
    });

    it('is idempotent: a second run skips the recorded file, a forced one inserts nothing twice', async () => {
      const again = await importFmaTracks(h.db, join(dir, 'tracks.csv'), { onError: 'skip', progress: false });
      expect(again.rowsImported).toBe(0);
      expect(again.filesSkipped).toHaveLength(1);
      // progress: true exercises the cli-progress bar (drawn on stderr)
      const forced = await importFmaTracks(h.db, join(dir, 'tracks-good.csv'), { force: true, progress: true });
      expect(forced.rowsImported).toBe(2);
      expect(await count('tracks')).toBe(3);
      expect(await count('track_genres')).toBe(3);
    });

    it('a record with a missing field is reported with column "record"', async () => {
      const err = await importLastfm2kPlays(h).catch((e: unknown) => e);
      expect((err as DataAccessError).code).toBe('IMPORT_ABORTED');
      expect((err as DataAccessError).context).toMatchObject({ line: 3, column: 'record' });
      expect(await count('artist_plays')).toBe(0);
    });

    it('360K profiles: bad gender and impossible date are reported, good rows land', async () => {
      const r = await importLastfm360k(h.db, { profileFile: join(dir, 'profile.tsv'), onError: 'skip', progress: false });
      expect(r.rowsImported).toBe(1);
      expect(r.errors.map((e) => [e.line, e.column])).toEqual([
        [2, 'gender'],
        [3, 'signup'],
      ]);
      const u = await h.db.selectFrom('users').selectAll().where('source', '=', 'lastfm-360k').executeTakeFirstOrThrow();
      expect(u).toMatchObject({ external_id: 'u1', gender: 'm', age: 22, country: 'Germany' });
    });

    it('Spotify: one track row per track_id, several genres, bad explicit reported', async () => {
      const r = await importSpotifyTracks(h.db, join(dir, 'spotify.csv'), { onError: 'skip', progress: false });
      expect(r.rowsImported).toBe(2);
      expect(r.errors).toEqual([{ file: join(dir, 'spotify.csv'), line: 4, column: 'explicit', message: expect.stringContaining('maybe') }]);
      const t = await h.db.selectFrom('tracks').selectAll().where('source', '=', 'spotify').execute();
      expect(t).toHaveLength(1);
      expect(t[0]).toMatchObject({ external_id: 'T1', explicit: true, popularity: 55, duration_s: 239.893 });
      const g = await h.db.selectFrom('track_genres as tg').innerJoin('genres as g', 'g.id', 'tg.genre_id').select(['g.title', 'tg.is_primary']).where('tg.track_id', '=', t[0]!.id).orderBy('g.title').execute();
      expect(g).toEqual([
        { title: 'pop', is_primary: true },
        { title: 'rock', is_primary: false },
      ]);
      const ta = await h.db.selectFrom('track_artists as ta').innerJoin('artists as a', 'a.id', 'ta.artist_id').select(['a.name', 'ta.position']).where('ta.track_id', '=', t[0]!.id).orderBy('ta.position').execute();
      expect(ta).toEqual([
        { name: 'A', position: 0 },
        { name: 'B', position: 1 },
      ]);
    });

    it('a missing file is FILE_NOT_FOUND', async () => {
      const err = await importFmaTracks(h.db, join(dir, 'nope.csv')).catch((e: unknown) => e);
      expect((err as DataAccessError).code).toBe('FILE_NOT_FOUND');
    });
  });

  async function importLastfm2kPlays(h: TunekitDb) {
    // Only user_artists.dat exists in `dir`: import that file through the 2k importer's plays path.
    const sub = mkdtempSync(join(dir, '2k-'));
    writeFileSync(join(sub, 'artists.dat'), 'id\tname\turl\tpictureURL\n51\tA\t\t\n52\tB\t\t\n');
    writeFileSync(join(sub, 'tags.dat'), 'tagID\ttagValue\n1\tmetal\n');
    writeFileSync(join(sub, 'user_artists.dat'), 'userID\tartistID\tweight\n2\t51\t10\n2\t52\n3\t51\t5\n');
    return importLastfm2k(h.db, { dir: sub, progress: false });
  }
}

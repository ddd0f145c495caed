import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getArtistPlays,
  getArtistTags,
  getFriendships,
  getIdMap,
  getInteractionSplit,
  getItemAttributes,
  getPlaysAsInteractions,
  importInteractionSplit,
  importLastfm2k,
  readInteractionsTsv,
  streamPlays,
  type ImportResult,
  type TunekitDb,
} from '../src/index';
import { DATA_DIR, NO_DATA_REASON, type Dialect } from './dialects';

/**
 * Full import of hetrec2011-lastfm-2k for one dialect (one file per dialect so the two run in
 * parallel forks). Counts re-derived from the files: 17,632 artists in artists.dat (+390 artist ids
 * that only user_taggedartists.dat references → stub rows), 11,946 tags, 92,834 user–artist rows
 * over 1,892 users, 186,479 tag assignments, 25,434 friendship rows.
 */
export function lastfm2kSuite(d: Dialect): void {
  const skip = d.skipReason ?? (DATA_DIR ? null : NO_DATA_REASON);
  describe.skipIf(skip !== null)(skip ? `lastfm-2k [${d.name}] — skipped: ${skip}` : `lastfm-2k import [${d.name}]`, () => {
    let h: TunekitDb;
    let r: ImportResult;
    const dir = join(DATA_DIR ?? '', 'hetrec2011-lastfm-2k');
    beforeAll(async () => {
      h = await d.open();
      r = await importLastfm2k(h.db, { dir, progress: false });
    }, 600_000);
    afterAll(async () => {
      await h?.close();
      await d.dispose();
    });
    const count = async (q: string) => Number((await sql<{ n: number }>`${sql.raw(q)}`.execute(h.db)).rows[0]?.n);

    it('imports all five files completely', async () => {
      expect(r.errors).toEqual([]);
      expect(r.rowsImported).toBe(17632 + 11946 + 92834 + 186479 + 25434);
      expect(await count(`select count(*) n from users where source = 'lastfm-2k'`)).toBe(1892);
      expect(await count(`select count(*) n from artists where source = 'lastfm-2k' and extra->>'stub' is null`)).toBe(17632);
      expect(await count(`select count(*) n from artists where source = 'lastfm-2k'`)).toBe(17632 + 390);
      expect(await count(`select count(*) n from tags where source = 'lastfm-2k'`)).toBe(11946);
      expect(await count(`select count(*) n from tag_assignments`)).toBe(186479);
      expect(await count(`select count(*) n from friendships`)).toBe(25434);
    });

    it('reads tags.dat as ISO-8859-1', async () => {
      // tags.dat: 7982 fußball, 2863 tropicália (bytes 0xDF and 0xE1 in the file)
      const tags = await getIdMap(h.db, 'tags', 'lastfm-2k', ['7982', '2863']);
      const names = await h.db.selectFrom('tags').select('name').where('id', 'in', [...tags.values()]).orderBy('name').execute();
      expect(names.map((x) => x.name)).toEqual(['fußball', 'tropicália']);
      expect(await count(`select count(*) n from tags where name like '%\uFFFD%'`)).toBe(0);
    });

    it('getArtistPlays returns the 92,834 user–artist rows with their weights', async () => {
      const plays = await getArtistPlays(h.db, { source: 'lastfm-2k' });
      expect(plays.userIds.length).toBe(92834);
      expect(new Set(plays.userIds).size).toBe(1892);
      const users = await getIdMap(h.db, 'users', 'lastfm-2k', ['2']);
      const artists = await getIdMap(h.db, 'artists', 'lastfm-2k', ['51']);
      // user_artists.dat line 2: 2 51 13883
      const k = plays.userIds.findIndex((u, i) => u === users.get('2') && plays.itemIds[i] === artists.get('51'));
      expect(plays.weights[k]).toBe(13883);
    });

    it('stores tag days and per-artist tag counts', async () => {
      // user_taggedartists.dat line 2: 2 52 13 1 4 2009
      const day = await sql<{ d: string }>`select to_char(tagged_on, 'YYYY-MM-DD') d from tag_assignments ta join tags t on t.id = ta.tag_id join users u on u.id = ta.user_id join artists a on a.id = ta.artist_id
        where t.external_id = '13' and u.external_id = '2' and a.external_id = '52'`.execute(h.db);
      expect(day.rows.map((x) => x.d)).toEqual(['2009-04-01']);
      const tags = await getArtistTags(h.db, { source: 'lastfm-2k' });
      expect(tags.reduce((a, t) => a + t.count, 0)).toBe(186479);
      const friends = await getFriendships(h.db, { source: 'lastfm-2k' });
      expect(friends.userIds.length).toBe(25434);
    });

    it('streamPlays yields every play once in bounded columnar batches', async () => {
      let n = 0;
      let sum = 0;
      for await (const b of streamPlays(h, { grain: 'artist', source: 'lastfm-2k', batchSize: 25000 })) {
        expect(b.userIds.length).toBeLessThanOrEqual(25000);
        n += b.userIds.length;
        for (const w of b.weights) sum += w;
      }
      expect(n).toBe(92834);
      expect(sum).toBe(await count(`select sum(play_count) n from artist_plays`));
    });

    it('readInteractionsTsv reads the canonical split: 74,272 train / 18,562 test rows', async () => {
      const train = await readInteractionsTsv(join(DATA_DIR ?? '', 'benchmarks/lastfm-2k/train.tsv'));
      const test = await readInteractionsTsv(join(DATA_DIR ?? '', 'benchmarks/lastfm-2k/test.tsv'));
      expect(train.userIds.length).toBe(74272);
      expect(test.userIds.length).toBe(18562);
      expect([train.userIds[0], train.itemIds[0], train.weights[0]]).toEqual([2, 51, 13883]);
      expect(train.userIds.length + test.userIds.length).toBe(92834);
    });

    // On both databases (the import takes ~2–3 s on either).
    it('imports the canonical train/test split: row counts = file lines − 1, round trip equals the file, no test pair in train', async () => {
      const trainPath = join(DATA_DIR ?? '', 'benchmarks/lastfm-2k/train.tsv');
      const testPath = join(DATA_DIR ?? '', 'benchmarks/lastfm-2k/test.tsv');
      const lines = (p: string) => readFileSync(p, 'utf8').split('\n').filter((l) => l !== '').length;
      const base = { dataset: 'lastfm-2k', itemKind: 'artist', userSource: 'lastfm-2k', itemSource: 'lastfm-2k' } as const;
      const train = await importInteractionSplit(h.db, { ...base, path: trainPath, split: 'train' });
      const test = await importInteractionSplit(h.db, { ...base, path: testPath, split: 'test' });
      expect(train).toMatchObject({ rowsRead: lines(trainPath) - 1, rowsImported: lines(trainPath) - 1, rowsSkipped: 0, duplicatesDropped: 0 });
      expect(train.rowsImported).toBe(74272);
      expect(test.rowsImported).toBe(lines(testPath) - 1);
      expect(await count(`select count(*) n from interaction_splits where split = 'train'`)).toBe(74272);
      // train ∪ test = user_artists.dat, disjoint
      expect(await count(`select count(*) n from interaction_splits s join interaction_splits t on t.user_id = s.user_id and t.item_id = s.item_id and t.split = 'test' where s.split = 'train'`)).toBe(0);
      expect(await count(`select count(*) n from artist_plays p where not exists (select 1 from interaction_splits s where s.user_id = p.user_id and s.item_id = p.artist_id)`)).toBe(0);

      const file = await readInteractionsTsv(trainPath);
      const db = await getInteractionSplit(h.db, { dataset: 'lastfm-2k', split: 'train', itemKind: 'artist' });
      // element-wise (a deep toEqual over 3 × 74k values costs seconds)
      expect(db.userIds.length).toBe(file.userIds.length);
      let mismatches = 0;
      for (let k = 0; k < file.userIds.length; k++) {
        if (db.userIds[k] !== String(file.userIds[k]) || db.itemIds[k] !== String(file.itemIds[k]) || db.weights[k] !== file.weights[k]) mismatches++;
      }
      expect(mismatches).toBe(0);
      expect((await importInteractionSplit(h.db, { ...base, path: trainPath, split: 'train' })).filesSkipped).toEqual([trainPath]);

      // all plays through the kind-agnostic reader: user_artists.dat is sorted by user then artist, as is the natural order
      const plays = await getPlaysAsInteractions(h.db, { itemKind: 'artist', source: 'lastfm-2k' });
      expect(plays.userIds.length).toBe(92834);
      expect([plays.userIds[0], plays.itemIds[0], plays.weights[0]]).toEqual(['2', '51', 13883]);

      const attrs = await getItemAttributes(h.db, { itemKind: 'artist', source: 'lastfm-2k' });
      expect(attrs.ids.length).toBe(17632 + 390);
      expect(attrs.genreOrigins.every((o) => o === null || o === 'top-tag')).toBe(true);
      // hetrec artists have no tracks: no audio profile
      expect(attrs.audio.every(Number.isNaN)).toBe(true);
      const withTag = attrs.genres.filter((g) => g !== null).length;
      expect(withTag).toBe(await count(`select count(distinct artist_id) n from tag_assignments`));
    });
  });
}

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator } from 'kysely/migration';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DataAccessError,
  getInteractionSplit,
  getItemAttributes,
  getPlaysAsInteractions,
  getTagAssignments,
  getUserAttributes,
  getUserProfiles,
  importInteractionSplit,
  type InteractionSplitImportOptions,
  type TunekitDb,
} from '../src/index';
import { dialects, title } from './dialects';

const SRC = 'split-test';
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tk-splits-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, lines: string[]): string => {
  const p = join(dir, name);
  writeFileSync(p, lines.join('\n') + '\n');
  return p;
};

for (const d of dialects('interaction_splits')) {
  describe.skipIf(d.skipReason !== null)(title(d, 'interaction splits and tower attributes'), () => {
    let h: TunekitDb;
    const ids = new Map<string, number>();
    const opts = (path: string, extra: Partial<InteractionSplitImportOptions> = {}): InteractionSplitImportOptions => ({
      path,
      dataset: 'tiny',
      split: 'train',
      itemKind: 'artist',
      userSource: SRC,
      itemSource: SRC,
      ...extra,
    });
    const splitRows = async () => Number((await sql<{ n: number }>`select count(*)::int n from interaction_splits`.execute(h.db)).rows[0]?.n);
    const importsOf = async (key: string) => (await h.db.selectFrom('dataset_imports').select(['file', 'rows_imported']).where('dataset', '=', key).execute());

    beforeAll(async () => {
      h = await d.open();
      // users 1, 2, 10 (inserted out of natural order); artists 51, 52 (52 has no tracks); tracks t-1, t-2, t-10 by artist 51
      const users = await h.db
        .insertInto('users')
        .values([
          { source: SRC, external_id: '10', age: 31, gender: 'f', country: 'Norway', signup_date: '2007-02-01' },
          { source: SRC, external_id: '2', age: null, gender: null, country: null },
          { source: SRC, external_id: '1', age: 22, gender: 'm', country: 'Chile' },
          { source: 'other', external_id: '999' },
        ])
        .returning(['id', 'external_id', 'source'])
        .execute();
      for (const u of users) ids.set(`u${u.source === SRC ? '' : '-other-'}${u.external_id}`, u.id);
      const artists = await h.db.insertInto('artists').values([{ source: SRC, external_id: '52', name: 'No Tracks' }, { source: SRC, external_id: '51', name: 'Has Tracks' }]).returning(['id', 'external_id']).execute();
      for (const a of artists) ids.set(`a${a.external_id}`, a.id);
      const a51 = ids.get('a51')!;
      const tracks = await h.db
        .insertInto('tracks')
        .values([
          { source: SRC, external_id: 't-10', title: 'Ten', artist_id: a51, release_year: 2001, year_created: 1990, duration_s: 100 },
          { source: SRC, external_id: 't-2', title: 'Two', artist_id: a51, year_created: 2005, duration_s: 300 },
          { source: SRC, external_id: 't-1', title: 'One', artist_id: null },
        ])
        .returning(['id', 'external_id'])
        .execute();
      for (const t of tracks) ids.set(t.external_id, t.id);
      const [rock, pop] = await h.db.insertInto('genres').values([{ source: SRC, external_id: 'g1', title: 'rock' }, { source: SRC, external_id: 'g2', title: 'pop' }]).returning('id').execute();
      await h.db
        .insertInto('track_genres')
        .values([
          { track_id: ids.get('t-10')!, genre_id: rock!.id, is_primary: true },
          { track_id: ids.get('t-10')!, genre_id: pop!.id, is_primary: false },
          { track_id: ids.get('t-2')!, genre_id: rock!.id, is_primary: true },
          { track_id: ids.get('t-1')!, genre_id: pop!.id, is_primary: true },
        ])
        .execute();
      await h.db
        .insertInto('audio_features')
        .values([
          { track_id: ids.get('t-10')!, source: SRC, energy: 0.2, tempo: 100, key: 1 },
          { track_id: ids.get('t-2')!, source: SRC, energy: 0.6, tempo: null, key: 4 },
        ])
        .execute();
      const [tagA, tagB, tagC] = await h.db.insertInto('tags').values([{ source: SRC, external_id: '1', name: 'shoegaze' }, { source: SRC, external_id: '2', name: 'dream pop' }, { source: SRC, external_id: '3', name: 'ambient' }]).returning('id').execute();
      // artist 52: dream pop ×2, ambient ×2, shoegaze ×1 → tie broken by byte order: ambient
      await h.db
        .insertInto('tag_assignments')
        .values([
          { tag_id: tagB!.id, artist_id: ids.get('a52')!, user_id: ids.get('u1')! },
          { tag_id: tagB!.id, artist_id: ids.get('a52')!, user_id: ids.get('u2')! },
          { tag_id: tagC!.id, artist_id: ids.get('a52')!, user_id: ids.get('u1')! },
          { tag_id: tagC!.id, artist_id: ids.get('a52')!, user_id: ids.get('u10')! },
          { tag_id: tagA!.id, artist_id: ids.get('a52')!, user_id: ids.get('u2')! },
          { tag_id: tagA!.id, artist_id: a51, user_id: ids.get('u2')! },
        ])
        .execute();
    });
    afterAll(async () => {
      await h?.close();
      await d.dispose();
    });

    it('imports a split in file order with honest counts; a repeated pair keeps its first line', async () => {
      const path = write('train.tsv', ['user_id\tartist_id\tweight', '10\t51\t3', '2\t51\t5', '2\t52\t1.5', '10\t51\t7', '1\t52\t2']);
      const r = await importInteractionSplit(h.db, opts(path));
      expect(r).toMatchObject({ rowsRead: 5, rowsImported: 4, rowsSkipped: 0, duplicatesDropped: 1, errors: [], filesImported: [path], filesSkipped: [] });
      const s = await getInteractionSplit(h.db, { dataset: 'tiny', split: 'train', itemKind: 'artist' });
      expect(s.userIds).toEqual(['10', '2', '2', '1']);
      expect(s.itemIds).toEqual(['51', '51', '52', '52']);
      expect(Array.from(s.weights)).toEqual([3, 5, 1.5, 2]);
      expect(await importsOf('interaction-split:tiny:train:artist')).toEqual([{ file: 'train.tsv', rows_imported: 4 }]);
    });

    it('an unknown id aborts naming file:line and the id, committing nothing', async () => {
      // line 3: user 999 exists only under another source; line 5 is malformed but comes later
      const path = write('bad.tsv', ['user_id\tartist_id\tweight', '1\t51\t1', '999\t51\t1', '2\t77\t1', '2\t51\tlots']);
      const err = await importInteractionSplit(h.db, opts(path, { split: 'bad' })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DataAccessError);
      expect((err as DataAccessError).code).toBe('IMPORT_ABORTED');
      expect((err as Error).message).toContain('bad.tsv:3 column user: unknown user id "999"');
      expect((err as Error).message).toContain(`source "${SRC}"`);
      expect((err as DataAccessError).context).toMatchObject({ line: 3, column: 'user', id: '999' });
      expect(await h.db.selectFrom('interaction_splits').select('line').where('split', '=', 'bad').execute()).toEqual([]);
      expect(await importsOf('interaction-split:tiny:bad:artist')).toEqual([]);

      const skipped = await importInteractionSplit(h.db, opts(path, { split: 'bad', onError: 'skip' }));
      expect(skipped).toMatchObject({ rowsRead: 4, rowsImported: 1, rowsSkipped: 3, duplicatesDropped: 0 });
      expect(skipped.errors.map((e) => [e.line, e.column])).toEqual([
        [3, 'user'],
        [4, 'item'],
        [5, 'weight'],
      ]);
      expect(skipped.errors[1]!.message).toContain('unknown artist id "77"');
    });

    it('a re-run of the same file is skipped; a changed file replaces only its split', async () => {
      const path = join(dir, 'train.tsv');
      const before = await splitRows();
      const again = await importInteractionSplit(h.db, opts(path));
      expect(again).toMatchObject({ rowsRead: 0, rowsImported: 0, filesSkipped: [path], filesImported: [] });
      expect(await splitRows()).toBe(before);

      write('train.tsv', ['user\titem\tplays', '1\t51\t4', '10\t52\t8']);
      const changed = await importInteractionSplit(h.db, opts(path));
      expect(changed).toMatchObject({ rowsRead: 2, rowsImported: 2, filesImported: [path] });
      const s = await getInteractionSplit(h.db, { dataset: 'tiny', split: 'train', itemKind: 'artist' });
      expect([s.userIds, s.itemIds, Array.from(s.weights)]).toEqual([
        ['1', '10'],
        ['51', '52'],
        [4, 8],
      ]);
      expect(await importsOf('interaction-split:tiny:train:artist')).toEqual([{ file: 'train.tsv', rows_imported: 2 }]);
      // the 'bad' split imported above is untouched
      expect((await getInteractionSplit(h.db, { dataset: 'tiny', split: 'bad', itemKind: 'artist' })).userIds).toEqual(['1']);
      // force re-reads the same content
      expect((await importInteractionSplit(h.db, opts(path, { force: true }))).rowsImported).toBe(2);
    });

    it('a user–track split goes through the same code with string item ids', async () => {
      const path = write('tracks.tsv', ['user_id\ttrack_id\tweight', '2\tt-10\t1', '1\tt-1\t2']);
      const r = await importInteractionSplit(h.db, opts(path, { itemKind: 'track' }));
      expect(r.rowsImported).toBe(2);
      const s = await getInteractionSplit(h.db, { dataset: 'tiny', split: 'train', itemKind: 'track' });
      expect([s.userIds, s.itemIds]).toEqual([
        ['2', '1'],
        ['t-10', 't-1'],
      ]);
      // the artist split of the same name is a different split
      expect((await getInteractionSplit(h.db, { dataset: 'tiny', split: 'train', itemKind: 'artist' })).itemIds).toEqual(['51', '52']);
    });

    it('reports a split never imported, an unknown item kind and a missing file', async () => {
      await expect(getInteractionSplit(h.db, { dataset: 'tiny', split: 'nope', itemKind: 'artist' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(getInteractionSplit(h.db, { dataset: 'tiny', split: 'train', itemKind: 'album' as never })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(importInteractionSplit(h.db, opts(join(dir, 'missing.tsv')))).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
      // the table's check constraint backs the importer's validation
      await expect(
        sql`insert into interaction_splits (dataset, split, item_kind, user_id, item_id, weight, line) values ('x', 'y', 'album', ${ids.get('u1')!}, 1, 1, 2)`.execute(h.db),
      ).rejects.toThrow(/interaction_splits_item_kind_check/);
    });

    it('getPlaysAsInteractions sums plays per pair for both item kinds, in natural id order', async () => {
      const [u1, u2, u10] = [ids.get('u1')!, ids.get('u2')!, ids.get('u10')!];
      await h.db.insertInto('artist_plays').values([
        { user_id: u10, artist_id: ids.get('a51')!, play_count: 9 },
        { user_id: u2, artist_id: ids.get('a52')!, play_count: 4 },
        { user_id: u2, artist_id: ids.get('a51')!, play_count: 1 },
      ]).execute();
      await h.db.insertInto('track_plays').values([
        { user_id: u1, track_id: ids.get('t-10')!, play_count: 1, played_at: '2009-01-01T10:00:00Z' },
        { user_id: u1, track_id: ids.get('t-10')!, play_count: 1, played_at: '2009-01-02T10:00:00Z' },
        { user_id: u1, track_id: ids.get('t-2')!, play_count: 5 },
        { user_id: u10, track_id: ids.get('t-1')!, play_count: 2 },
      ]).execute();
      const a = await getPlaysAsInteractions(h.db, { itemKind: 'artist', source: SRC });
      expect([a.userIds, a.itemIds, Array.from(a.weights)]).toEqual([
        ['2', '2', '10'],
        ['51', '52', '51'],
        [1, 4, 9],
      ]);
      const t = await getPlaysAsInteractions(h.db, { itemKind: 'track', source: SRC });
      // t-2 before t-10 (natural order); the two t-10 events sum to 2
      expect([t.userIds, t.itemIds, Array.from(t.weights)]).toEqual([
        ['1', '1', '10'],
        ['t-2', 't-10', 't-1'],
        [5, 2, 2],
      ]);
      expect((await getPlaysAsInteractions(h.db, { itemKind: 'track', source: SRC, itemSource: 'elsewhere' })).userIds).toEqual([]);
    });

    it('item attributes: tracks with primary genre, year fallback and audio; artists with track genres or top tag and mean audio', async () => {
      const t = await getItemAttributes(h.db, { itemKind: 'track', source: SRC });
      const c = t.audioColumns.length;
      const [energy, tempo, key] = ['energy', 'tempo', 'key'].map((n) => t.audioColumns.indexOf(n as never));
      expect(t.ids).toEqual(['t-1', 't-2', 't-10']);
      expect(t.names).toEqual(['One', 'Two', 'Ten']);
      expect(t.artistIds).toEqual([null, '51', '51']);
      expect(t.genres).toEqual(['pop', 'rock', 'rock']);
      expect(t.genreOrigins).toEqual(['primary-genre', 'primary-genre', 'primary-genre']);
      expect(Array.from(t.years)).toEqual([NaN, 2005, 2001]); // t-10: release_year 2001 wins over year_created 1990
      expect(Array.from(t.durations)).toEqual([NaN, 300, 100]);
      expect(t.audio.length).toBe(3 * c);
      expect(t.audio.subarray(0, c).every(Number.isNaN)).toBe(true);
      expect([t.audio[c + energy!], t.audio[c + tempo!], t.audio[2 * c + tempo!], t.audio[2 * c + key!]]).toEqual([Math.fround(0.6), NaN, 100, 1]);

      const a = await getItemAttributes(h.db, { itemKind: 'artist', source: SRC });
      expect(a.ids).toEqual(['51', '52']);
      expect(a.artistIds).toEqual(['51', '52']);
      expect(a.names).toEqual(['Has Tracks', 'No Tracks']);
      // 51: both tracks' primary genre is rock (its shoegaze tag is not used); 52: no tracks → top tag, tie 2–2 → 'ambient'
      expect(a.genres).toEqual(['rock', 'ambient']);
      expect(a.genreOrigins).toEqual(['track-genres', 'top-tag']);
      // 51 means over t-10 and t-2: year (2001 + 2005) / 2, duration (100 + 300) / 2, energy (0.2 + 0.6) / 2, tempo only t-10, key (1 + 4) / 2
      expect([a.years[0], a.durations[0], a.audio[energy!], a.audio[tempo!], a.audio[key!]]).toEqual([2003, 200, Math.fround(0.4), 100, 2.5]);
      expect(Number.isNaN(a.years[1]!) && a.audio.subarray(c, 2 * c).every(Number.isNaN)).toBe(true);
      await expect(getItemAttributes(h.db, { itemKind: 'playlist' as never, source: SRC })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    });

    it('getTagAssignments lists every assignment with its user, by item then user (natural order)', async () => {
      const t = await getTagAssignments(h.db, { itemKind: 'artist', source: SRC });
      expect(t.itemIds).toEqual(['51', '52', '52', '52', '52', '52']);
      expect(t.userIds).toEqual(['2', '1', '1', '2', '2', '10']);
      expect(t.tags).toEqual(['shoegaze', 'ambient', 'dream pop', 'dream pop', 'shoegaze', 'ambient']);
      expect((await getTagAssignments(h.db, { itemKind: 'track', source: SRC })).tags).toEqual([]);
    });

    it('user attributes keyed by external id; getUserProfiles still keys by internal id', async () => {
      const u = await getUserAttributes(h.db, { source: SRC });
      expect(u.ids).toEqual(['1', '2', '10']);
      expect(Array.from(u.ages)).toEqual([22, NaN, 31]);
      expect(u.genders).toEqual(['m', null, 'f']);
      expect(u.countries).toEqual(['Chile', null, 'Norway']);
      expect(u.signupDates).toEqual([null, null, '2007-02-01']);
      const p = await getUserProfiles(h.db, { source: SRC });
      expect(p.map((x) => x.userId)).toEqual([ids.get('u10'), ids.get('u2'), ids.get('u1')]);
    });

    it('migration 0002 goes down and up again', async () => {
      const migrator = new Migrator({ db: h.db, provider: { getMigrations: async () => ({ ...(await import('../src/migrations/index')).MIGRATIONS }) } });
      const down = await migrator.migrateDown();
      expect(down.error).toBeUndefined();
      expect(down.results?.map((r) => [r.migrationName, r.status])).toEqual([['0002-interaction-splits', 'Success']]);
      expect((await sql<{ t: string | null }>`select to_regclass('interaction_splits')::text t`.execute(h.db)).rows[0]?.t).toBeNull();
      const up = await migrator.migrateToLatest();
      expect(up.results?.map((r) => r.migrationName)).toEqual(['0002-interaction-splits']);
      expect(await splitRows()).toBe(0);
    });
  });
}

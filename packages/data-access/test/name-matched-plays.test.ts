import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTracksOfArtistPlaysByName, type TunekitDb } from '../src/index';
import { dialects, title } from './dialects';

for (const d of dialects('name_matched_plays')) {
  describe.skipIf(d.skipReason !== null)(title(d, 'artist plays matched to catalogue tracks by artist name'), () => {
    let h: TunekitDb;
    const id = new Map<string, number>();
    beforeAll(async () => {
      h = await d.open();
      const users = await h.db.insertInto('users').values([{ source: 'fm', external_id: 'u1' }, { source: 'fm', external_id: 'u2' }]).returning(['id', 'external_id']).execute();
      for (const u of users) id.set(u.external_id, u.id);
      const artists = await h.db
        .insertInto('artists')
        .values([
          { source: 'fm', external_id: 'a', name: ' Björk ' },
          { source: 'fm', external_id: 'b', name: 'Nobody In Catalogue' },
          { source: 'cat', external_id: 'x', name: 'björk' },
          { source: 'cat', external_id: 'y', name: 'Other' },
        ])
        .returning(['id', 'external_id'])
        .execute();
      for (const a of artists) id.set(a.external_id, a.id);
      const tracks = await h.db
        .insertInto('tracks')
        .values([
          { source: 'cat', external_id: 't1', artist_id: id.get('x')! },
          { source: 'cat', external_id: 't2', artist_id: id.get('y')! },
        ])
        .returning(['id', 'external_id'])
        .execute();
      for (const t of tracks) id.set(t.external_id, t.id);
      // t2 credits both artists: a play of Björk reaches it too
      await h.db
        .insertInto('track_artists')
        .values([
          { track_id: id.get('t1')!, artist_id: id.get('x')!, position: 0 },
          { track_id: id.get('t2')!, artist_id: id.get('y')!, position: 0 },
          { track_id: id.get('t2')!, artist_id: id.get('x')!, position: 1 },
        ])
        .execute();
      await h.db
        .insertInto('artist_plays')
        .values([
          { user_id: id.get('u2')!, artist_id: id.get('a')!, play_count: 3 },
          { user_id: id.get('u1')!, artist_id: id.get('a')!, play_count: 1 },
          { user_id: id.get('u1')!, artist_id: id.get('b')!, play_count: 9 },
        ])
        .execute();
    });
    afterAll(async () => {
      await h?.close();
      await d.dispose();
    });

    it('matches names case- and space-insensitively, follows every credit, sorts by user then track', async () => {
      const rows = await getTracksOfArtistPlaysByName(h.db, { artistSource: 'fm', catalogueSource: 'cat' });
      const [u1, u2, t1, t2] = [id.get('u1')!, id.get('u2')!, id.get('t1')!, id.get('t2')!];
      const expected = [
        { user_id: u1, track_id: t1 },
        { user_id: u1, track_id: t2 },
        { user_id: u2, track_id: t1 },
        { user_id: u2, track_id: t2 },
      ].sort((a, b) => a.user_id - b.user_id || a.track_id - b.track_id);
      expect(rows).toEqual(expected);
    });

    it('returns nothing when no artist name matches', async () => {
      expect(await getTracksOfArtistPlaysByName(h.db, { artistSource: 'cat', catalogueSource: 'nope' })).toEqual([]);
    });
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import {
  DataAccessError,
  createModelRun,
  finishModelRun,
  getEvaluationResults,
  getModelRun,
  getRunMetrics,
  getTrackPlays,
  getTracksWithMetadata,
  insertEvaluationResults,
  insertRunMetrics,
  insertTrackPlays,
  listModelRuns,
  readInBatches,
  readItemEmbeddings,
  streamPlays,
  upsertItemEmbeddings,
  type TunekitDb,
} from '../src/index';
import { dialects, title } from './dialects';

for (const d of dialects('repositories')) {
  describe.skipIf(d.skipReason !== null)(title(d, 'repositories'), () => {
    let h: TunekitDb;
    beforeAll(async () => {
      h = await d.open();
    });
    afterAll(async () => {
      await h?.close();
      await d.dispose();
    });

    it('getTracksWithMetadata joins artists in credit order, genres primary first, audio and enrichment', async () => {
      const [a1, a2] = await h.db.insertInto('artists').values([{ source: 'meta-test', external_id: 'a1', name: 'Second' }, { source: 'meta-test', external_id: 'a2', name: 'First' }]).returning('id').execute();
      const [g1, g2] = await h.db.insertInto('genres').values([{ source: 'meta-test', external_id: 'g1', title: 'rock' }, { source: 'meta-test', external_id: 'g2', title: 'pop' }]).returning('id').execute();
      const [t1] = await h.db.insertInto('tracks').values([{ source: 'meta-test', external_id: 't1', title: 'One', popularity: 50, duration_s: 200, explicit: false }, { source: 'meta-test', external_id: 't2', title: 'No audio' }]).returning('id').execute();
      await h.db.insertInto('track_artists').values([{ track_id: t1!.id, artist_id: a1!.id, position: 1 }, { track_id: t1!.id, artist_id: a2!.id, position: 0 }]).execute();
      await h.db.insertInto('track_genres').values([{ track_id: t1!.id, genre_id: g1!.id, is_primary: false }, { track_id: t1!.id, genre_id: g2!.id, is_primary: true }]).execute();
      await h.db.insertInto('audio_features').values({ track_id: t1!.id, source: 'meta-test', energy: 0.5, tempo: 120 }).execute();
      await h.db.insertInto('enrichment_progress').values({ provider: 'p', track_id: t1!.id, status: 'done', payload: JSON.stringify({ relatedArtists: ['X'] }) }).execute();
      const rows = await getTracksWithMetadata(h.db, { source: 'meta-test', enrichmentProvider: 'p' });
      // t2 has no audio features, so only t1 comes back
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ external_id: 't1', title: 'One', popularity: 50, duration_s: 200, explicit: false, artists: ['First', 'Second'], genres: ['pop', 'rock'], enrichment: { relatedArtists: ['X'] } });
      expect(rows[0]!.audio.energy).toBe(0.5);
      expect(rows[0]!.audio.danceability).toBeNull();
      expect((await getTracksWithMetadata(h.db, { source: 'meta-test' }))[0]!.enrichment).toBeNull();
      expect(await getTracksWithMetadata(h.db, { source: 'nothing' })).toEqual([]);
    });

    it('model runs, run metrics and evaluation results round-trip', async () => {
      await createModelRun(h.db, { id: 'run-a', modelName: 'listens-mlp', family: 'listens', config: { lr: 0.001, layers: [128, 64] }, gitSha: 'abc' });
      await createModelRun(h.db, { id: 'run-b', modelName: 'listens-mlp', family: 'listens', config: {} });
      expect((await getModelRun(h.db, 'run-a')).status).toBe('running');
      await finishModelRun(h.db, 'run-a', { status: 'completed', metrics: { rmse_log: 0.65 } });
      const run = await getModelRun(h.db, 'run-a');
      expect(run).toMatchObject({ status: 'completed', metrics: { rmse_log: 0.65 }, config: { lr: 0.001, layers: [128, 64] }, git_sha: 'abc' });
      expect(run.finished_at).toBeInstanceOf(Date);
      expect((await listModelRuns(h.db, 'listens-mlp')).map((r) => r.id).sort()).toEqual(['run-a', 'run-b']);
      await expect(finishModelRun(h.db, 'nope', { status: 'failed' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(getModelRun(h.db, 'nope')).rejects.toBeInstanceOf(DataAccessError);

      await insertRunMetrics(h.db, 'run-a', [
        { epoch: 1, name: 'loss', value: 0.9 },
        { epoch: 2, name: 'loss', value: 0.5 },
        { epoch: 1, name: 'val_loss', value: 1.1 },
      ]);
      await insertRunMetrics(h.db, 'run-a', [{ epoch: 2, name: 'loss', value: 0.4 }]);
      expect(await getRunMetrics(h.db, 'run-a')).toEqual([
        { epoch: 1, name: 'loss', value: 0.9 },
        { epoch: 1, name: 'val_loss', value: 1.1 },
        { epoch: 2, name: 'loss', value: 0.4 },
      ]);

      await insertEvaluationResults(h.db, [
        { evaluation: 'lastfm-2k', runId: 'run-a', system: 'model', metric: 'ndcg@10', value: 0.26 },
        { evaluation: 'lastfm-2k', runId: null, system: 'most-popular', metric: 'ndcg@10', value: 0.086 },
      ]);
      expect(await getEvaluationResults(h.db, 'lastfm-2k')).toEqual([
        { evaluation: 'lastfm-2k', runId: 'run-a', system: 'model', metric: 'ndcg@10', value: 0.26 },
        { evaluation: 'lastfm-2k', runId: null, system: 'most-popular', metric: 'ndcg@10', value: 0.086 },
      ]);
    });

    it('item embeddings upsert and read back as a Float32Array matrix', async () => {
      const ids = Int32Array.of(30, 10, 20);
      const vectors = Float32Array.of(3, 3.5, 1, 1.5, 2, 2.5);
      expect(await upsertItemEmbeddings(h.db, { modelName: 'tt', runId: 'r1', itemKind: 'artist', ids, vectors, dim: 2 })).toBe(3);
      let e = await readItemEmbeddings(h.db, { modelName: 'tt', itemKind: 'artist' });
      expect(Array.from(e.ids)).toEqual([10, 20, 30]);
      expect(Array.from(e.vectors)).toEqual([1, 1.5, 2, 2.5, 3, 3.5]);
      expect(e.dim).toBe(2);
      await upsertItemEmbeddings(h.db, { modelName: 'tt', runId: 'r2', itemKind: 'artist', ids: [20], vectors: Float32Array.of(-1, -2), dim: 2 });
      e = await readItemEmbeddings(h.db, { modelName: 'tt', itemKind: 'artist' });
      expect(Array.from(e.vectors)).toEqual([1, 1.5, -1, -2, 3, 3.5]);
      await expect(upsertItemEmbeddings(h.db, { modelName: 'tt', runId: 'r', itemKind: 'artist', ids: [1], vectors: Float32Array.of(1), dim: 2 })).rejects.toMatchObject({ code: 'BAD_ROW' });
      await expect(readItemEmbeddings(h.db, { modelName: 'none', itemKind: 'track' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      // Another width under the same model/kind used to be stored, and read back as a corrupt matrix.
      await expect(upsertItemEmbeddings(h.db, { modelName: 'tt', runId: 'r3', itemKind: 'artist', ids: [40], vectors: Float32Array.of(1, 2, 3), dim: 3 })).rejects.toThrow(
        /already holds vectors of dim 2 .* these have dim 3/,
      );
      expect(Array.from((await readItemEmbeddings(h.db, { modelName: 'tt', itemKind: 'artist' })).ids)).toEqual([10, 20, 30]);
      await upsertItemEmbeddings(h.db, { modelName: 'tt', runId: 'r3', itemKind: 'track', ids: [40], vectors: Float32Array.of(1, 2, 3), dim: 3 });
      // A ragged table written behind the repository's back is reported, not misread.
      await sql`INSERT INTO item_embeddings (model_name, run_id, item_kind, item_id, vector) VALUES ('tt', 'x', 'track', 41, ARRAY[1, 2]::real[])`.execute(h.db);
      await expect(readItemEmbeddings(h.db, { modelName: 'tt', itemKind: 'track' })).rejects.toThrow(/item 41 \(run x\) has 2 values, item 40 has 3/);
    });

    it('track plays insert idempotently, read back columnar, and stream in batches', async () => {
      const users = await h.db.insertInto('users').values([{ source: 'synthetic', external_id: 'a' }, { source: 'synthetic', external_id: 'b' }]).returning('id').execute();
      const tracks = await h.db
        .insertInto('tracks')
        .values(Array.from({ length: 50 }, (_, i) => ({ source: 'synthetic', external_id: `t${i}` })))
        .returning('id')
        .execute();
      const n = 2 * 50;
      const userIds = new Int32Array(n);
      const itemIds = new Int32Array(n);
      const weights = new Float32Array(n);
      for (let k = 0; k < n; k++) {
        userIds[k] = users[k % 2]!.id;
        itemIds[k] = tracks[Math.floor(k / 2)]!.id;
        weights[k] = k + 1;
      }
      expect(await insertTrackPlays(h.db, { userIds, itemIds, weights })).toBe(100);
      expect(await insertTrackPlays(h.db, { userIds, itemIds, weights })).toBe(0);
      const plays = await getTrackPlays(h.db, { source: 'synthetic' });
      expect(plays.userIds.length).toBe(100);
      expect(plays.weights.reduce((a, b) => a + b, 0)).toBe((100 * 101) / 2);
      let seen = 0;
      let batches = 0;
      for await (const b of streamPlays(h, { grain: 'track', source: 'synthetic', batchSize: 30 })) {
        seen += b.userIds.length;
        batches++;
      }
      expect([seen, batches]).toEqual([100, 4]);
      // exact multiple of the batch size: no empty trailing batch
      batches = 0;
      for await (const b of readInBatches(h, h.db.selectFrom('tracks').select('id').where('source', '=', 'synthetic').orderBy('id'), { batchSize: 25 })) {
        expect(b.length).toBe(25);
        batches++;
      }
      expect(batches).toBe(2);
    });
  });
}

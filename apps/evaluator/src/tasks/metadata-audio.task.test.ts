import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { Rng } from '@tunekit/core';
import { createLogger } from '@tunekit/cli-kit';
import { openDatabase } from '@tunekit/data-access';
import { metadataAudioConfigSchema, parseSpotifyTracksCsv, saveMetadataAudioModel, trainMetadataAudio } from '@tunekit/models';
import { metadataAudioEvalTask } from './metadata-audio.task';

const root = join(import.meta.dirname, '../../../..');
const HEADER = 'track_id,artists,album_name,track_name,popularity,duration_ms,explicit,danceability,energy,key,loudness,mode,speechiness,acousticness,instrumentalness,liveness,valence,tempo,time_signature,track_genre';
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('metadata-audio eval task', () => {
  it('configs/evaluator/metadata-audio.yaml validates against the task schema', () => {
    const { task: _task, ...rest } = YAML.parse(readFileSync(join(root, 'configs/evaluator/metadata-audio.yaml'), 'utf8')) as Record<string, unknown>;
    const cfg = metadataAudioEvalTask.schema.parse(rest);
    expect(cfg.references['artist-disjoint']?.['gradient boosting (reference)']?.['r2/energy']).toBe(0.113);
  });

  it('scores each split against train-mean, reports cluster agreement and 100 % coverage on unseen tracks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ma-eval-'));
    dirs.push(dir);
    const rng = new Rng(5);
    const rows = [HEADER];
    const split = ['track_id,artist_disjoint,random'];
    for (let a = 0; a < 36; a++)
      for (let k = 0; k < 4; k++) {
        const lvl = (a % 3) / 3;
        const n = (s: number): string => (lvl + rng.normal(0, s)).toFixed(4);
        rows.push([`t${a}-${k}`, `A${a}`, 'alb', 'song', String(rng.int(100)), '200000', 'False', n(0.05), n(0.05), '0', String(-10 + 5 * lvl), '1', '0', '0', '0', '0', n(0.05), String(100 + 30 * lvl), '4', `g${a % 3}`].join(','));
        split.push(`t${a}-${k},${a < 27 ? 'train' : 'test'},${k < 3 ? 'train' : 'test'}`);
      }
    writeFileSync(join(dir, 'tracks.csv'), rows.join('\n') + '\n');
    writeFileSync(join(dir, 'split.csv'), split.join('\n') + '\n');
    const tracks = parseSpotifyTracksCsv(rows.join('\n'));
    await tf.setBackend('cpu');
    const cfg = metadataAudioConfigSchema.parse({ features: { folds: 3 }, gbdt: { nTrees: 20, minLeaf: 3 }, mlp: { enabled: false }, kmeans: { k: 3, nInit: 2 } });
    const run = join(dir, 'models', 'metadata-audio', 'run1');
    for (const [name, col] of [['artist-disjoint', 1], ['random', 2]] as const) {
      const ids = new Set(split.slice(1).filter((l) => l.split(',')[col] === 'train').map((l) => l.split(',')[0]));
      mkdirSync(join(run, 'splits', name), { recursive: true });
      saveMetadataAudioModel(join(run, 'splits', name, 'model.json'), await trainMetadataAudio(tracks.filter((t) => ids.has(t.id)), cfg));
    }
    saveMetadataAudioModel(join(run, 'model.json'), await trainMetadataAudio(tracks, cfg));
    symlinkSync('run1', join(dir, 'models', 'metadata-audio', 'latest'));
    const config = metadataAudioEvalTask.schema.parse({ data: { source: 'csv', csv: join(dir, 'tracks.csv'), splitFile: join(dir, 'split.csv') }, referenceKMeans: { k: 3, nInit: 2 } });
    const db = await openDatabase('pglite:memory', { migrate: false });
    try {
      const result = await metadataAudioEvalTask.run({ name: 'metadata-audio', config, db, workspaceRoot: root, modelsRoot: join(dir, 'models'), outDir: dir, flags: {}, log: createLogger('test', { level: 'warn' }) });
      const ad = result.extra?.['artist-disjoint'] as { model: Record<string, number>; baselines: Record<string, Record<string, number>> };
      expect(ad.model['r2/energy']).toBeGreaterThan(0.5);
      expect(ad.baselines['train-mean']?.['r2/energy']).toBeLessThanOrEqual(0);
      expect(ad.model['cluster_agreement']).toBeGreaterThan(ad.baselines['train-mean']?.['cluster_agreement'] as number);
      expect(result.model['artist-disjoint/r2/energy']).toBe(ad.model['r2/energy']);
      expect(result.baselines['train-mean']?.['artist-disjoint/mae/tempo']).toBeGreaterThan(0);
      expect(result.extra?.['random']).toBeDefined();
      expect(result.model['serving/unknown_coverage_pct']).toBe(100);
    } finally {
      await db.close();
    }
  });
});

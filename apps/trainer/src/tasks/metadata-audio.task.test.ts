import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { Rng } from '@tunekit/core';
import { createLogger } from '@tunekit/cli-kit';
import { openDatabase } from '@tunekit/data-access';
import { loadMetadataAudioModel, assignClusters } from '@tunekit/models';
import { metadataAudioTask } from './metadata-audio.task';

const root = join(import.meta.dirname, '../../../..');
const HEADER = 'Unnamed: 0,track_id,artists,album_name,track_name,popularity,duration_ms,explicit,danceability,energy,key,loudness,mode,speechiness,acousticness,instrumentalness,liveness,valence,tempo,time_signature,track_genre';

/** A small Spotify-layout CSV with planted genre structure, and an artist-disjoint + random split file. */
function writeFixture(dir: string): { csv: string; split: string } {
  const rng = new Rng(11);
  const rows: string[] = [HEADER];
  const split: string[] = ['track_id,artist_disjoint,random'];
  for (let a = 0; a < 40; a++) {
    const g = a % 4;
    for (let k = 0; k < 4; k++) {
      const id = `t${a}x${k}`;
      const lvl = g / 4;
      const f = (v: number): string => v.toFixed(4);
      rows.push([String(rows.length), id, `Artist ${a}${k === 0 ? ';Guest ' + (a % 5) : ''}`, `"Album, ${a}"`, `Song ${k}`, String(rng.int(100)), String(150000 + rng.int(90000)), rng.bernoulli(0.3) ? 'True' : 'False',
        f(lvl + rng.normal(0, 0.05)), f(1 - lvl + rng.normal(0, 0.05)), '1', f(-12 + 8 * lvl + rng.normal(0, 0.5)), '1', '0.05', '0.1', '0', '0.1', f(lvl / 2 + rng.normal(0, 0.05)), f(90 + 40 * lvl + rng.normal(0, 5)), '4', `genre${g}`].join(','));
      split.push(`${id},${a < 30 ? 'train' : 'test'},${rng.bernoulli(0.8) ? 'train' : 'test'}`);
    }
  }
  const csv = join(dir, 'tracks.csv');
  const file = join(dir, 'split.csv');
  writeFileSync(csv, rows.join('\n') + '\n');
  writeFileSync(file, split.join('\n') + '\n');
  return { csv, split: file };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('metadata-audio train task', () => {
  it('configs/trainer/metadata-audio.yaml validates against the task schema', () => {
    const { task: _task, ...rest } = YAML.parse(readFileSync(join(root, 'configs/trainer/metadata-audio.yaml'), 'utf8')) as Record<string, unknown>;
    const cfg = metadataAudioTask.schema.parse(rest);
    expect(Object.keys(cfg.splits)).toEqual(['artist-disjoint', 'random']);
    expect(cfg.model.targets).toEqual(['danceability', 'energy', 'valence', 'tempo', 'loudness']);
    expect(() => metadataAudioTask.schema.parse({ ...rest, modle: {} })).toThrow();
  });

  it('imports the CSV into an empty database, trains split + serving models and writes the artifacts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ma-task-'));
    dirs.push(dir);
    const { csv, split } = writeFixture(dir);
    await tf.setBackend('cpu');
    const config = metadataAudioTask.schema.parse({
      data: { csv, splitFile: split },
      backend: 'cpu',
      model: { features: { folds: 3, topGenres: 2 }, gbdt: { nTrees: 30, minLeaf: 3 }, mlp: { hidden: [8], epochs: 5, patience: 2, batchSize: 32 }, kmeans: { k: 3, nInit: 2 } },
    });
    const db = await openDatabase('pglite:memory');
    const epochs: Record<string, number>[] = [];
    try {
      const out = await metadataAudioTask.run({
        name: 'metadata-audio', config, db, runId: 'test', runDir: dir, workspaceRoot: root, flags: {}, log: createLogger('test', { level: 'warn' }),
        recordEpoch: async (_e, m) => void epochs.push(m),
      });
      expect(out.extra?.['data_source']).toBe('database (tracks.source = spotify)');
      for (const p of ['model.json', 'splits/artist-disjoint/model.json', 'splits/random/model.json', 'metadata_model_metrics.json']) expect(existsSync(join(dir, p)), p).toBe(true);
      const report = JSON.parse(readFileSync(join(dir, 'metadata_model_metrics.json'), 'utf8')) as Record<string, { per_feature: Record<string, { validation: { gbdt: { r2: number } } }> }>;
      expect(Object.keys(report['artist-disjoint']?.per_feature ?? {})).toEqual(config.model.targets);
      // The planted genre signal is found on held-out artists of the validation carve-out.
      expect(report['artist-disjoint']?.per_feature['energy']?.validation.gbdt.r2).toBeGreaterThan(0.5);
      expect(epochs.some((m) => 'artist-disjoint/mlp_valid_mse' in m)).toBe(true);
      const model = loadMetadataAudioModel(join(dir, 'model.json'));
      const res = assignClusters(model, [{ id: 'never-seen', artists: ['Nobody'], genres: ['genre2'], popularity: 10 }, { id: 't0x0', artists: ['Artist 0'] }]);
      expect(res.coverage.pct).toBe(100);
      expect(res.results.map((r) => r.source)).toEqual(['prediction', 'lookup']);
    } finally {
      await db.close();
    }
  });
});

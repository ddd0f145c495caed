import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, parseAppArgs } from '@tunekit/cli-kit';
import { openDatabase } from '@tunekit/data-access';
import { loadContentEmbedding } from '@tunekit/models';
import { generateSynthetic } from '@tunekit/synth';
import { train } from '../train';
import { contentEmbeddingFlagOverrides, contentEmbeddingTask } from './content-embedding.task';

const workspaceRoot = resolve(__dirname, '../../../..');
const silent = createLogger('test', { write: () => undefined });
const registry = { 'content-embedding': contentEmbeddingTask };

const CONFIG = `
task: content-embedding
catalogue:
  source: synthetic
  features: [acousticness, danceability, energy, instrumentalness, valence, tempo]
pairs:
  source: track-plays
  maxPairsPerGroup: 30
model: { hiddenLayers: [32], embeddingSize: 16, epochs: 5, batchSize: 64, patience: 0, seed: 1 }
backend: cpu
`;

describe('content-embedding train task', () => {
  let dir: string;
  let dbUrl: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tk-ce-'));
    dbUrl = `pglite:${join(dir, 'db')}`;
    writeFileSync(join(dir, 'ce-tiny.yaml'), CONFIG);
    const h = await openDatabase(dbUrl);
    await generateSynthetic(h.db, { seed: 5, tracks: 300, artists: 30, users: 40, playsPerUser: 15 });
    await h.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('maps the original script flags onto config overrides', () => {
    expect(contentEmbeddingFlagOverrides({ epochs: '50', 'batch-size': '64', 'validation-split': '0.2', 'learning-rate': '0.001', 'embedding-size': '64', 'hidden-layers': '128, 64', 'dropout-rate': '0.2', other: 'x' })).toEqual([
      'model.epochs=50',
      'model.batchSize=64',
      'model.validationSplit=0.2',
      'model.learningRate=0.001',
      'model.embeddingSize=64',
      'model.hiddenLayers=[128,64]',
      'model.dropoutRate=0.2',
    ]);
    expect(() => contentEmbeddingFlagOverrides({ 'hidden-layers': 'a,b' })).toThrow(/comma-separated integers/);
  });

  it('trains on co-listening from the database with flag overrides, saves artifacts and item_embeddings', async () => {
    const result = await train({
      args: parseAppArgs(['--config', join(dir, 'ce-tiny.yaml'), '--database', dbUrl, '--epochs', '2', '--hidden-layers', '16']),
      workspaceRoot,
      artifactsRoot: join(dir, 'models'),
      log: silent,
    });
    expect(readFileSync(join(result.runDir, 'config.yaml'), 'utf8')).toMatch(/epochs: 2/);
    const meta = JSON.parse(readFileSync(join(result.runDir, 'metadata.json'), 'utf8')) as { trackIds: number[]; extra: { pairs: { synthetic: boolean; source: string } } };
    expect(meta.trackIds).toHaveLength(300);
    expect(meta.extra.pairs).toMatchObject({ synthetic: false, source: 'track-plays' });
    expect(existsSync(join(result.runDir, 'checkpoints', 'epoch-002', 'model.json'))).toBe(true);
    const epochs = readFileSync(join(result.runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
    expect(epochs).toHaveLength(2);
    expect(epochs[1]).toHaveProperty('spread');
    const svc = await loadContentEmbedding(result.runDir);
    expect(svc.similarTracks(meta.trackIds[0]!, 5)).toHaveLength(5);
    const h = await openDatabase(dbUrl);
    const row = await h.db.selectFrom('item_embeddings').select((eb) => eb.fn.countAll<number>().as('n')).where('model_name', '=', 'ce-tiny').executeTakeFirst();
    await h.close();
    expect(Number(row?.n)).toBe(300);
  });

  it('stops with a clear message without interactions, and uses synthetic ones only when asked', async () => {
    const h = await openDatabase(dbUrl);
    await h.db.deleteFrom('track_plays').execute();
    await h.db.deleteFrom('playlist_tracks').execute();
    await h.close();
    const args = ['--config', join(dir, 'ce-tiny.yaml'), '--database', dbUrl, '--epochs', '1'];
    await expect(train({ args: parseAppArgs(args), workspaceRoot, artifactsRoot: join(dir, 'models'), log: silent, registry })).rejects.toThrow(/No interactions in the database for "synthetic" tracks/);
    const result = await train({ args: parseAppArgs([...args, '--set', 'pairs.syntheticIfEmpty=true', '--set', 'pairs.syntheticUsers=60']), workspaceRoot, artifactsRoot: join(dir, 'models'), log: silent, registry });
    const meta = JSON.parse(readFileSync(join(result.runDir, 'metadata.json'), 'utf8')) as { extra: { pairs: { synthetic: boolean } } };
    expect(meta.extra.pairs.synthetic).toBe(true);
    const manifest = JSON.parse(readFileSync(join(result.runDir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest['synthetic_interactions']).toBe(true);
  });
});

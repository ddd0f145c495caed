import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLogger, parseAppArgs } from '@tunekit/cli-kit';
import { openDatabase } from '@tunekit/data-access';
import { generateSynthetic } from '@tunekit/synth';
import { train } from './train';
import { readTensorBoardScalars } from './tensorboard';

const workspaceRoot = resolve(__dirname, '../../..');
const silent = createLogger('test', { write: () => undefined });

const CONFIG = `
task: listens
data:
  source: synthetic
  split: { kind: random, test: 0.2, validation: 0.2, seed: 1 }
features:
  - { name: favorites, kind: numeric, transform: log1p }
  - { name: interest, kind: numeric, transform: log1p }
  - { name: comments, kind: numeric, transform: log1p }
  - { name: duration_s, kind: numeric }
model: { hidden: [16], dropout: 0, ensemble: 1 }
training: { epochs: 15, batchSize: 32, learningRate: 0.01, patience: 5, seed: 3 }
`;

describe('trainer app', () => {
  let dir: string;
  let dbUrl: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tk-trainer-'));
    dbUrl = `pglite:${join(dir, 'db')}`;
    const h = await openDatabase(dbUrl);
    await generateSynthetic(h.db, { seed: 5, tracks: 400, artists: 40, users: 30, playsPerUser: 10 });
    await h.close();
    writeFileSync(join(dir, 'listens-tiny.yaml'), CONFIG);
  });

  it('trains, records the run everywhere and commits the run directory atomically', async () => {
    const artifactsRoot = join(dir, 'models');
    const result = await train({
      args: parseAppArgs(['--config', join(dir, 'listens-tiny.yaml'), '--database', dbUrl]),
      workspaceRoot,
      artifactsRoot,
      log: silent,
    });
    expect(result.metrics['val_rmse_log']).toBeGreaterThan(0);
    // Planted structure: the MLP must beat predicting the mean by far (listens depend on favorites/interest/comments).
    expect(result.metrics['val_rmse_log']).toBeLessThan(0.8 * (result.metrics['val_rmse_log_linear']! + 1));
    const base = join(artifactsRoot, 'listens-tiny');
    expect(lstatSync(join(base, 'latest')).isSymbolicLink()).toBe(true);
    expect(readdirSync(base).filter((f) => f.startsWith('.tmp-'))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(result.runDir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest['family']).toBe('listens');
    expect(manifest['config_hash']).toMatch(/^[0-9a-f]{16}$/);
    expect(manifest['files']).toEqual(expect.arrayContaining(['model/member-0/model.json', 'preprocessing.json', 'config.yaml', 'metrics.jsonl']));
    const lines = readFileSync(join(result.runDir, 'metrics.jsonl'), 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    const tbDir = join(result.runDir, 'tensorboard');
    const tbFile = readdirSync(tbDir)[0]!;
    const scalars = readTensorBoardScalars(tbFile, readFileSync(join(tbDir, tbFile)));
    expect(scalars.filter((s) => s.tag === 'm0/val_loss')).toHaveLength(lines.length);

    const h = await openDatabase(dbUrl);
    const run = await h.db.selectFrom('model_runs').selectAll().where('id', '=', result.runId).executeTakeFirstOrThrow();
    expect(run.status).toBe('completed');
    const metrics = await h.db.selectFrom('run_metrics').select('name').where('run_id', '=', result.runId).execute();
    expect(metrics.length).toBe(lines.length * 4);
    await h.close();
  });

  it('rejects a misspelt config key with file, line and column, and leaves nothing behind', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, CONFIG.replace('training: {', 'trainig: {'));
    const artifactsRoot = join(dir, 'models-bad');
    await expect(train({ args: parseAppArgs(['--config', bad, '--database', dbUrl]), workspaceRoot, artifactsRoot, log: silent })).rejects.toThrow(
      new RegExp(`${bad}:12:1: unknown key "trainig"`),
    );
    expect(existsSync(artifactsRoot)).toBe(false);
  });

  it('fails cleanly on a source with no tracks, marking the run failed and removing its temp dir', async () => {
    const cfg = join(dir, 'empty.yaml');
    writeFileSync(cfg, CONFIG.replace('source: synthetic', 'source: nowhere'));
    const artifactsRoot = join(dir, 'models-empty');
    await expect(train({ args: parseAppArgs(['--config', cfg, '--database', dbUrl]), workspaceRoot, artifactsRoot, log: silent })).rejects.toThrow(/No tracks with listens for source "nowhere"/);
    expect(readdirSync(join(artifactsRoot, 'empty'))).toEqual([]);
    const h = await openDatabase(dbUrl);
    const runs = await h.db.selectFrom('model_runs').select('status').where('model_name', '=', 'empty').execute();
    expect(runs.map((r) => r.status)).toEqual(['failed']);
    await h.close();
  });
});

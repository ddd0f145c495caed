import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { createLogger, parseAppArgs } from '@tunekit/cli-kit';
import { openDatabase } from '@tunekit/data-access';
import { generateSynthetic } from '@tunekit/synth';
import { evaluate } from '../evaluate';

const root = resolve(import.meta.dirname, '../../../..');
const silent = createLogger('test', { write: () => undefined });

/** The parts of the YAML configs the test rewrites. */
type Cfg = Record<string, unknown> & { data: { load: unknown[] }; model: Record<string, unknown>; ranking: { head: Record<string, unknown> } };

/**
 * End to end through the real CLIs' code: the trainer (spawned, as `nx run trainer:train` runs it)
 * reads user–TRACK plays from a PGlite database, fits the user and item feature specs, trains the
 * retrieval towers and the ranking head; the evaluator then scores warm users (held-out plays),
 * cold-start users (features only) and the ranking stage.
 */
describe('two-tower on synthetic user–track plays: trainer → evaluator', () => {
  let dir: string;
  let dbUrl: string;
  let models: string;
  let trainLog = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tk-tt-'));
    dbUrl = `pglite:${join(dir, 'db')}`;
    models = join(dir, 'models');
    const h = await openDatabase(dbUrl);
    await generateSynthetic(h.db, { preset: 'small', seed: 3 });
    await h.close();
    // The shipped config, shrunk: fewer epochs, a smaller head.
    const cfg = YAML.parse(readFileSync(join(root, 'configs/trainer/two-tower-synthetic.yaml'), 'utf8')) as Cfg;
    cfg['data'].load = [];
    cfg['model'] = { ...cfg['model'], epochs: 8, patience: 2 };
    cfg['ranking'].head = { ...cfg['ranking'].head, epochs: 8, patience: 2 };
    writeFileSync(join(dir, 'tt-synth.yaml'), YAML.stringify(cfg));
    const evalCfg = YAML.parse(readFileSync(join(root, 'configs/evaluator/two-tower-synthetic.yaml'), 'utf8')) as Record<string, unknown>;
    evalCfg['model'] = 'tt-synth';
    evalCfg['significance'] = { rounds: 500, seed: 1 };
    writeFileSync(join(dir, 'tt-eval.yaml'), YAML.stringify(evalCfg));
    const r = spawnSync('npx', ['tsx', 'apps/trainer/src/main.ts', '--config', join(dir, 'tt-synth.yaml'), '--database', dbUrl], {
      cwd: root,
      env: { ...process.env, TUNEKIT_MODELS_ROOT: models, FORCE_COLOR: '0' },
      encoding: 'utf8',
      timeout: 300_000,
    });
    trainLog = `${r.stdout}\n${r.stderr}`;
    if (r.status !== 0) throw new Error(`trainer failed (${r.status}):\n${trainLog.slice(-3000)}`);
  }, 360_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('trains from the database with feature specs, writes checkpoints, held-out pairs and a ranking head', () => {
    const run = join(models, 'tt-synth', 'latest');
    for (const f of ['two-tower.json', 'weights.bin', 'held-out.json', 'checkpoint/two-tower.json', 'checkpoint/weights.bin', 'ranking/ranker.json', 'training-report.json']) expect(existsSync(join(run, f)), f).toBe(true);
    const meta = JSON.parse(readFileSync(join(run, 'two-tower.json'), 'utf8')) as { itemKind: string; userFeatureNames: string[]; itemFeatureNames: string[]; metadata: { userSpec: unknown; interactions: { kind: string } } };
    expect(meta.itemKind).toBe('track');
    expect(meta.userFeatureNames).toEqual(expect.arrayContaining(['age', 'gender=f', 'plays', 'genre_entropy', 'audio_energy']));
    expect(meta.itemFeatureNames).toEqual(expect.arrayContaining(['year', 'duration_s', 'audio_tempo']));
    expect(meta.metadata.userSpec).toBeTruthy();
    expect(meta.metadata.interactions.kind).toBe('holdout');
    const held = JSON.parse(readFileSync(join(run, 'held-out.json'), 'utf8')) as { test: { users: string[] }; cold: { users: string[] }; coldUserFeatures: { userIds: string[]; names: string[]; values: number[] } };
    expect(held.test.users.length).toBeGreaterThan(100);
    expect(held.cold.users.length).toBeGreaterThan(0);
    expect(held.coldUserFeatures.values).toHaveLength(held.coldUserFeatures.userIds.length * held.coldUserFeatures.names.length);
    expect(trainLog).toMatch(/ranking head: validation AUC/);
  });

  it('evaluates warm users against the baselines, the ranking stage and cold-start users', async () => {
    const { result } = await evaluate({ args: parseAppArgs(['--config', join(dir, 'tt-eval.yaml'), '--database', dbUrl]), workspaceRoot: root, log: silent, outRoot: join(dir, 'eval'), modelsRoot: models });
    const pop = result.baselines['most-popular']!['ndcg@10']!;
    // Planted taste (genre × audio) must be learnt: well above popularity on held-out plays.
    expect(result.model['ndcg@10']!).toBeGreaterThan(pop + 0.03);
    expect(result.baselines['model+ranking']!['ndcg@10']!).toBeGreaterThan(pop + 0.03);
    const extra = result.extra as { ranking_auc: { auc: number; dotAuc: number; popularityAuc: number }; cold_start: { users: number; model: Record<string, number> } };
    // The head sees the compatibility features (|user audio − item audio|, age×genre, …): on test
    // pairs it must separate positives from sampled negatives better than u·v and popularity.
    expect(extra.ranking_auc.auc).toBeGreaterThan(extra.ranking_auc.dotAuc + 0.01);
    expect(extra.ranking_auc.auc).toBeGreaterThan(extra.ranking_auc.popularityAuc + 0.03);
    expect(extra.cold_start.users).toBeGreaterThan(0);
    expect(Number.isFinite(extra.cold_start.model['ndcg@10'])).toBe(true);
    const metrics = JSON.parse(readFileSync(join(dir, 'eval', 'tt-eval', 'metrics.json'), 'utf8')) as { population: { item_kind: string } };
    expect(metrics.population.item_kind).toBe('track');
  }, 180_000);
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../../..');
const dir = mkdtempSync(join(tmpdir(), 'tunekit-eval-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  // Same as `npx tsx packages/metrics/src/cli/tunekit-eval.ts ...`, minus npx's start-up time.
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'packages/metrics/src/cli/tunekit-eval.ts', ...args], { cwd: root, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('tunekit-eval command', () => {
  it('scores a qrels/run pair and prints JSON', () => {
    // q1: ranking b(2) x a(1) → DCG = 2 + 1/log2 4 = 2.5, IDCG = 2 + 1/log2 3 → 0.95023; q2 perfect → 1
    const qrels = file('ok.qrels', 'q1 0 a 1\nq1 0 b 2\nq2 0 c 1\nq3 0 d 0\n');
    const runFile = file('ok.run', 'q1 Q0 b 1 3 t\nq1 Q0 x 2 2 t\nq1 Q0 a 3 1 t\nq2 Q0 c 1 1 t\n');
    const r = run(qrels, runFile, '--metrics', 'ndcg@10,mrr,precision@10,r-prec', '--per-query');
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      metrics: Record<string, number>;
      population: { queriesEvaluated: number; queriesWithoutRelevant: string[] };
      perQuery: Record<string, Record<string, number>>;
    };
    const q1 = 2.5 / (2 + 1 / Math.log2(3));
    expect(out.perQuery.q1?.['ndcg@10']).toBeCloseTo(q1, 12);
    expect(out.metrics['ndcg@10']).toBeCloseTo((q1 + 1) / 2, 12);
    expect(out.metrics['precision@10']).toBeCloseTo((0.2 + 0.1) / 2, 12);
    expect(out.metrics['r-prec']).toBe(0.75); // q1: top-2 {b, x} holds 1 of 2; q2: 1
    expect(out.population).toMatchObject({ queriesEvaluated: 2, queriesWithoutRelevant: ['q3'] });
  });

  it('reports a malformed line with its number and exits 2', () => {
    const qrels = file('bad.qrels', 'q1 0 a 1\n');
    const runFile = file('bad.run', 'q1 Q0 a 1 0.9 t\nq1 Q0 b 2 oops t\n');
    const r = run(qrels, runFile);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${runFile}:2: score "oops" is not a finite number`);
    expect(r.stdout).toBe('');
  });

  it('rejects an unknown metric by name and bad usage with exit 2', () => {
    const qrels = file('u.qrels', 'q1 0 a 1\n');
    const runFile = file('u.run', 'q1 Q0 a 1 0.9 t\n');
    const r = run(qrels, runFile, '--metrics', 'ndgc@10');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Unknown metric "ndgc@10"');
    const u = run(qrels);
    expect(u.status).toBe(2);
    expect(u.stderr).toContain('usage: tunekit-eval');
  });
});

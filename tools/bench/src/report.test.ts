import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WORKSPACE_ROOT, percentile, writeBenchResult } from './report';

describe('bench report helpers', () => {
  it('percentile is nearest-rank', () => {
    // sorted 1..10: p50 → rank ceil(5) = 5th value; p99 → 10th; p0 → 1st
    const xs = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
    expect(percentile(xs, 50)).toBe(5);
    expect(percentile(xs, 99)).toBe(10);
    expect(percentile(xs, 0)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
  });

  it('writes artifacts/bench/<name>.json atomically with machine facts', () => {
    const name = `selftest-${process.pid}`;
    const path = writeBenchResult(name, { seconds: 1.5 });
    try {
      expect(path).toBe(join(WORKSPACE_ROOT, 'artifacts', 'bench', `${name}.json`));
      const data = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
      expect(data['seconds']).toBe(1.5);
      expect((data['machine'] as Record<string, unknown>)['cpus']).toBeGreaterThan(0);
      expect(existsSync(`${path}.tmp-${process.pid}`)).toBe(false);
    } finally {
      rmSync(path, { force: true });
    }
  });
});

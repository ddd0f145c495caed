import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** Facts about the machine a benchmark ran on, stored with every result. */
export function machineInfo(): Record<string, unknown> {
  return {
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    cpus: os.cpus().length,
    cpu_model: os.cpus()[0]?.model ?? 'unknown',
    memory_gib: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    load_avg: os.loadavg().map((x) => Math.round(x * 100) / 100),
    date: new Date().toISOString(),
  };
}

/** Root of the workspace (two levels above tools/bench/src). */
export const WORKSPACE_ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../../..');

/**
 * Writes `artifacts/bench/<name>.json` atomically (temp file + rename) with the machine facts
 * added, and returns its path.
 */
export function writeBenchResult(name: string, result: Record<string, unknown>): string {
  const path = join(WORKSPACE_ROOT, 'artifacts', 'bench', `${name}.json`);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify({ name, machine: machineInfo(), ...result }, null, 2) + '\n');
  renameSync(tmp, path);
  return path;
}

/** Percentile (nearest-rank) of a sample, p in [0, 100]. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = values.slice().sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The current git commit, or null outside a git checkout. */
export function gitSha(cwd = process.cwd()): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return null;
  }
}

/** sha256 of a value's canonical JSON (keys sorted), hex, first 16 chars. */
export function hashJson(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16);
}

/** JSON with object keys sorted, so equal configs hash equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) && !(ArrayBuffer.isView(v))
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** A run id: UTC timestamp plus a short config hash, sortable by time. */
export function makeRunId(configHash: string, now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${configHash.slice(0, 8)}`;
}

/** Every artifact's manifest: what made it, from what. */
export interface RunManifest {
  name: string;
  family: string;
  run_id: string;
  created_at: string;
  git_sha: string | null;
  config_hash: string;
  data_hash: string | null;
  node: string;
  packages: Record<string, string>;
  backend?: string;
  files: string[];
  [key: string]: unknown;
}

/**
 * Versions of installed packages, read from `<root>/node_modules/<name>/package.json`
 * (missing ones are reported as `not installed`), for run manifests.
 */
export function packageVersions(root: string, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    try {
      const text = readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8');
      out[name] = (JSON.parse(text) as { version?: string }).version ?? 'unknown';
    } catch {
      out[name] = 'not installed';
    }
  }
  return out;
}

import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pointSymlinkAtomic, writeJsonAtomic } from './fs-atomic';
import type { RunManifest } from './manifest';

/** A run directory being written: files go to `dir` (a hidden temp dir) until {@link commit}. */
export interface PendingRun {
  readonly runId: string;
  /** Where to write artifacts now. */
  readonly dir: string;
  /** Where the run will live once committed: `<root>/<name>/<runId>`. */
  readonly finalDir: string;
  /** Writes manifest.json, renames the temp dir into place and points `latest` at it. */
  commit(manifest: RunManifest): string;
  /** Removes the temp dir (on failure), leaving no half-written run behind. */
  abort(): void;
}

/**
 * Starts an artifact run under `<root>/<name>/`: a temp directory `.tmp-<runId>` that becomes
 * `<runId>` only when the run succeeds, so `latest` never points at a half-written run.
 */
export function startRunDir(root: string, name: string, runId: string): PendingRun {
  const base = join(root, name);
  const dir = join(base, `.tmp-${runId}`);
  const finalDir = join(base, runId);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return {
    runId,
    dir,
    finalDir,
    commit(manifest) {
      const files = listFiles(dir).map((f) => relative(dir, f)).sort();
      writeJsonAtomic(join(dir, 'manifest.json'), { ...manifest, files: [...files, 'manifest.json'] });
      if (existsSync(finalDir)) rmSync(finalDir, { recursive: true, force: true });
      renameSync(dir, finalDir);
      pointSymlinkAtomic(join(base, 'latest'), runId);
      return finalDir;
    },
    abort() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? listFiles(p) : [p];
  });
}

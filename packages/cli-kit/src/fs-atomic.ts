import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync, existsSync, lstatSync, readlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

let counter = 0;
function tmpName(path: string): string {
  counter += 1;
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${counter}`);
}

/** Writes a file atomically: to a temp file in the same directory, then rename over the target. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tmpName(path);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Writes pretty JSON atomically (2-space indent, trailing newline). */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

/**
 * Points the symlink `link` at `target` atomically (new symlink under a temp name, then rename),
 * so readers never see a missing or half-made `latest`.
 */
export function pointSymlinkAtomic(link: string, target: string): void {
  mkdirSync(dirname(link), { recursive: true });
  const tmp = tmpName(link);
  symlinkSync(target, tmp);
  renameSync(tmp, link);
}

/** Resolves `dir/latest` (a symlink written by {@link pointSymlinkAtomic}) to the run directory, or null. */
export function readLatest(dir: string): string | null {
  const link = join(dir, 'latest');
  if (!existsSync(link)) return null;
  return lstatSync(link).isSymbolicLink() ? join(dir, readlinkSync(link)) : link;
}

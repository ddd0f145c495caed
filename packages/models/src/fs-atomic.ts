import { renameSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Writes a file atomically: to `<path>.tmp-<pid>` first, then renamed over `path`, so a reader never
 * sees half a file and a failed write leaves nothing behind (the temp file is removed).
 *
 * @param path - destination file
 * @param data - text or bytes
 * @throws the underlying fs error (after removing the temp file)
 * @example
 * ```ts
 * writeAtomic(join(dir, 'model.json'), JSON.stringify(manifest));
 * ```
 */
export function writeAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

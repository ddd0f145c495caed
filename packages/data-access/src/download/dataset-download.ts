import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DataAccessError } from '../errors';

/** What to download and how to check it. */
export interface DownloadSpec {
  /** http(s) URL of the public original. */
  url: string;
  /** Expected sha256 of the file, lowercase hex (64 characters). */
  sha256: string;
  /** Cache directory; created when missing. */
  cacheDir: string;
  /** File name in the cache (default: last URL path segment). */
  fileName?: string;
  /** Abort after this many ms (default 10 minutes). */
  timeoutMs?: number;
}

/** Outcome of {@link downloadDataset}. */
export interface DownloadResult {
  path: string;
  /** True when the cached copy already matched and nothing was fetched. */
  cached: boolean;
  bytes: number;
  sha256: string;
}

async function hashFile(path: string): Promise<{ sha256: string; bytes: number }> {
  const h = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    h.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: h.digest('hex'), bytes };
}

/**
 * Downloads a public dataset original into a cache directory, verifying its sha256. The body is
 * streamed to `<file>.part-<pid>` while hashed, then renamed into place only when the checksum
 * matches, so the cache never holds a partial or wrong file. A cached file with the right checksum
 * is returned without a request.
 *
 * @param spec - URL, expected sha256, cache directory
 * @returns the cached path, whether it was already cached, its size and checksum
 * @throws DataAccessError `DOWNLOAD_FAILED` (HTTP status ≥ 400, network error, bad URL/checksum
 *   format), `CHECKSUM_MISMATCH` (names expected and actual sha256; nothing is kept)
 * @example
 * ```ts
 * const { path } = await downloadDataset({
 *   url: 'https://files.grouplens.org/datasets/hetrec2011/hetrec2011-lastfm-2k.zip',
 *   sha256: '<the checksum you trust>',
 *   cacheDir: 'artifacts/downloads',
 * });
 * ```
 */
export async function downloadDataset(spec: DownloadSpec): Promise<DownloadResult> {
  const expected = spec.sha256.toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(expected)) {
    throw new DataAccessError('DOWNLOAD_FAILED', `sha256 for ${spec.url} must be 64 hex characters, got "${spec.sha256}"`, { context: { url: spec.url } });
  }
  let url: URL;
  try {
    url = new URL(spec.url);
  } catch (cause) {
    throw new DataAccessError('DOWNLOAD_FAILED', `Malformed download URL "${spec.url}"`, { cause, context: { url: spec.url } });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new DataAccessError('DOWNLOAD_FAILED', `Only http(s) downloads are supported, got ${url.protocol} in ${spec.url}`, { context: { url: spec.url } });
  }
  const name = spec.fileName ?? (basename(url.pathname) || 'download');
  mkdirSync(spec.cacheDir, { recursive: true });
  const path = join(spec.cacheDir, name);
  if (existsSync(path)) {
    const have = await hashFile(path);
    if (have.sha256 === expected) return { path, cached: true, bytes: have.bytes, sha256: have.sha256 };
  }
  const tmp = `${path}.part-${process.pid}`;
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(spec.timeoutMs ?? 600_000), redirect: 'follow' });
    } catch (cause) {
      throw new DataAccessError('DOWNLOAD_FAILED', `Could not fetch ${spec.url}: ${(cause as Error).message}. Check the network or download it by hand into ${spec.cacheDir}.`, {
        cause,
        context: { url: spec.url },
      });
    }
    if (!res.ok || !res.body) {
      throw new DataAccessError('DOWNLOAD_FAILED', `GET ${spec.url} answered HTTP ${res.status} ${res.statusText}`, { context: { url: spec.url, status: res.status } });
    }
    const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
    body.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
    });
    try {
      await pipeline(body, createWriteStream(tmp));
    } catch (cause) {
      throw new DataAccessError('DOWNLOAD_FAILED', `Download of ${spec.url} broke off after ${bytes} bytes: ${(cause as Error).message}`, { cause, context: { url: spec.url, bytes } });
    }
    const actual = hash.digest('hex');
    if (actual !== expected) {
      throw new DataAccessError(
        'CHECKSUM_MISMATCH',
        `${spec.url}: sha256 ${actual} does not match the expected ${expected} (${bytes} bytes). The file was discarded; check the URL and the pinned checksum.`,
        { context: { url: spec.url, expected, actual, bytes } },
      );
    }
    renameSync(tmp, path);
    return { path, cached: false, bytes, sha256: actual };
  } finally {
    rmSync(tmp, { force: true });
  }
}

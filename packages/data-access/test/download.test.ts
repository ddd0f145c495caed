import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataAccessError, downloadDataset } from '../src/index';

/** A local HTTP server on 127.0.0.1 serving bytes from memory, counting requests. */
describe('downloadDataset', () => {
  const body = Buffer.from('userID\tartistID\tweight\n2\t51\t13883\n'.repeat(2000));
  const sha = createHash('sha256').update(body).digest('hex');
  let server: Server;
  let base: string;
  let requests = 0;
  let cache: string;
  beforeAll(async () => {
    cache = mkdtempSync(join(tmpdir(), 'tk-dl-'));
    server = createServer((req, res) => {
      requests++;
      if (req.url === '/data/user_artists.dat') {
        res.writeHead(200, { 'content-length': body.length });
        res.end(body);
      } else if (req.url === '/truncated.dat') {
        res.writeHead(200, { 'content-length': body.length });
        res.write(body.subarray(0, 100));
        res.destroy();
      } else {
        res.writeHead(404);
        res.end('not here');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    rmSync(cache, { recursive: true, force: true });
  });

  it('downloads, verifies and caches; the second call makes no request', async () => {
    const r = await downloadDataset({ url: `${base}/data/user_artists.dat`, sha256: sha, cacheDir: cache });
    expect(r).toMatchObject({ cached: false, bytes: body.length, sha256: sha, path: join(cache, 'user_artists.dat') });
    expect(readFileSync(r.path).equals(body)).toBe(true);
    const before = requests;
    const again = await downloadDataset({ url: `${base}/data/user_artists.dat`, sha256: sha.toUpperCase(), cacheDir: cache });
    expect(again.cached).toBe(true);
    expect(requests).toBe(before);
  });

  it('a checksum mismatch is CHECKSUM_MISMATCH and keeps no file', async () => {
    const wrong = 'f'.repeat(64);
    const err = await downloadDataset({ url: `${base}/data/user_artists.dat`, sha256: wrong, cacheDir: cache, fileName: 'other.dat' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataAccessError);
    expect((err as DataAccessError).code).toBe('CHECKSUM_MISMATCH');
    expect((err as Error).message).toContain(sha);
    expect(existsSync(join(cache, 'other.dat'))).toBe(false);
    expect(readdirSync(cache).filter((f) => f.includes('.part-'))).toEqual([]);
  });

  it('HTTP errors and broken transfers are DOWNLOAD_FAILED', async () => {
    const e404 = await downloadDataset({ url: `${base}/missing.zip`, sha256: sha, cacheDir: cache }).catch((e: unknown) => e);
    expect((e404 as DataAccessError).code).toBe('DOWNLOAD_FAILED');
    expect((e404 as Error).message).toContain('404');
    const cut = await downloadDataset({ url: `${base}/truncated.dat`, sha256: sha, cacheDir: cache }).catch((e: unknown) => e);
    expect((cut as DataAccessError).code).toMatch(/DOWNLOAD_FAILED|CHECKSUM_MISMATCH/);
    expect(existsSync(join(cache, 'truncated.dat'))).toBe(false);
    const bad = await downloadDataset({ url: `${base}/x`, sha256: 'abc', cacheDir: cache }).catch((e: unknown) => e);
    expect((bad as DataAccessError).code).toBe('DOWNLOAD_FAILED');
  });
});

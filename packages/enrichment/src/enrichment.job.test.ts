import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type TunekitDb } from '@tunekit/data-access';
import { enrichmentStatus, runEnrichment } from './enrichment.job';
import { SpotifyProvider } from './spotify.provider';
import { ensureTracks, readTrackIdsCsv } from './track-source';
import { fakeCatalogue, startFakeSpotify } from './testing/fake-spotify.server';

const creds = { clientId: 'cid', clientSecret: 'csecret' };
const PG = process.env['TUNEKIT_TEST_PG'] ?? 'postgres://postgres:postgres@127.0.0.1:5432/tunekit_test';
const tag = `enrich-test-${process.pid}`;

async function pgReachable(): Promise<boolean> {
  try {
    const h = await openDatabase(PG);
    await h.close();
    return true;
  } catch {
    return false;
  }
}
const DIALECTS: { name: string; url: string }[] = [{ name: 'pglite', url: 'pglite:memory' }];
if (await pgReachable()) DIALECTS.push({ name: 'postgres', url: PG });
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

for (const dialect of DIALECTS) {
  describe(`runEnrichment on ${dialect.name}`, () => {
    it('records progress per batch, survives rate limiting, and resumes after an outage without refetching', async () => {
      const cat = fakeCatalogue(23, 6);
      const fake = await startFakeSpotify({ ...creds, ...cat, rateLimitEvery: 4 });
      const handle: TunekitDb = await openDatabase(dialect.url);
      const provider = { name: tag, maxBatchSize: 50 };
      try {
        const targets = await ensureTracks(handle.db, tag, cat.tracks.map((t) => t.id));
        const spotify = new SpotifyProvider({ ...creds, apiBase: fake.url, accountsBase: fake.url, retry: { baseDelayMs: 1 } });
        // The provider goes down for good after two batches: the job marks the rest failed, keeps going, and saved what it had.
        let calls = 0;
        const flaky = {
          ...provider,
          fetchTracks: async (ids: readonly string[]) => {
            if (++calls > 2) throw new Error('provider outage (simulated after 2 batches)');
            return spotify.fetchTracks(ids);
          },
        };
        const progress: number[] = [];
        const first = await runEnrichment(handle.db, flaky, [...targets, ...targets.slice(0, 3)], { batchSize: 5, delayMs: 1, onBatch: (p) => progress.push(p.batch) });
        expect(first).toMatchObject({ total: 23, alreadyComplete: 0, done: 10, failed: 13, batches: 5 });
        expect(first.errors[0]?.message).toContain('provider outage');
        expect(progress).toEqual([1, 2, 3, 4, 5]);
        expect(await enrichmentStatus(handle.db, tag)).toEqual({ pending: 0, done: 10, failed: 13, not_found: 0 });
        expect(fake.counts['429']).toBeGreaterThan(0);
        // Resume with a healthy provider: only the 13 failed tracks are fetched again.
        const before = fake.servedTrackIds.length;
        const second = await runEnrichment(handle.db, { ...provider, fetchTracks: (ids) => spotify.fetchTracks(ids) }, targets, { batchSize: 5, delayMs: 0 });
        expect(second).toMatchObject({ total: 23, alreadyComplete: 10, done: 13, failed: 0 });
        expect(fake.servedTrackIds.length - before).toBe(13);
        const rows = await handle.db.selectFrom('enrichment_progress').select(['track_id', 'status', 'attempts', 'payload']).where('provider', '=', tag).execute();
        expect(rows.every((r) => r.status === 'done')).toBe(true);
        const failedOnce = rows.filter((r) => r.attempts === 2);
        expect(failedOnce).toHaveLength(13);
        const t0 = rows.find((r) => r.track_id === targets[0]?.trackId);
        expect(t0?.payload).toMatchObject({ id: 'tr00000', artistGenres: ['genre-0', 'genre-1'], relatedArtists: ['Artist 1', 'Artist 2'] });
        // A third run has nothing left to do.
        const third = await runEnrichment(handle.db, { ...provider, fetchTracks: (ids) => spotify.fetchTracks(ids) }, targets, { batchSize: 5, delayMs: 0 });
        expect(third).toMatchObject({ alreadyComplete: 23, done: 0, batches: 0 });
        await expect(runEnrichment(handle.db, spotify, targets, { batchSize: 51, delayMs: 0 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      } finally {
        await handle.db.deleteFrom('tracks').where('source', '=', tag).execute();
        await handle.close();
        await fake.close();
      }
    });
  });
}

describe('enrichment CLI', () => {
  it('resumes where a killed run (SIGKILL mid-run) stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tunekit-enrich-'));
    dirs.push(dir);
    const cat = fakeCatalogue(60, 8);
    const csv = join(dir, 'tracks.csv');
    writeFileSync(csv, 'track_id,note\n' + cat.tracks.map((t) => `${t.id},"a, quoted"`).join('\n') + '\n');
    expect(await readTrackIdsCsv(csv)).toHaveLength(60);
    const fake = await startFakeSpotify({ ...creds, ...cat, rateLimitEvery: 5, tracksLatencyMs: 30 });
    const db = `pglite:${join(dir, 'db')}`;
    const cli = join(import.meta.dirname, 'cli.ts');
    const run = (killAfterBatches?: number) =>
      new Promise<{ code: number | null; signal: string | null; out: string }>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', cli, '--tracks', csv, '--batch-size', '10', '--delay', '150', '--database', db, '--api-base', fake.url, '--accounts-base', fake.url], {
          env: { ...process.env, SPOTIFY_CLIENT_ID: creds.clientId, SPOTIFY_CLIENT_SECRET: creds.clientSecret },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        const onData = (d: Buffer): void => {
          out += d.toString();
          const batches = (out.match(/^batch \d+\//gm) ?? []).length;
          if (killAfterBatches !== undefined && batches >= killAfterBatches && child.exitCode === null) child.kill('SIGKILL');
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.on('error', reject);
        child.on('close', (code, signal) => resolve({ code, signal, out }));
      });
    try {
      const killed = await run(2);
      expect(killed.signal).toBe('SIGKILL');
      const servedFirst = fake.servedTrackIds.length;
      expect(servedFirst).toBeGreaterThanOrEqual(20);
      expect(servedFirst).toBeLessThan(60);
      const resumed = await run();
      expect(resumed.code, resumed.out).toBe(0);
      const saved = Number(/(\d+) already complete/.exec(resumed.out)?.[1]);
      expect(saved).toBeGreaterThanOrEqual(20);
      // Everything ends done; only the batch in flight at the kill (if any) was fetched twice.
      expect(new Set(fake.servedTrackIds).size).toBe(60);
      expect(fake.servedTrackIds.length - 60).toBeLessThanOrEqual(10);
      const handle = await openDatabase(db);
      try {
        expect(await enrichmentStatus(handle.db, 'spotify')).toEqual({ pending: 0, done: 60, failed: 0, not_found: 0 });
      } finally {
        await handle.close();
      }
    } finally {
      await fake.close();
    }
  });
});

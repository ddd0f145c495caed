import { afterEach, describe, expect, it } from 'vitest';
import { EnrichmentError } from './errors';
import { fetchWithRetry } from './retrying-fetch';
import { SpotifyProvider } from './spotify.provider';
import { fakeCatalogue, startFakeSpotify, type FakeSpotify } from './testing/fake-spotify.server';

const creds = { clientId: 'cid', clientSecret: 'csecret' };
let fake: FakeSpotify | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('SpotifyProvider against a local fake Web API', () => {
  it('authenticates with client credentials and maps tracks, artist genres and related artists', async () => {
    const cat = fakeCatalogue(6, 3);
    fake = await startFakeSpotify({ ...creds, ...cat });
    const p = new SpotifyProvider({ ...creds, apiBase: fake.url, accountsBase: fake.url });
    const out = await p.fetchTracks(['tr00000', 'missing', 'tr00004']);
    expect(fake.counts['token']).toBe(1);
    expect(out.get('missing')).toBeNull();
    // tr00000: artists ar0 + ar1 (every 5th features the next artist); ar0 related ar1, ar2.
    expect(out.get('tr00000')).toEqual({
      id: 'tr00000', name: 'Track 0', artists: [{ id: 'ar0', name: 'Artist 0' }, { id: 'ar1', name: 'Artist 1' }], album: 'Album 0', popularity: 0,
      releaseDate: '1990-01-15', releaseYear: 1990, durationMs: 180000, explicit: true, artistGenres: ['genre-0', 'genre-1'], relatedArtists: ['Artist 1', 'Artist 2'],
    });
    expect(out.get('tr00004')?.artistGenres).toEqual(['genre-1']);
    // Second call reuses the token and the artist caches.
    await p.fetchTracks(['tr00001']);
    expect(fake.counts['token']).toBe(1);
  });

  it('retries 429 (Retry-After) and 503 and still returns every track', async () => {
    const cat = fakeCatalogue(20, 5);
    fake = await startFakeSpotify({ ...creds, ...cat, rateLimitEvery: 2, failEvery: 3 });
    const retries: string[] = [];
    const p = new SpotifyProvider({ ...creds, apiBase: fake.url, accountsBase: fake.url, retry: { baseDelayMs: 1, onRetry: (r) => retries.push(r.reason) } });
    const out = await p.fetchTracks(cat.tracks.map((t) => t.id));
    expect([...out.values()].every((v) => v !== null)).toBe(true);
    expect(fake.counts['429']).toBeGreaterThan(0);
    expect(fake.counts['503']).toBeGreaterThan(0);
    expect(retries).toContain('rate limited (429)');
    expect(retries.some((r) => r.startsWith('server error 503'))).toBe(true);
  });

  it('fails with AUTH_FAILED on wrong credentials and refuses batches over 50', async () => {
    const cat = fakeCatalogue(2, 1);
    fake = await startFakeSpotify({ ...creds, ...cat });
    const bad = new SpotifyProvider({ clientId: 'cid', clientSecret: 'wrong', apiBase: fake.url, accountsBase: fake.url });
    await expect(bad.fetchTracks(['tr00000'])).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    const p = new SpotifyProvider({ ...creds, apiBase: fake.url, accountsBase: fake.url });
    await expect(p.fetchTracks(Array.from({ length: 51 }, (_, i) => `t${i}`))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(() => new SpotifyProvider({ clientId: '', clientSecret: 'x' })).toThrow(EnrichmentError);
  });
});

describe('fetchWithRetry', () => {
  it('gives up with RETRIES_EXHAUSTED naming the URL and last status', async () => {
    const cat = fakeCatalogue(1, 1);
    fake = await startFakeSpotify({ ...creds, ...cat, failEvery: 1 });
    const p = new SpotifyProvider({ ...creds, apiBase: fake.url, accountsBase: fake.url, retry: { maxRetries: 2, baseDelayMs: 1 } });
    const err = await p.fetchTracks(['tr00000']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnrichmentError);
    expect((err as EnrichmentError).code).toBe('RETRIES_EXHAUSTED');
    expect((err as EnrichmentError).context['status']).toBe(503);
    expect(fake.counts['503']).toBe(3);
  });

  it('retries network errors (closed port) with backoff', async () => {
    const waits: number[] = [];
    const err = await fetchWithRetry('http://127.0.0.1:9/', {}, { maxRetries: 2, baseDelayMs: 10, sleep: async (ms) => void waits.push(ms) }).catch((e: unknown) => e);
    expect((err as EnrichmentError).code).toBe('RETRIES_EXHAUSTED');
    expect(waits).toHaveLength(2);
    expect(waits.every((w) => w >= 0 && w <= 40)).toBe(true);
  });
});

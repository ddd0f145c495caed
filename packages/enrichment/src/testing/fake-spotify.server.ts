import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A track in the fake catalogue (Spotify Web API field names). */
export interface FakeTrack {
  id: string;
  name: string;
  artistIds: string[];
  album: string;
  releaseDate: string;
  popularity: number;
  durationMs: number;
  explicit: boolean;
}

/** An artist in the fake catalogue. */
export interface FakeArtist {
  id: string;
  name: string;
  genres: string[];
  related: string[];
}

/** Behaviour knobs of {@link startFakeSpotify}. */
export interface FakeSpotifyOptions {
  clientId: string;
  clientSecret: string;
  tracks: FakeTrack[];
  artists: FakeArtist[];
  /** Every n-th `/v1/*` request answers 429 with `Retry-After: 0` (0 = never). */
  rateLimitEvery?: number;
  /** Every n-th `/v1/*` request answers 503 (0 = never). */
  failEvery?: number;
  /** Milliseconds to wait before answering `/v1/tracks`. */
  tracksLatencyMs?: number;
  /** Token lifetime in seconds (default 3600). */
  expiresIn?: number;
}

/** A running fake server and what it has seen. */
export interface FakeSpotify {
  url: string;
  /** Requests per path kind: `token`, `tracks`, `artists`, `related`, `429`, `503`, `401`. */
  counts: Record<string, number>;
  /** Every track id requested with a 200 answer, in order. */
  servedTrackIds: string[];
  close(): Promise<void>;
}

/**
 * Starts a local HTTP server on 127.0.0.1 (random port) that speaks the parts of the Spotify
 * Web API the enrichment uses: client-credentials token, `/v1/tracks`, `/v1/artists`,
 * `/v1/artists/{id}/related-artists`, with bearer-token checks, rate limiting and failures.
 * Test helper only: it never leaves the loopback interface.
 *
 * @param options - catalogue and behaviour
 * @returns the server handle
 * @example
 * ```ts
 * const fake = await startFakeSpotify({ clientId: 'id', clientSecret: 'secret', tracks, artists, rateLimitEvery: 3 });
 * ```
 */
export async function startFakeSpotify(options: FakeSpotifyOptions): Promise<FakeSpotify> {
  const tracks = new Map(options.tracks.map((t) => [t.id, t]));
  const artists = new Map(options.artists.map((a) => [a.id, a]));
  const tokens = new Set<string>();
  const counts: Record<string, number> = {};
  const servedTrackIds: string[] = [];
  let apiRequests = 0;
  const bump = (k: string): void => void (counts[k] = (counts[k] ?? 0) + 1);
  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const artistJson = (a: FakeArtist) => ({ id: a.id, name: a.name, genres: a.genres, type: 'artist' });
  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'POST' && url.pathname === '/api/token') {
      bump('token');
      let body = '';
      for await (const chunk of req) body += chunk;
      const expected = `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64')}`;
      if (req.headers.authorization !== expected || !body.includes('grant_type=client_credentials')) return send(res, 400, { error: 'invalid_client' });
      const token = `tok-${counts['token']}`;
      tokens.add(token);
      return send(res, 200, { access_token: token, token_type: 'Bearer', expires_in: options.expiresIn ?? 3600 });
    }
    if (!url.pathname.startsWith('/v1/')) return send(res, 404, { error: { status: 404, message: 'not found' } });
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ') || !tokens.has(auth.slice(7))) {
      bump('401');
      return send(res, 401, { error: { status: 401, message: 'The access token expired' } });
    }
    apiRequests++;
    if (options.rateLimitEvery && apiRequests % options.rateLimitEvery === 0) {
      bump('429');
      return send(res, 429, { error: { status: 429, message: 'API rate limit exceeded' } }, { 'retry-after': '0' });
    }
    if (options.failEvery && apiRequests % options.failEvery === 0) {
      bump('503');
      return send(res, 503, { error: { status: 503, message: 'Service unavailable' } });
    }
    const ids = (url.searchParams.get('ids') ?? '').split(',').filter((s) => s !== '');
    if (url.pathname === '/v1/tracks') {
      bump('tracks');
      if (ids.length > 50) return send(res, 400, { error: { status: 400, message: 'Too many ids requested' } });
      if (options.tracksLatencyMs) await new Promise((r) => setTimeout(r, options.tracksLatencyMs));
      servedTrackIds.push(...ids);
      return send(res, 200, {
        tracks: ids.map((id) => {
          const t = tracks.get(id);
          if (!t) return null;
          return {
            id: t.id, name: t.name, popularity: t.popularity, duration_ms: t.durationMs, explicit: t.explicit,
            album: { name: t.album, release_date: t.releaseDate },
            artists: t.artistIds.map((a) => ({ id: a, name: artists.get(a)?.name ?? a })),
          };
        }),
      });
    }
    if (url.pathname === '/v1/artists') {
      bump('artists');
      return send(res, 200, { artists: ids.map((id) => (artists.has(id) ? artistJson(artists.get(id) as FakeArtist) : null)) });
    }
    const m = /^\/v1\/artists\/([^/]+)\/related-artists$/.exec(url.pathname);
    if (m) {
      bump('related');
      const a = artists.get(decodeURIComponent(m[1] as string));
      if (!a) return send(res, 404, { error: { status: 404, message: 'non existing id' } });
      return send(res, 200, { artists: a.related.map((r) => artists.get(r)).filter((x): x is FakeArtist => x !== undefined).map(artistJson) });
    }
    return send(res, 404, { error: { status: 404, message: 'not found' } });
  };
  const server: Server = createServer((req, res) => {
    handler(req, res).catch((e: unknown) => send(res, 500, { error: { status: 500, message: String(e) } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    servedTrackIds,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/**
 * A deterministic fake catalogue: `nTracks` tracks over `nArtists` artists, each artist with
 * one genre and two related artists, track i by artist i mod nArtists (every 5th also features
 * the next artist).
 *
 * @param nTracks - number of tracks
 * @param nArtists - number of artists
 * @returns tracks and artists
 */
export function fakeCatalogue(nTracks: number, nArtists: number): { tracks: FakeTrack[]; artists: FakeArtist[] } {
  const artists: FakeArtist[] = Array.from({ length: nArtists }, (_, i) => ({
    id: `ar${i}`,
    name: `Artist ${i}`,
    genres: [`genre-${i % 4}`],
    related: [`ar${(i + 1) % nArtists}`, `ar${(i + 2) % nArtists}`],
  }));
  const tracks: FakeTrack[] = Array.from({ length: nTracks }, (_, i) => ({
    id: `tr${String(i).padStart(5, '0')}`,
    name: `Track ${i}`,
    artistIds: i % 5 === 0 ? [`ar${i % nArtists}`, `ar${(i + 1) % nArtists}`] : [`ar${i % nArtists}`],
    album: `Album ${i % 7}`,
    releaseDate: `${1990 + (i % 30)}-01-15`,
    popularity: i % 101,
    durationMs: 180_000 + i,
    explicit: i % 3 === 0,
  }));
  return { tracks, artists };
}

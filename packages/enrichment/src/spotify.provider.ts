import { EnrichmentError } from './errors';
import type { EnrichedTrack, MetadataProvider } from './metadata-provider';
import { fetchWithRetry, type RetryOptions } from './retrying-fetch';

/** Options of {@link SpotifyProvider}. */
export interface SpotifyProviderOptions {
  clientId: string;
  clientSecret: string;
  /** Web API root (default `https://api.spotify.com`); tests point it at a local server. */
  apiBase?: string;
  /** Accounts service root for the token (default `https://accounts.spotify.com`). */
  accountsBase?: string;
  /** Fetch related artists of each main artist (one request per new artist; default true). */
  relatedArtists?: boolean;
  /** Related artist names kept per artist (default 10). */
  maxRelated?: number;
  retry?: RetryOptions;
}

interface SpotifyTrackJson {
  id: string;
  name?: string;
  popularity?: number;
  duration_ms?: number;
  explicit?: boolean;
  artists?: { id: string; name: string }[];
  album?: { name?: string; release_date?: string };
}

/**
 * Spotify Web API metadata provider with client-credentials auth: `POST /api/token` (HTTP Basic
 * with client id and secret), then `GET /v1/tracks?ids=` (≤ 50), `GET /v1/artists?ids=` (≤ 50)
 * for genres and `GET /v1/artists/{id}/related-artists` for the main artist. The token is cached
 * until 60 s before it expires and renewed once on a 401. 429 and 5xx are retried with backoff.
 *
 * @example
 * ```ts
 * const spotify = new SpotifyProvider({ clientId: process.env.SPOTIFY_CLIENT_ID!, clientSecret: process.env.SPOTIFY_CLIENT_SECRET! });
 * const meta = await spotify.fetchTracks(['1JiR4RJaZlbZ5b3HG8jkeL']);
 * ```
 */
export class SpotifyProvider implements MetadataProvider {
  readonly name = 'spotify';
  readonly maxBatchSize = 50;
  private readonly api: string;
  private readonly accounts: string;
  private token: { value: string; expiresAt: number } | undefined;
  private readonly artistCache = new Map<string, { name: string; genres: string[] }>();
  private readonly relatedCache = new Map<string, string[]>();

  /** @throws EnrichmentError `INVALID_INPUT` when the client id or secret is empty */
  constructor(private readonly options: SpotifyProviderOptions) {
    if (!options.clientId || !options.clientSecret) {
      throw new EnrichmentError('INVALID_INPUT', 'Spotify client id and secret are required (set SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET)', { context: { key: options.clientId ? 'clientSecret' : 'clientId' } });
    }
    this.api = (options.apiBase ?? 'https://api.spotify.com').replace(/\/$/, '');
    this.accounts = (options.accountsBase ?? 'https://accounts.spotify.com').replace(/\/$/, '');
  }

  /**
   * Fetches up to 50 tracks with their artists' genres and related artists.
   * @param ids - Spotify track ids
   * @param signal - aborts the requests
   * @returns per id the metadata, or null for ids Spotify does not know
   * @throws EnrichmentError `INVALID_INPUT` (batch too large), `AUTH_FAILED`, `HTTP_ERROR`, `RETRIES_EXHAUSTED`, `BAD_RESPONSE`, `ABORTED`
   */
  async fetchTracks(ids: readonly string[], signal?: AbortSignal): Promise<Map<string, EnrichedTrack | null>> {
    if (ids.length > this.maxBatchSize) throw new EnrichmentError('INVALID_INPUT', `Spotify accepts at most ${this.maxBatchSize} ids per request, got ${ids.length}`, { context: { key: 'batchSize' } });
    const out = new Map<string, EnrichedTrack | null>();
    if (ids.length === 0) return out;
    const body = (await this.get(`/v1/tracks?ids=${ids.map(encodeURIComponent).join(',')}`, signal)) as { tracks?: (SpotifyTrackJson | null)[] };
    if (!Array.isArray(body.tracks)) throw new EnrichmentError('BAD_RESPONSE', `${this.api}/v1/tracks: response has no tracks array`, { context: { url: `${this.api}/v1/tracks` } });
    const tracks = body.tracks;
    const artistIds = [...new Set(tracks.flatMap((t) => (t?.artists ?? []).map((a) => a.id)))].filter((id) => !this.artistCache.has(id));
    for (let s = 0; s < artistIds.length; s += 50) {
      const chunk = artistIds.slice(s, s + 50);
      const res = (await this.get(`/v1/artists?ids=${chunk.map(encodeURIComponent).join(',')}`, signal)) as { artists?: ({ id: string; name: string; genres?: string[] } | null)[] };
      for (const a of res.artists ?? []) if (a) this.artistCache.set(a.id, { name: a.name, genres: a.genres ?? [] });
    }
    if (this.options.relatedArtists ?? true) {
      for (const t of tracks) {
        const main = t?.artists?.[0]?.id;
        if (!main || this.relatedCache.has(main)) continue;
        const res = (await this.get(`/v1/artists/${encodeURIComponent(main)}/related-artists`, signal, true)) as { artists?: { name: string }[] } | null;
        this.relatedCache.set(main, (res?.artists ?? []).slice(0, this.options.maxRelated ?? 10).map((a) => a.name));
      }
    }
    ids.forEach((id, i) => {
      const t = tracks[i];
      if (!t || t.id === undefined) {
        out.set(id, null);
        return;
      }
      const artists = (t.artists ?? []).map((a) => ({ id: a.id, name: a.name }));
      const release = t.album?.release_date ?? null;
      const year = release ? Number(release.slice(0, 4)) : NaN;
      out.set(id, {
        id,
        name: t.name ?? null,
        artists,
        album: t.album?.name ?? null,
        popularity: typeof t.popularity === 'number' ? t.popularity : null,
        releaseDate: release,
        releaseYear: Number.isFinite(year) ? year : null,
        durationMs: typeof t.duration_ms === 'number' ? t.duration_ms : null,
        explicit: typeof t.explicit === 'boolean' ? t.explicit : null,
        artistGenres: [...new Set(artists.flatMap((a) => this.artistCache.get(a.id)?.genres ?? []))],
        relatedArtists: artists[0] ? (this.relatedCache.get(artists[0].id) ?? []) : [],
      });
    });
    return out;
  }

  private async accessToken(signal: AbortSignal | undefined, renew = false): Promise<string> {
    if (!renew && this.token && Date.now() < this.token.expiresAt) return this.token.value;
    const url = `${this.accounts}/api/token`;
    const res = await fetchWithRetry(
      url,
      {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${this.options.clientId}:${this.options.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
        ...(signal ? { signal } : {}),
      },
      this.options.retry,
    );
    if (!res.ok) throw new EnrichmentError('AUTH_FAILED', `token request to ${url} answered ${res.status}: check SPOTIFY_CLIENT_ID / SPOTIFY_CLIENT_SECRET`, { context: { url, status: res.status } });
    const json = (await res.json()) as { access_token?: string; expires_in?: number };
    if (!json.access_token) throw new EnrichmentError('BAD_RESPONSE', `${url}: no access_token in the response`, { context: { url } });
    this.token = { value: json.access_token, expiresAt: Date.now() + Math.max(0, (json.expires_in ?? 3600) - 60) * 1000 };
    return this.token.value;
  }

  private async get(path: string, signal: AbortSignal | undefined, allow404 = false): Promise<unknown> {
    const url = `${this.api}${path}`;
    for (let renewed = false; ; renewed = true) {
      const token = await this.accessToken(signal, renewed);
      const res = await fetchWithRetry(url, { headers: { authorization: `Bearer ${token}` }, ...(signal ? { signal } : {}) }, this.options.retry);
      if (res.status === 401 && !renewed) continue;
      if (allow404 && res.status === 404) return null;
      if (!res.ok) throw new EnrichmentError('HTTP_ERROR', `GET ${url} answered ${res.status}`, { context: { url, status: res.status } });
      try {
        return await res.json();
      } catch (e) {
        throw new EnrichmentError('BAD_RESPONSE', `GET ${url}: body is not JSON`, { cause: e, context: { url } });
      }
    }
  }
}

import { openDatabase } from '@tunekit/data-access';
import { runEnrichment, enrichmentStatus, type EnrichmentResult } from './enrichment.job';
import { EnrichmentError } from './errors';
import type { MetadataProvider } from './metadata-provider';
import { SpotifyProvider } from './spotify.provider';
import { ensureTracks, readTrackIdsCsv, tracksFromDatabase } from './track-source';

/** Parsed command-line options of the enrichment CLI. */
export interface EnrichArgs {
  /** A CSV path with a `track_id` column, or `db` for every track of `source` in the database. */
  tracks: string;
  batchSize: number;
  delayMs: number;
  database?: string;
  source: string;
  idColumn: string;
  maxAttempts: number;
  maxRetries: number;
  limit?: number;
  apiBase?: string;
  accountsBase?: string;
  related: boolean;
}

/**
 * Parses `--tracks <csv|db> --batch-size 50 --delay 100 [--database URL] [--source spotify]
 * [--id-column track_id] [--max-attempts 3] [--max-retries 5] [--limit N] [--api-base URL]
 * [--accounts-base URL] [--no-related]`.
 *
 * @param argv - arguments after the script name
 * @returns the options
 * @throws EnrichmentError `INVALID_INPUT` naming the flag
 * @example
 * ```ts
 * parseEnrichArgs(['--tracks', 'db', '--batch-size', '50', '--delay', '100']);
 * ```
 */
export function parseEnrichArgs(argv: readonly string[]): EnrichArgs {
  const flags = new Map<string, string>();
  let related = true;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--no-related') {
      related = false;
      continue;
    }
    if (!a.startsWith('--')) throw new EnrichmentError('INVALID_INPUT', `unexpected argument ${JSON.stringify(a)} (flags are --name value)`, { context: { key: a } });
    const [name, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    const value = inline ?? argv[++i];
    if (value === undefined) throw new EnrichmentError('INVALID_INPUT', `--${name} needs a value`, { context: { key: name } });
    flags.set(name, value);
  }
  const known = ['tracks', 'batch-size', 'delay', 'database', 'source', 'id-column', 'max-attempts', 'max-retries', 'limit', 'api-base', 'accounts-base'];
  for (const k of flags.keys()) if (!known.includes(k)) throw new EnrichmentError('INVALID_INPUT', `unknown flag --${k} (known: ${known.map((x) => `--${x}`).join(', ')}, --no-related)`, { context: { key: k } });
  const int = (k: string, dflt: number, min: number): number => {
    const v = flags.get(k);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new EnrichmentError('INVALID_INPUT', `--${k} must be an integer >= ${min}, got ${JSON.stringify(v)}`, { context: { key: k } });
    return n;
  };
  const tracks = flags.get('tracks');
  if (!tracks) throw new EnrichmentError('INVALID_INPUT', '--tracks is required: a CSV path with a track_id column, or "db"', { context: { key: 'tracks' } });
  const out: EnrichArgs = {
    tracks,
    batchSize: int('batch-size', 50, 1),
    delayMs: int('delay', 100, 0),
    source: flags.get('source') ?? 'spotify',
    idColumn: flags.get('id-column') ?? 'track_id',
    maxAttempts: int('max-attempts', 3, 1),
    maxRetries: int('max-retries', 5, 0),
    related,
  };
  const opt = (k: string, key: 'database' | 'apiBase' | 'accountsBase'): void => {
    const v = flags.get(k);
    if (v !== undefined) out[key] = v;
  };
  opt('database', 'database');
  opt('api-base', 'apiBase');
  opt('accounts-base', 'accountsBase');
  if (flags.has('limit')) out.limit = int('limit', 0, 1);
  return out;
}

/**
 * Runs the enrichment command: opens the database, resolves the tracks, runs the resumable job
 * with the Spotify provider (credentials from `SPOTIFY_CLIENT_ID` / `SPOTIFY_CLIENT_SECRET`), and
 * prints progress lines.
 *
 * @param args - from {@link parseEnrichArgs}
 * @param io - environment, output and an optional abort signal (SIGINT) or provider override
 * @returns the job result and the provider's status counts afterwards
 * @throws EnrichmentError from the job, the provider or the inputs
 * @example
 * ```ts
 * await runEnrichCommand(parseEnrichArgs(process.argv.slice(2)), { env: process.env, print: console.log });
 * ```
 */
export async function runEnrichCommand(
  args: EnrichArgs,
  io: { env: Readonly<Record<string, string | undefined>>; print: (line: string) => void; signal?: AbortSignal; provider?: MetadataProvider },
): Promise<{ result: EnrichmentResult; status: Record<string, number> }> {
  const provider =
    io.provider ??
    new SpotifyProvider({
      clientId: io.env['SPOTIFY_CLIENT_ID'] ?? '',
      clientSecret: io.env['SPOTIFY_CLIENT_SECRET'] ?? '',
      relatedArtists: args.related,
      retry: { maxRetries: args.maxRetries, onRetry: (r) => io.print(`retry ${r.attempt} in ${Math.round(r.waitMs)} ms: ${r.reason} (${r.url})`) },
      ...(args.apiBase ? { apiBase: args.apiBase } : {}),
      ...(args.accountsBase ? { accountsBase: args.accountsBase } : {}),
    });
  const handle = await openDatabase(args.database ?? io.env['DATABASE_URL']);
  try {
    let targets = args.tracks === 'db' ? await tracksFromDatabase(handle.db, args.source) : await ensureTracks(handle.db, args.source, await readTrackIdsCsv(args.tracks, args.idColumn));
    if (args.limit !== undefined) targets = targets.slice(0, args.limit);
    io.print(`enriching ${targets.length} tracks with ${provider.name} (batch ${args.batchSize}, delay ${args.delayMs} ms)`);
    const result = await runEnrichment(handle.db, provider, targets, {
      batchSize: args.batchSize,
      delayMs: args.delayMs,
      maxAttempts: args.maxAttempts,
      ...(io.signal ? { signal: io.signal } : {}),
      onBatch: (p) => io.print(`batch ${p.batch}/${p.batches}: done ${p.done}, not found ${p.notFound}, failed ${p.failed}, remaining ${p.remaining}`),
    });
    const status = await enrichmentStatus(handle.db, provider.name);
    io.print(`finished: ${result.done} done, ${result.notFound} not found, ${result.failed} failed, ${result.alreadyComplete} already complete; ${provider.name} totals ${JSON.stringify(status)}`);
    return { result, status };
  } finally {
    await handle.close();
  }
}

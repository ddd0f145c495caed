import { sql, type Kysely } from 'kysely';
import type { TunekitDatabase } from '@tunekit/data-access';
import { EnrichmentError } from './errors';
import type { MetadataProvider } from './metadata-provider';
import { sleep as realSleep } from './retrying-fetch';

/** A track to enrich: its database id and the provider's id for it. */
export interface EnrichmentTarget {
  trackId: number;
  externalId: string;
}

/** Progress after each batch. */
export interface EnrichmentProgress {
  batch: number;
  batches: number;
  done: number;
  notFound: number;
  failed: number;
  remaining: number;
}

/** Options of {@link runEnrichment}. */
export interface EnrichmentOptions {
  /** Ids per provider call (1 … provider.maxBatchSize). */
  batchSize: number;
  /** Pause between batches in ms (politeness on top of the provider's own rate limits). */
  delayMs: number;
  /** A `failed` track is retried on later runs until it has this many attempts (default 3). */
  maxAttempts?: number;
  /** Stops after the current batch's progress is saved. */
  signal?: AbortSignal;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  onBatch?: (p: EnrichmentProgress) => void;
}

/** What one run did (counts over the targets given). */
export interface EnrichmentResult {
  total: number;
  /** Done or not-found before this run started (skipped: this is the resume). */
  alreadyComplete: number;
  done: number;
  notFound: number;
  failed: number;
  batches: number;
  /** Per failed batch: its track ids and the error message. */
  errors: { trackIds: number[]; message: string }[];
}

/**
 * Resumable enrichment: records every target as `pending` in `enrichment_progress`, then fetches
 * the not-yet-complete ones in batches and saves each batch's outcome (`done` with the payload,
 * `not_found`, or `failed` with the error) in one transaction. An interrupted run (crash, kill,
 * abort) loses at most its in-flight batch; running again continues where it stopped and skips
 * completed tracks. A batch that fails after the provider's retries is marked failed and the run
 * goes on (per-item errors in the result, as kysely's MigrationResultSet).
 *
 * @param db - the tunekit database (migrated)
 * @param provider - a {@link MetadataProvider}
 * @param targets - tracks to enrich (ids must exist in `tracks`)
 * @param options - see {@link EnrichmentOptions}
 * @returns counts and per-batch errors
 * @throws EnrichmentError `INVALID_INPUT` on a bad batch size or delay, `ABORTED` when `signal` fires (progress so far is saved)
 * @example
 * ```ts
 * const result = await runEnrichment(handle.db, new SpotifyProvider({ clientId, clientSecret }), targets, { batchSize: 50, delayMs: 100 });
 * ```
 */
export async function runEnrichment(db: Kysely<TunekitDatabase>, provider: MetadataProvider, targets: readonly EnrichmentTarget[], options: EnrichmentOptions): Promise<EnrichmentResult> {
  const { batchSize, delayMs } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > provider.maxBatchSize) {
    throw new EnrichmentError('INVALID_INPUT', `--batch-size must be an integer in 1..${provider.maxBatchSize} for provider ${provider.name}, got ${batchSize}`, { context: { key: 'batchSize' } });
  }
  if (!Number.isFinite(delayMs) || delayMs < 0) throw new EnrichmentError('INVALID_INPUT', `--delay must be a number of milliseconds >= 0, got ${delayMs}`, { context: { key: 'delayMs' } });
  const maxAttempts = options.maxAttempts ?? 3;
  const wait = options.sleep ?? realSleep;
  const unique = [...new Map(targets.map((t) => [t.trackId, t])).values()];
  for (let s = 0; s < unique.length; s += 1000) {
    await db
      .insertInto('enrichment_progress')
      .values(unique.slice(s, s + 1000).map((t) => ({ provider: provider.name, track_id: t.trackId, status: 'pending' as const, last_error: null, payload: null })))
      .onConflict((oc) => oc.columns(['provider', 'track_id']).doNothing())
      .execute();
  }
  const state = new Map<number, { status: string; attempts: number }>();
  for (let s = 0; s < unique.length; s += 1000) {
    const rows = await db
      .selectFrom('enrichment_progress')
      .select(['track_id', 'status', 'attempts'])
      .where('provider', '=', provider.name)
      .where('track_id', 'in', unique.slice(s, s + 1000).map((t) => t.trackId))
      .execute();
    for (const r of rows) state.set(r.track_id, { status: r.status, attempts: r.attempts });
  }
  const todo = unique.filter((t) => {
    const st = state.get(t.trackId);
    return st !== undefined && (st.status === 'pending' || (st.status === 'failed' && st.attempts < maxAttempts));
  });
  const result: EnrichmentResult = { total: unique.length, alreadyComplete: unique.filter((t) => ['done', 'not_found'].includes(state.get(t.trackId)?.status ?? '')).length, done: 0, notFound: 0, failed: 0, batches: 0, errors: [] };
  const batches = Math.ceil(todo.length / batchSize);
  for (let b = 0; b < batches; b++) {
    if (options.signal?.aborted) throw new EnrichmentError('ABORTED', `enrichment stopped after ${b} of ${batches} batches; run again to resume`, { context: { batch: b } });
    if (b > 0 && delayMs > 0) await wait(delayMs, options.signal);
    const batch = todo.slice(b * batchSize, (b + 1) * batchSize);
    try {
      const fetched = await provider.fetchTracks(batch.map((t) => t.externalId), options.signal);
      await db.transaction().execute(async (trx) => {
        for (const t of batch) {
          const meta = fetched.get(t.externalId) ?? null;
          await trx
            .updateTable('enrichment_progress')
            .set({ status: meta ? 'done' : 'not_found', payload: meta ? JSON.stringify(meta) : null, last_error: null, attempts: sql`attempts + 1`, updated_at: new Date() })
            .where('provider', '=', provider.name)
            .where('track_id', '=', t.trackId)
            .execute();
          if (meta) result.done++;
          else result.notFound++;
        }
      });
    } catch (e) {
      if (e instanceof EnrichmentError && e.code === 'ABORTED') throw new EnrichmentError('ABORTED', `enrichment stopped during batch ${b + 1} of ${batches}; run again to resume`, { cause: e, context: { batch: b } });
      const message = e instanceof Error ? e.message : String(e);
      await db
        .updateTable('enrichment_progress')
        .set({ status: 'failed', last_error: message, attempts: sql`attempts + 1`, updated_at: new Date() })
        .where('provider', '=', provider.name)
        .where('track_id', 'in', batch.map((t) => t.trackId))
        .execute();
      result.failed += batch.length;
      result.errors.push({ trackIds: batch.map((t) => t.trackId), message });
    }
    result.batches++;
    options.onBatch?.({ batch: b + 1, batches, done: result.done, notFound: result.notFound, failed: result.failed, remaining: todo.length - (b + 1) * batchSize > 0 ? todo.length - (b + 1) * batchSize : 0 });
  }
  return result;
}

/**
 * Counts `enrichment_progress` rows of a provider by status.
 *
 * @param db - the tunekit database
 * @param provider - provider name
 * @returns `{ pending, done, failed, not_found }`
 * @example
 * ```ts
 * const { done } = await enrichmentStatus(db, 'spotify');
 * ```
 */
export async function enrichmentStatus(db: Kysely<TunekitDatabase>, provider: string): Promise<Record<'pending' | 'done' | 'failed' | 'not_found', number>> {
  const rows = await db.selectFrom('enrichment_progress').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).where('provider', '=', provider).groupBy('status').execute();
  const out = { pending: 0, done: 0, failed: 0, not_found: 0 };
  for (const r of rows) out[r.status] = Number(r.n);
  return out;
}

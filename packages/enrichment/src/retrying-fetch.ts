import { Rng } from '@tunekit/core';
import { EnrichmentError } from './errors';

/** Retry policy of {@link fetchWithRetry}. */
export interface RetryOptions {
  /** Retries after the first attempt (default 5). */
  maxRetries?: number;
  /** First backoff in ms; doubles per retry (default 500). */
  baseDelayMs?: number;
  /** Longest single wait in ms, including `Retry-After` (default 30 000). */
  maxDelayMs?: number;
  /** Per-request timeout in ms (default 30 000). */
  timeoutMs?: number;
  /** Seed of the backoff jitter. */
  seed?: number;
  /** Waits `ms` (tests pass a fast clock). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Called before each retry with the reason and the wait. */
  onRetry?: (info: { url: string; attempt: number; status: number | null; waitMs: number; reason: string }) => void;
}

/** Sleeps `ms`, rejecting with `ABORTED` when `signal` fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new EnrichmentError('ABORTED', 'aborted'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(new EnrichmentError('ABORTED', 'aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * `fetch` with retries: on HTTP 429 it waits `Retry-After` seconds (capped at `maxDelayMs`),
 * on 5xx and network errors it backs off exponentially with seeded full jitter. Other
 * statuses (2xx, 4xx) are returned to the caller.
 *
 * @param url - request URL
 * @param init - fetch options
 * @param options - see {@link RetryOptions}
 * @returns the final response (2xx or a non-retryable status)
 * @throws EnrichmentError `RETRIES_EXHAUSTED` (context: url, last status), `ABORTED`
 * @example
 * ```ts
 * const res = await fetchWithRetry('http://127.0.0.1:8080/v1/tracks?ids=a,b', { headers }, { maxRetries: 3 });
 * ```
 */
export async function fetchWithRetry(url: string, init: RequestInit, options: RetryOptions = {}): Promise<Response> {
  const maxRetries = options.maxRetries ?? 5;
  const base = options.baseDelayMs ?? 500;
  const cap = options.maxDelayMs ?? 30_000;
  const wait = options.sleep ?? sleep;
  const rng = new Rng(options.seed ?? 7);
  const signal = init.signal ?? undefined;
  let lastStatus: number | null = null;
  let lastReason = '';
  for (let attempt = 0; ; attempt++) {
    if (signal?.aborted) throw new EnrichmentError('ABORTED', `aborted before requesting ${url}`, { context: { url } });
    let res: Response | undefined;
    try {
      const timeout = AbortSignal.timeout(options.timeoutMs ?? 30_000);
      res = await fetch(url, { ...init, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    } catch (e) {
      if (signal?.aborted) throw new EnrichmentError('ABORTED', `aborted while requesting ${url}`, { cause: e, context: { url } });
      lastStatus = null;
      lastReason = `network error: ${(e as Error).message}`;
    }
    let waitMs: number;
    if (res) {
      lastStatus = res.status;
      if (res.status !== 429 && res.status < 500) return res;
      const retryAfter = Number(res.headers.get('retry-after'));
      lastReason = res.status === 429 ? 'rate limited (429)' : `server error ${res.status}`;
      await res.body?.cancel().catch(() => undefined);
      waitMs = res.status === 429 && Number.isFinite(retryAfter) && res.headers.has('retry-after') ? retryAfter * 1000 : rng.next() * base * 2 ** attempt;
    } else waitMs = rng.next() * base * 2 ** attempt;
    if (attempt >= maxRetries) {
      throw new EnrichmentError('RETRIES_EXHAUSTED', `${url}: gave up after ${attempt + 1} attempts (last: ${lastReason}); try again later or raise maxRetries`, { context: { url, status: lastStatus, attempts: attempt + 1 } });
    }
    waitMs = Math.min(cap, Math.max(0, waitMs));
    options.onRetry?.({ url, attempt: attempt + 1, status: lastStatus, waitMs, reason: lastReason });
    await wait(waitMs, signal);
  }
}

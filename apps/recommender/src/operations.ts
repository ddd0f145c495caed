import { isTunekitError } from '@tunekit/core';
import type { ClusterAssignments, ListensInputRow, Recommendation, SimilarTrack } from '@tunekit/models';
import type { RecommenderConfig } from './recommender.config';
import { RecommenderError } from './recommender.error';
import type { ModelService } from './services/model-service';
import type { ServiceRegistry } from './services/service-registry';
import type { TrackStatsSource } from './track-stats.source';

/** What the operations reach: the loaded services, the track store, the configuration. */
export interface ApiContext {
  readonly registry: ServiceRegistry;
  readonly tracks: TrackStatsSource;
  readonly config: RecommenderConfig;
}

/** The run that answered a request. */
export interface ModelRef {
  family: string;
  model: string;
  runDir: string;
}

/** Recommendations for one user (known or cold-start). */
export interface RecommendationsAnswer {
  userId: string | null;
  k: number;
  model: ModelRef;
  items: Recommendation[];
}

/** Listens predictions, one per input row. */
export interface ListensAnswer {
  model: ModelRef;
  predictions: { id: number | string | null; listens: number; actual?: number | null }[];
}

const ref = (s: ModelService): ModelRef => ({ family: s.family, model: s.model, runDir: s.runDir });

/** Maps a models-package input error (context.row / feature / column / field) onto a request field. */
function fieldOf(e: unknown, prefix: string): string | undefined {
  if (!isTunekitError(e)) return undefined;
  const c = e.context as { field?: unknown; row?: unknown; feature?: unknown; column?: unknown };
  if (typeof c.field === 'string') return `${prefix}.${c.field}`;
  const name = typeof c.column === 'string' ? c.column : typeof c.feature === 'string' ? c.feature : undefined;
  if (typeof c.row === 'number' && name) return `${prefix}.tracks[${c.row}].${name}`;
  return name ? `${prefix}.${name}` : undefined;
}

/**
 * Checks `k` the way the HTTP schema does (the CLI has no schema in front of it).
 * @throws RecommenderError `BAD_REQUEST` naming `field`
 */
export function checkK(k: number, maxK: number, field: string): number {
  if (!Number.isInteger(k) || k < 1 || k > maxK) throw new RecommenderError('BAD_REQUEST', `${field} must be an integer in [1, ${maxK}], got ${String(k)}`, { context: { field } });
  return k;
}

/**
 * Top-k for a user the model was trained with, each with an explanation.
 * @param ctx - {@link ApiContext}
 * @param userId - raw user id as in the training data
 * @param k - number of items
 * @param excludeHistory - leave out items the user already played
 * @returns {@link RecommendationsAnswer}
 * @throws RecommenderError `NOT_FOUND` (unknown user), `MODEL_UNAVAILABLE`
 */
export function userRecommendations(ctx: ApiContext, userId: string, k: number, excludeHistory = true): RecommendationsAnswer {
  const svc = ctx.registry.get('recommendations');
  if (!svc.hasUser(userId)) {
    throw new RecommenderError('NOT_FOUND', `user "${userId}" is not in the model ${svc.model} (${String(svc.details['users'])} users); POST /recommendations with features serves a cold-start user`, {
      context: { id: userId, field: 'params.id' },
    });
  }
  return { userId, k, model: ref(svc), items: svc.forUser(userId, k, { excludeHistory, exclude: [] }) };
}

/**
 * Top-k for a cold-start user described only by features.
 * @param features - user feature name → value (names as the model has them)
 * @throws RecommenderError `BAD_REQUEST` naming `body.features.<name>` for an unknown feature, `MODEL_UNAVAILABLE`
 */
export function coldStartRecommendations(ctx: ApiContext, features: Readonly<Record<string, number>>, k: number, exclude: readonly string[] = []): RecommendationsAnswer {
  const svc = ctx.registry.get('recommendations');
  const known = new Set(svc.userFeatureNames);
  for (const name of Object.keys(features)) {
    if (!known.has(name)) {
      const shown = svc.userFeatureNames.slice(0, 12).join(', ');
      throw new RecommenderError('BAD_REQUEST', `body.features: unknown user feature "${name}"; the model has ${svc.userFeatureNames.length}: ${shown || '(none)'}${svc.userFeatureNames.length > 12 ? ', …' : ''}`, {
        context: { field: `body.features.${name}` },
      });
    }
  }
  return { userId: null, k, model: ref(svc), items: svc.forFeatures(features, k, exclude) };
}

/**
 * The k tracks most similar to a track of the content-embedding model.
 * @throws RecommenderError `NOT_FOUND` (track not embedded), `MODEL_UNAVAILABLE`
 */
export function similarTracks(ctx: ApiContext, trackId: number, k: number): { trackId: number; k: number; model: ModelRef; items: SimilarTrack[] } {
  const svc = ctx.registry.get('similar-tracks');
  if (!svc.hasTrack(trackId)) {
    throw new RecommenderError('NOT_FOUND', `track ${trackId} is not in the content-embedding model ${svc.model} (${String(svc.details['tracks'])} tracks)`, { context: { id: trackId, field: 'params.id' } });
  }
  return { trackId, k, model: ref(svc), items: svc.similar(trackId, k) };
}

/**
 * Predicted listens of a track stored in the database: reads its statistics, applies the saved
 * preprocessing and the model.
 * @throws RecommenderError `NOT_FOUND` (no such track), `UNPROCESSABLE` naming the missing field,
 *   `MODEL_UNAVAILABLE`, `DATABASE_UNAVAILABLE`
 */
export async function trackListens(ctx: ApiContext, trackId: number): Promise<ListensAnswer> {
  const svc = ctx.registry.get('listens');
  const row = await ctx.tracks.find(trackId);
  if (!row) throw new RecommenderError('NOT_FOUND', `track ${trackId} is not in the database (${ctx.tracks.description})`, { context: { id: trackId, field: 'params.id' } });
  try {
    const out = svc.predict([row]);
    return { model: ref(svc), predictions: [{ id: trackId, listens: out.listens[0] as number, actual: row.listens }] };
  } catch (e) {
    if (!isTunekitError(e, 'INVALID_INPUT')) throw e;
    const field = fieldOf(e, 'track')?.replace(/^track\.tracks\[\d+\]\./, 'track.');
    throw new RecommenderError('UNPROCESSABLE', `track ${trackId} cannot be scored: ${e.message}`, { cause: e, context: { id: trackId, ...(field ? { field } : {}) } });
  }
}

/**
 * Predicted listens for rows of track statistics.
 * @throws RecommenderError `BAD_REQUEST` naming `body.tracks[i].<column>`, `MODEL_UNAVAILABLE`
 */
export function predictListensRows(ctx: ApiContext, rows: readonly ListensInputRow[]): ListensAnswer {
  const svc = ctx.registry.get('listens');
  try {
    const out = svc.predict(rows);
    return { model: ref(svc), predictions: rows.map((r, i) => ({ id: r.id ?? null, listens: out.listens[i] as number })) };
  } catch (e) {
    if (!isTunekitError(e, 'INVALID_INPUT')) throw e;
    const field = fieldOf(e, 'body');
    throw new RecommenderError('BAD_REQUEST', e.message, { cause: e, context: field ? { field } : {} });
  }
}

/**
 * Cluster of each track from its metadata.
 * @throws RecommenderError `BAD_REQUEST` naming `body.tracks[i].<key>`, `MODEL_UNAVAILABLE`
 */
export function clusterTracks(ctx: ApiContext, tracks: unknown): ClusterAssignments & { model: ModelRef } {
  const svc = ctx.registry.get('clusters');
  try {
    return { model: ref(svc), ...svc.assign(tracks) };
  } catch (e) {
    if (!isTunekitError(e, 'INVALID_INPUT')) throw e;
    const field = fieldOf(e, 'body');
    throw new RecommenderError('BAD_REQUEST', e.message, { cause: e, context: field ? { field } : {} });
  }
}

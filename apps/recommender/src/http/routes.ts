import type { ListensInputRow } from '@tunekit/models';
import type { RecommenderConfig } from '../recommender.config';
import { clusterTracks, coldStartRecommendations, predictListensRows, similarTracks, trackListens, userRecommendations, type ApiContext } from '../operations';
import {
  clustersBody,
  clustersResponse,
  coldStartBody,
  errorSchema,
  intIdParams,
  kQuery,
  listensResponse,
  predictListensBody,
  readyResponse,
  recommendationsResponse,
  similarResponse,
  userIdParams,
  type JsonSchema,
} from './api-schemas';

/** A validated request as handlers see it. */
export interface ApiRequest {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
}

/** One endpoint: its schemas (validation + OpenAPI) and handler. */
export interface ApiRoute {
  method: 'GET' | 'POST';
  /** fastify path syntax (`/users/:id/recommendations`). */
  url: string;
  summary: string;
  tag: string;
  schema: { params?: JsonSchema; querystring?: JsonSchema; body?: JsonSchema };
  /** Documented answers by status code. */
  responses: Record<number, { description: string; schema?: JsonSchema }>;
  /** Returns the JSON body; `status` overrides 200. */
  handle(req: ApiRequest, ctx: ApiContext): Promise<{ status?: number; body: unknown }>;
}

const err = (description: string): { description: string; schema: JsonSchema } => ({ description, schema: errorSchema });
const unavailable = err('the model behind this endpoint is not configured, not trained or still loading (message names the trainer command)');

/**
 * Every endpoint of the recommender API.
 * @param config - supplies the limits (`maxK`, `maxBatch`) written into the schemas
 */
export function apiRoutes(config: RecommenderConfig): ApiRoute[] {
  const k = kQuery(config.maxK);
  return [
    {
      method: 'GET',
      url: '/users/:id/recommendations',
      summary: 'Top-k items for a known user, each with an explanation (similar items from the history, strongest features)',
      tag: 'recommendations',
      schema: {
        params: userIdParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { k, excludeHistory: { type: 'boolean', default: true, description: 'leave out items the user already played (default true)' } },
        },
      },
      responses: { 200: { description: 'recommendations, best first', schema: recommendationsResponse }, 400: err('bad k'), 404: err('unknown user id'), 503: unavailable },
      async handle(req, ctx) {
        return { body: userRecommendations(ctx, req.params['id'] as string, req.query['k'] as number, req.query['excludeHistory'] as boolean) };
      },
    },
    {
      method: 'POST',
      url: '/recommendations',
      summary: 'Top-k items for a cold-start user given only features (e.g. gender, age band, country)',
      tag: 'recommendations',
      schema: { body: coldStartBody(config.maxK) },
      responses: { 200: { description: 'recommendations, best first', schema: recommendationsResponse }, 400: err('bad body; `field` names it (an unknown feature name too)'), 413: err('body over the size limit'), 503: unavailable },
      async handle(req, ctx) {
        const body = req.body as { features: Record<string, number>; k: number; exclude?: string[] };
        return { body: coldStartRecommendations(ctx, body.features, body.k, body.exclude ?? []) };
      },
    },
    {
      method: 'GET',
      url: '/tracks/:id/similar',
      summary: 'The k tracks that sound most like this one (cosine over content embeddings)',
      tag: 'tracks',
      schema: { params: intIdParams, querystring: { type: 'object', additionalProperties: false, properties: { k } } },
      responses: { 200: { description: 'similar tracks, best first (the track itself excluded)', schema: similarResponse }, 400: err('bad id or k'), 404: err('track not in the embedding model'), 503: unavailable },
      async handle(req, ctx) {
        return { body: similarTracks(ctx, req.params['id'] as number, req.query['k'] as number) };
      },
    },
    {
      method: 'GET',
      url: '/tracks/:id/listens',
      summary: "Predicted listens of a track in the database, from its statistics through the saved preprocessing",
      tag: 'listens',
      schema: { params: intIdParams },
      responses: {
        200: { description: 'one prediction (with the stored listens as `actual`)', schema: listensResponse },
        404: err('no track with this id in the database'),
        422: err('the track lacks a value the model needs (`field` names it)'),
        503: unavailable,
      },
      async handle(req, ctx) {
        return { body: await trackListens(ctx, req.params['id'] as number) };
      },
    },
    {
      method: 'POST',
      url: '/predict/listens',
      summary: 'Predicted listens for tracks given their statistics (batch)',
      tag: 'listens',
      schema: { body: predictListensBody(config.maxBatch) },
      responses: { 200: { description: 'one prediction per input row, in order', schema: listensResponse }, 400: err('bad body; `field` names it'), 413: err('body over the size limit'), 503: unavailable },
      async handle(req, ctx) {
        return { body: predictListensRows(ctx, (req.body as { tracks: ListensInputRow[] }).tracks) };
      },
    },
    {
      method: 'POST',
      url: '/api/clusters',
      summary: 'Audio cluster of each track from its metadata (known tracks: true audio features; others: predicted)',
      tag: 'clusters',
      schema: { body: clustersBody(config.maxBatch) },
      responses: { 200: { description: 'cluster per track, in input order, and coverage', schema: clustersResponse }, 400: err('bad body; `field` names it'), 413: err('body over the size limit'), 503: unavailable },
      async handle(req, ctx) {
        return { body: clusterTracks(ctx, (req.body as { tracks: unknown }).tracks) };
      },
    },
    {
      method: 'GET',
      url: '/health',
      summary: 'Liveness: the process answers',
      tag: 'operations',
      schema: {},
      responses: { 200: { description: 'alive', schema: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] }, uptimeS: { type: 'number' } } } } },
      async handle() {
        return { body: { status: 'ok', uptimeS: Math.round(process.uptime() * 10) / 10 } };
      },
    },
    {
      method: 'GET',
      url: '/ready',
      summary: 'Readiness: every configured model has finished loading; per endpoint group, which run serves it or why none does',
      tag: 'operations',
      schema: {},
      responses: { 200: { description: 'loading finished (groups may still be `unavailable`: see each reason)', schema: readyResponse }, 503: { description: 'models still loading', schema: readyResponse } },
      async handle(_req, ctx) {
        const loaded = ctx.registry.loaded;
        return { status: loaded ? 200 : 503, body: { status: loaded ? 'ready' : 'loading', services: ctx.registry.status() } };
      },
    },
  ];
}

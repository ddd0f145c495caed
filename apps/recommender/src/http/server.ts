import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { isTunekitError } from '@tunekit/core';
import type { Logger } from '@tunekit/cli-kit';
import type { RecommenderConfig } from '../recommender.config';
import { HTTP_STATUS_OF, RecommenderError } from '../recommender.error';
import type { ModelFamily } from '../services/model-service';
import { ServiceRegistry } from '../services/service-registry';
import { databaseTrackSource, type TrackStatsSource } from '../track-stats.source';
import { openApiDocument, openApiHtml } from './openapi';
import type { ApiContext } from '../operations';
import { apiRoutes } from './routes';

/** The JSON body of every error answer. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  field?: string;
  command?: string;
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** `/tracks/0/popularity` → `tracks[0].popularity`. */
function jsonPointerToField(pointer: string): string {
  return pointer
    .split('/')
    .filter((p) => p !== '')
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p.replace(/~1/g, '/').replace(/~0/g, '~')}`))
    .join('');
}

/**
 * Turns any thrown error into a status code and an {@link ErrorBody} that names the field:
 * ajv validation errors (`query.k`, `body.tracks[2].popularity`), {@link RecommenderError}s by code,
 * models-package `INVALID_INPUT`, fastify's 413 and other 4xx; anything else is a 500 without details.
 * @param e - what a handler or fastify threw
 * @param bodyLimit - the configured limit, quoted in the 413 message
 * @returns the JSON body (its `statusCode` is the HTTP status)
 * @example
 * ```ts
 * errorBody(new RecommenderError('NOT_FOUND', 'user "x" is not in the model'), 1 << 20).statusCode; // 404
 * ```
 */
export function errorBody(e: unknown, bodyLimit: number): ErrorBody {
  const fe = e as Partial<FastifyError> & { validation?: AjvError[]; validationContext?: string };
  if (Array.isArray(fe.validation) && fe.validation.length > 0) {
    const v = fe.validation[0] as AjvError;
    const where = fe.validationContext === 'querystring' ? 'query' : (fe.validationContext ?? 'request');
    const extra = typeof v.params['missingProperty'] === 'string' ? `.${v.params['missingProperty']}` : typeof v.params['additionalProperty'] === 'string' ? `.${v.params['additionalProperty']}` : '';
    const field = `${where}${jsonPointerToField(v.instancePath)}${extra}`;
    const what =
      v.keyword === 'required' ? 'is required' : v.keyword === 'additionalProperties' ? 'is not a known field' : (v.message ?? 'is invalid');
    const allowed = Array.isArray(v.params['allowedValues']) ? ` (${(v.params['allowedValues'] as unknown[]).join(', ')})` : '';
    return { statusCode: 400, error: 'BAD_REQUEST', message: `${field} ${what}${allowed}`, field };
  }
  if (e instanceof RecommenderError) {
    const c = e.context as { field?: unknown; command?: unknown };
    return {
      statusCode: HTTP_STATUS_OF[e.code],
      error: e.code,
      message: e.message,
      ...(typeof c.field === 'string' ? { field: c.field } : {}),
      ...(typeof c.command === 'string' ? { command: c.command } : {}),
    };
  }
  if (isTunekitError(e, 'INVALID_INPUT')) {
    const c = e.context as { field?: unknown };
    return { statusCode: 400, error: 'BAD_REQUEST', message: e.message, ...(typeof c.field === 'string' ? { field: `body.${c.field}` } : {}) };
  }
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || fe.statusCode === 413) {
    return { statusCode: 413, error: 'PAYLOAD_TOO_LARGE', message: `the request body is larger than ${bodyLimit} bytes (bodyLimit in the recommender config); send fewer tracks per request`, field: 'body' };
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { statusCode: fe.statusCode, error: fe.code ?? 'BAD_REQUEST', message: fe.message ?? 'bad request', ...(fe.statusCode === 400 ? { field: 'body' } : {}) };
  }
  return { statusCode: 500, error: 'INTERNAL', message: 'internal error (logged on the server)' };
}

/**
 * Builds the fastify app: JSON-schema-validated routes, OpenAPI at /docs, errors as
 * {@link ErrorBody}. Models are looked up in `ctx.registry` per request, so an endpoint works as
 * soon as its service is loaded and answers 503 before.
 *
 * @param ctx - registry, track store, config
 * @param options.isClosing - while true, answers carry `Connection: close` (graceful shutdown)
 * @returns a fastify instance (not listening yet)
 */
export function buildApp(ctx: ApiContext, options: { isClosing?: () => boolean } = {}): FastifyInstance {
  const { config } = ctx;
  const app = Fastify({
    logger: { level: config.logLevel },
    bodyLimit: config.bodyLimit,
    // fastify waits for in-flight requests on close and answers 503 to new ones meanwhile
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false, allowUnionTypes: true } },
  });
  const routes = apiRoutes(config);
  const doc = openApiDocument(routes, {
    title: 'tunekit recommender',
    version: '0.1.0',
    description: 'Recommendations with explanations, cold-start users, similar tracks, listens predictions and audio clusters over trained tunekit runs.',
  });
  const html = openApiHtml(doc);
  app.addHook('onSend', async (_req, reply) => {
    if (options.isClosing?.()) void reply.header('connection', 'close');
  });
  app.setErrorHandler((e, req, reply) => {
    const body = errorBody(e, config.bodyLimit);
    if (body.statusCode >= 500 && body.error === 'INTERNAL') req.log.error({ err: e }, 'unhandled error');
    else req.log.info({ status: body.statusCode, error: body.error, field: body.field }, body.message);
    void reply.status(body.statusCode).send(body);
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send({ statusCode: 404, error: 'NOT_FOUND', message: `no endpoint ${req.method} ${req.url.split('?')[0]}; the API is described at /docs` } satisfies ErrorBody);
  });
  for (const r of routes) {
    app.route({
      method: r.method,
      url: r.url,
      schema: r.schema,
      handler: async (req, reply) => {
        const out = await r.handle({ params: req.params as Record<string, unknown>, query: req.query as Record<string, unknown>, body: req.body }, ctx);
        return reply.status(out.status ?? 200).send(out.body);
      },
    });
  }
  app.get('/docs/openapi.json', async () => doc);
  app.get('/docs', async (_req, reply) => reply.type('text/html; charset=utf-8').send(html));
  return app;
}

/** A running recommender. */
export interface RecommenderServer {
  readonly app: FastifyInstance;
  /** `http://host:port` actually bound (port 0 resolved). */
  readonly url: string;
  readonly registry: ServiceRegistry;
  /** Resolves when every configured model has loaded (or failed to). */
  readonly loaded: Promise<void>;
  /**
   * Graceful shutdown: stops accepting connections, waits up to `shutdownTimeoutMs` for
   * in-flight requests, then releases models and the database. Idempotent.
   */
  close(): Promise<void>;
}

/**
 * Starts the HTTP API: binds `config.host:config.port` first (so /health answers while models
 * load), then loads every configured model service.
 *
 * @param config - validated {@link RecommenderConfig}
 * @param options.workspaceRoot - base of relative paths (`modelsRoot`, embedded database)
 * @param options.configFile - named in messages
 * @param options.tracks - where track statistics come from (default: the configured database)
 * @param options.families - model-family registry (default MODEL_FAMILIES)
 * @param options.log - app logger for start-up messages
 * @returns {@link RecommenderServer}
 * @throws CliError `CONFIG_INVALID` for an unknown family; the listen error (e.g. EADDRINUSE)
 * @example
 * ```ts
 * const server = await startServer(config, { workspaceRoot: process.cwd() });
 * await server.loaded;
 * // ... later
 * await server.close();
 * ```
 */
export async function startServer(
  config: RecommenderConfig,
  options: { workspaceRoot: string; configFile?: string | null; tracks?: TrackStatsSource; families?: Readonly<Record<string, ModelFamily>>; log?: Logger },
): Promise<RecommenderServer> {
  const registry = new ServiceRegistry(config, {
    workspaceRoot: options.workspaceRoot,
    configFile: options.configFile ?? null,
    ...(options.log ? { log: options.log } : {}),
    ...(options.families ? { families: options.families } : {}),
  });
  const tracks = options.tracks ?? databaseTrackSource(config.database, options.workspaceRoot);
  let closingDown = false;
  const app = buildApp({ registry, tracks, config }, { isClosing: () => closingDown });
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  const loaded = registry.loadAll();
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), config.shutdownTimeoutMs);
      });
      // Keep-alive sockets that were busy when the shutdown began turn idle afterwards; close
      // them as they do, so app.close() does not wait for the keep-alive timeout.
      closingDown = true;
      const sweeper = setInterval(() => app.server.closeIdleConnections(), 25);
      const result = await Promise.race([app.close().then(() => 'closed' as const), timeout]);
      clearTimeout(timer);
      clearInterval(sweeper);
      if (result === 'timeout') {
        app.log.warn(`shutdown: requests still running after ${config.shutdownTimeoutMs} ms; closing their connections`);
        app.server.closeAllConnections();
      }
      await loaded.catch(() => undefined);
      registry.dispose();
      await tracks.close();
    })();
    return closing;
  };
  return { app, url, registry, loaded, close };
}

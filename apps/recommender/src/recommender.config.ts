import { z } from 'zod';

/** Which trained run backs one group of endpoints. */
export const serviceRefSchema = z
  .object({
    /** Model family: a key of MODEL_FAMILIES (`two-tower`, `content-embedding`, `listens`, `metadata-audio`). */
    family: z.string().min(1),
    /** Trainer configuration name: the run lives in `<modelsRoot>/<model>/<run>`. */
    model: z.string().min(1),
    /** `latest` (the symlink the trainer updates) or a run id such as `20261123T031849Z-963360f4`. */
    run: z.string().min(1).default('latest'),
  })
  .strict();

/** A service reference as validated. */
export type ServiceRef = z.infer<typeof serviceRefSchema>;

/** The endpoint groups a model can back; each is served by at most one run. */
export const CAPABILITIES = ['recommendations', 'similar-tracks', 'listens', 'clusters'] as const;

/** One of {@link CAPABILITIES}. */
export type Capability = (typeof CAPABILITIES)[number];

/**
 * `configs/recommender/<name>.yaml`: where to listen, limits, and which run backs which endpoint.
 * Layered as every tunekit app: defaults < YAML < `PORT`/`HOST` environment < `--set key=value`.
 */
export const recommenderConfigSchema = z
  .object({
    /** Interface to bind; 127.0.0.1 keeps the service local unless configured otherwise. */
    host: z.string().min(1).default('127.0.0.1'),
    /** TCP port (0 = any free port). */
    port: z.number().int().min(0).max(65535).default(8080),
    /** Largest accepted request body in bytes; larger bodies get 413. */
    bodyLimit: z.number().int().positive().default(1_048_576),
    /** Largest `k` a request may ask for. */
    maxK: z.number().int().positive().default(1000),
    /** Largest number of tracks in one POST /predict/listens or /api/clusters body. */
    maxBatch: z.number().int().positive().default(1000),
    /** Where trained runs live (relative to the workspace root unless absolute). */
    modelsRoot: z.string().min(1).default('artifacts/models'),
    /** Database for GET /tracks/:id/listens; null = DATABASE_URL, else the embedded PGlite file. */
    database: z.string().min(1).nullable().default(null),
    /** Log level of the structured (JSON lines) request log. */
    logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    /** How long a shutdown waits for in-flight requests before closing sockets, in ms. */
    shutdownTimeoutMs: z.number().int().positive().default(10_000),
    /** Which run backs which endpoint group; a missing or null entry answers 503. */
    services: z
      .object({
        recommendations: serviceRefSchema.nullable().default(null),
        'similar-tracks': serviceRefSchema.nullable().default(null),
        listens: serviceRefSchema.nullable().default(null),
        clusters: serviceRefSchema.nullable().default(null),
      })
      .strict()
      .prefault({}),
  })
  .strict();

/** A validated recommender configuration. */
export type RecommenderConfig = z.infer<typeof recommenderConfigSchema>;

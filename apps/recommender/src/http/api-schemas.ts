/**
 * JSON Schemas of the HTTP API: fastify validates requests with them (ajv) and the OpenAPI
 * document at /docs is built from the same objects, so the two cannot drift apart.
 */

/** A JSON Schema object (the subset this API uses). */
export type JsonSchema = Record<string, unknown>;

/** `{ error, message, field? }`: every non-2xx answer. */
export const errorSchema: JsonSchema = {
  type: 'object',
  required: ['error', 'message', 'statusCode'],
  properties: {
    statusCode: { type: 'integer' },
    error: { type: 'string', description: 'machine-readable code: BAD_REQUEST, NOT_FOUND, PAYLOAD_TOO_LARGE, UNPROCESSABLE, MODEL_UNAVAILABLE, ...' },
    message: { type: 'string', description: 'what was wrong, where, and what to do' },
    field: { type: 'string', description: 'the offending request field, e.g. `query.k` or `body.tracks[2].popularity`' },
    command: { type: 'string', description: '503 only: the command that trains the missing model' },
  },
};

/** `?k=` with the configured upper bound. */
export function kQuery(maxK: number): JsonSchema {
  return { type: 'integer', minimum: 1, maximum: maxK, default: 10, description: `number of items to return (1–${maxK})` };
}

const modelRef: JsonSchema = {
  type: 'object',
  description: 'the trained run that answered',
  properties: { family: { type: 'string' }, model: { type: 'string' }, runDir: { type: 'string' } },
};

const explanation: JsonSchema = {
  type: 'object',
  properties: {
    similarItems: {
      type: 'array',
      description: "the user's own items most similar to this one (cosine of item vectors)",
      items: { type: 'object', properties: { itemId: { type: 'string' }, similarity: { type: 'number' } } },
    },
    features: {
      type: 'array',
      description: 'terms that raised the score most (exact additive shares of u·v)',
      items: { type: 'object', properties: { side: { type: 'string', enum: ['user', 'item'] }, name: { type: 'string' }, contribution: { type: 'number' }, method: { type: 'string', enum: ['exact', 'occlusion'] } } },
    },
  },
};

/** The answer of both recommendation endpoints. */
export const recommendationsResponse: JsonSchema = {
  type: 'object',
  properties: {
    userId: { type: ['string', 'null'] },
    k: { type: 'integer' },
    model: modelRef,
    items: {
      type: 'array',
      items: { type: 'object', properties: { itemId: { type: 'string' }, name: { type: 'string' }, score: { type: 'number' }, explanation } },
    },
  },
};

/** POST /recommendations body: a cold-start user described by features. */
export function coldStartBody(maxK: number): JsonSchema {
  return {
    type: 'object',
    required: ['features'],
    additionalProperties: false,
    properties: {
      features: {
        type: 'object',
        description: 'user feature name → value, names as the model has them (GET /ready lists them), e.g. {"gender=f": 1, "country=DE": 1}; missing = 0',
        additionalProperties: { type: 'number' },
      },
      k: kQuery(maxK),
      exclude: { type: 'array', items: { type: 'string' }, maxItems: 10_000, description: 'item ids never to return' },
    },
  };
}

/** GET /tracks/:id/similar answer. */
export const similarResponse: JsonSchema = {
  type: 'object',
  properties: {
    trackId: { type: 'integer' },
    k: { type: 'integer' },
    model: modelRef,
    items: { type: 'array', items: { type: 'object', properties: { trackId: { type: 'integer' }, score: { type: 'number', description: 'cosine similarity' } } } },
  },
};

const nullableNumber = { type: ['number', 'null'] };

/** One track's statistics as POST /predict/listens takes them (DB column names). */
export const listensRowSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    id: { type: ['integer', 'string'], description: 'echoed back; names the row in errors' },
    duration_s: { ...nullableNumber, minimum: 0 },
    track_number: { ...nullableNumber, minimum: 0 },
    disc_number: { ...nullableNumber, minimum: 0 },
    favorites: { ...nullableNumber, minimum: 0 },
    interest: { ...nullableNumber, minimum: 0 },
    comments: { ...nullableNumber, minimum: 0 },
    date_created: { type: ['string', 'null'], description: 'ISO date or date-time' },
    year_created: { type: ['integer', 'null'], minimum: 1000, maximum: 3000 },
  },
};

/** POST /predict/listens body. */
export function predictListensBody(maxBatch: number): JsonSchema {
  return {
    type: 'object',
    required: ['tracks'],
    additionalProperties: false,
    properties: { tracks: { type: 'array', minItems: 1, maxItems: maxBatch, items: listensRowSchema } },
  };
}

/** Listens predictions. */
export const listensResponse: JsonSchema = {
  type: 'object',
  properties: {
    model: modelRef,
    predictions: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: ['integer', 'string', 'null'] },
          listens: { type: 'number', description: 'predicted listens (expm1 of the log1p prediction, ≥ 0)' },
          actual: { type: ['number', 'null'], description: 'GET /tracks/:id/listens only: the listens stored in the database' },
        },
      },
    },
  },
};

/** POST /api/clusters body: tracks described by metadata. */
export function clustersBody(maxBatch: number): JsonSchema {
  return {
    type: 'object',
    required: ['tracks'],
    additionalProperties: false,
    properties: {
      tracks: {
        type: 'array',
        minItems: 1,
        maxItems: maxBatch,
        items: {
          type: 'object',
          required: ['id', 'artists'],
          additionalProperties: false,
          properties: {
            id: { type: 'string', minLength: 1, description: 'track key; a known one takes the lookup fast path' },
            artists: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
            popularity: { type: ['number', 'null'], minimum: 0, maximum: 100 },
            durationMs: { type: ['number', 'null'], minimum: 0 },
            explicit: { type: ['boolean', 'null'] },
            releaseYear: { type: ['integer', 'null'], minimum: 1000, maximum: 3000 },
            genres: { type: 'array', items: { type: 'string', minLength: 1 } },
            relatedArtists: { type: 'array', items: { type: 'string', minLength: 1 } },
            name: { type: ['string', 'null'] },
            album: { type: ['string', 'null'] },
          },
        },
      },
    },
  };
}

/** POST /api/clusters answer. */
export const clustersResponse: JsonSchema = {
  type: 'object',
  properties: {
    model: modelRef,
    results: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          cluster: { type: 'integer' },
          source: { type: 'string', enum: ['lookup', 'prediction'] },
          features: { type: 'object', additionalProperties: { type: 'number' } },
        },
      },
    },
    coverage: { type: 'object', properties: { total: { type: 'integer' }, clustered: { type: 'integer' }, pct: { type: 'number' } } },
  },
};

/** GET /ready answer. */
export const readyResponse: JsonSchema = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['ready', 'loading'] },
    services: { type: 'object', additionalProperties: { type: 'object', properties: { status: { type: 'string', enum: ['ready', 'loading', 'unavailable'] }, family: { type: 'string' }, model: { type: 'string' }, runDir: { type: 'string' }, reason: { type: 'string' }, command: { type: ['string', 'null'] }, details: { type: 'object', additionalProperties: true, description: 'family facts of a ready group (sizes, features, ranking stage)' } } } },
  },
};

/** A path parameter that is a database / catalogue integer id. */
export const intIdParams: JsonSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 0, description: 'track id (tracks.id)' } },
};

/** A path parameter that is a raw user id as in the training data. */
export const userIdParams: JsonSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 200, description: 'user id as in the training data' } },
};

import { sql, type Kysely } from 'kysely';
import { DataAccessError } from '../errors';
import type { TunekitDatabase } from '../schema/database';

/** Embeddings of one model for one item kind. */
export interface ItemEmbeddings {
  runId: string;
  /** int32 [n] — item ids. */
  ids: Int32Array;
  /** float32 [n, dim] row-major. */
  vectors: Float32Array;
  dim: number;
}

/**
 * Inserts or replaces item embeddings of a model (key: model, item kind, item id), in batches.
 *
 * @param db - open database
 * @param input.ids - int32 [n]
 * @param input.vectors - float32 [n, dim] row-major
 * @returns rows written
 * @throws DataAccessError `BAD_ROW` when `vectors.length !== ids.length * dim`, or when the model already
 *   has vectors of another dim for this item kind (nothing is written then)
 * @example
 * ```ts
 * await upsertItemEmbeddings(db, { modelName: 'two-tower', runId: 'r1', itemKind: 'artist', ids, vectors, dim: 64 });
 * ```
 */
export async function upsertItemEmbeddings(
  db: Kysely<TunekitDatabase>,
  input: { modelName: string; runId: string; itemKind: string; ids: Int32Array | readonly number[]; vectors: Float32Array; dim: number },
): Promise<number> {
  const { ids, vectors, dim } = input;
  if (!Number.isInteger(dim) || dim <= 0 || vectors.length !== ids.length * dim) {
    throw new DataAccessError('BAD_ROW', `Embeddings of ${input.modelName}: vectors has ${vectors.length} values, expected ids.length (${ids.length}) × dim (${dim})`, {
      context: { model: input.modelName, dim, ids: ids.length, values: vectors.length },
    });
  }
  const step = Math.max(1, Math.floor(20000 / (dim + 5)));
  let n = 0;
  await db.transaction().execute(async (trx) => {
    // Rows of another width under the same key would make readItemEmbeddings' matrix ragged.
    const other = await trx
      .selectFrom('item_embeddings')
      .select([sql<number>`array_length(vector, 1)`.as('dim'), 'item_id', 'run_id'])
      .where('model_name', '=', input.modelName)
      .where('item_kind', '=', input.itemKind)
      .where(sql<boolean>`array_length(vector, 1) <> ${dim}`)
      .limit(1)
      .executeTakeFirst();
    if (other) {
      throw new DataAccessError(
        'BAD_ROW',
        `Embeddings of ${input.modelName} (${input.itemKind}): the database already holds vectors of dim ${other.dim} (e.g. item ${other.item_id} from run ${other.run_id}), these have dim ${dim}; delete the old ones or use another model name`,
        { context: { model: input.modelName, itemKind: input.itemKind, dim, storedDim: other.dim } },
      );
    }
    for (let i = 0; i < ids.length; i += step) {
      const rows = [];
      for (let k = i; k < Math.min(ids.length, i + step); k++) {
        rows.push({ model_name: input.modelName, run_id: input.runId, item_kind: input.itemKind, item_id: ids[k] as number, vector: Array.from(vectors.subarray(k * dim, (k + 1) * dim)) });
      }
      await trx
        .insertInto('item_embeddings')
        .values(rows)
        .onConflict((oc) => oc.columns(['model_name', 'item_kind', 'item_id']).doUpdateSet((eb) => ({ run_id: eb.ref('excluded.run_id'), vector: eb.ref('excluded.vector') })))
        .execute();
      n += rows.length;
    }
  });
  return n;
}

/**
 * Reads the item embeddings of a model, ordered by item id.
 *
 * @param db - open database
 * @param options.modelName - model name
 * @param options.itemKind - `track` / `artist`
 * @returns ids int32 [n], vectors float32 [n, dim]
 * @throws DataAccessError `NOT_FOUND` when the model has no embeddings of that kind; `BAD_ROW` when the
 *   stored vectors differ in length
 * @example
 * ```ts
 * const { ids, vectors, dim } = await readItemEmbeddings(db, { modelName: 'two-tower', itemKind: 'artist' });
 * ```
 */
export async function readItemEmbeddings(db: Kysely<TunekitDatabase>, options: { modelName: string; itemKind: string }): Promise<ItemEmbeddings> {
  const rows = await db
    .selectFrom('item_embeddings')
    .select(['item_id', 'run_id', 'vector'])
    .where('model_name', '=', options.modelName)
    .where('item_kind', '=', options.itemKind)
    .orderBy('item_id')
    .execute();
  const first = rows[0];
  if (!first) {
    throw new DataAccessError('NOT_FOUND', `No ${options.itemKind} embeddings stored for model "${options.modelName}": train it and upsert its embeddings first`, {
      context: { model: options.modelName, itemKind: options.itemKind },
    });
  }
  const dim = first.vector.length;
  const vectors = new Float32Array(rows.length * dim);
  const ids = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    if (r.vector.length !== dim) {
      throw new DataAccessError(
        'BAD_ROW',
        `Embeddings of ${options.modelName} (${options.itemKind}): item ${r.item_id} (run ${r.run_id}) has ${r.vector.length} values, item ${first.item_id} has ${dim}; the stored vectors do not form a matrix`,
        { context: { model: options.modelName, itemKind: options.itemKind, item: r.item_id, dim: r.vector.length, expectedDim: dim } },
      );
    }
    ids[i] = r.item_id;
    vectors.set(r.vector.map(Number), i * dim);
  });
  return { runId: first.run_id, ids, vectors, dim };
}

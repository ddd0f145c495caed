import * as tf from '@tensorflow/tfjs';
import { Rng } from '@tunekit/core';
import { RuntimeError } from '../runtime.error';
import { invalidateAfterWrite, writableView } from '../training/heap-access';

/** Row-wise optimiser of a {@link SparseEmbedding}: only gathered rows are touched per step. */
export type SparseOptimizerConfig =
  | { kind: 'sgd'; learningRate: number }
  | { kind: 'adam'; learningRate: number; beta1?: number; beta2?: number; epsilon?: number };

/** Options of {@link SparseEmbedding}. */
export interface SparseEmbeddingOptions {
  /** Rows in the table (vocabulary size). */
  numRows: number;
  /** Width of each row. */
  dim: number;
  /** Seed of the uniform initialiser. */
  seed: number;
  /** Half-width of the uniform initialiser; default 0.05 (Keras `embeddings_initializer`). */
  initScale?: number;
  /** Row-wise optimiser; default lazy Adam with learning rate 1e-3 (PyTorch `SparseAdam`). */
  optimizer?: SparseOptimizerConfig;
  /** Name used for the table variable (must be unique among live variables). */
  name?: string;
}

let batchCounter = 0;
let tableCounter = 0;

/**
 * The rows of one batch, gathered once: `rows` is a trainable `[unique, dim]` variable that the
 * loss reads through {@link SparseBatch.vectors}, so its gradient is `[unique, dim]` — never the
 * `[numRows, dim]` dense gradient that `tf.gather` backprop produces.
 */
export class SparseBatch {
  /** Distinct ids of the batch, in first-seen order. */
  readonly uniqueIds: Int32Array;
  /** Trainable copy of the gathered rows, float32 `[uniqueIds.length, dim]`. */
  readonly rows: tf.Variable<tf.Rank.R2>;
  private readonly inverse: tf.Tensor1D;

  /** @internal created by {@link SparseEmbedding.batch} */
  constructor(
    readonly embedding: SparseEmbedding,
    uniqueIds: Int32Array,
    inverse: Int32Array,
  ) {
    this.uniqueIds = uniqueIds;
    const gathered = tf.tidy(() => tf.gather(embedding.table, tf.tensor1d(uniqueIds, 'int32')));
    this.rows = tf.variable(gathered as tf.Tensor2D, true, `tunekit_sparse_rows_${++batchCounter}`);
    gathered.dispose();
    this.inverse = tf.tensor1d(inverse, 'int32');
  }

  /**
   * The embedding of every id of the batch, in batch order; call inside the loss closure.
   *
   * @returns float32 `[batch, dim]`
   */
  vectors(): tf.Tensor2D {
    return tf.gather(this.rows, this.inverse);
  }

  /** Frees the gathered rows and index (done by {@link SparseEmbedding.applyGradient}). */
  dispose(): void {
    this.rows.dispose();
    this.inverse.dispose();
  }
}

/**
 * An embedding table trained sparsely: a step gathers only the rows of its batch, computes the
 * gradient with respect to those rows, and updates them in place with a row-wise optimiser
 * (lazy Adam as PyTorch's `SparseAdam`, or SGD). A 100k-row table then costs O(batch · dim) per
 * step instead of O(rows · dim) for the dense gradient plus a dense optimiser pass.
 * On wasm and cpu the update writes the backend's buffer directly; elsewhere it falls back to
 * `tensorScatterUpdate` + `assign`.
 *
 * @example
 * ```ts
 * const users = new SparseEmbedding({ numRows: 10_000, dim: 64, seed: 1 });
 * const batch = users.batch(userIds);                       // Int32Array [batch]
 * const loss = trainStep(optimizer, () => lossOf(batch.vectors()), { sparse: [batch] });
 * ```
 */
export class SparseEmbedding {
  /** The table, float32 `[numRows, dim]`; not trainable by dense optimisers. */
  readonly table: tf.Variable<tf.Rank.R2>;
  readonly numRows: number;
  readonly dim: number;
  private readonly opt: Required<Extract<SparseOptimizerConfig, { kind: 'adam' }>> | Extract<SparseOptimizerConfig, { kind: 'sgd' }>;
  private m: Float32Array | null = null;
  private v: Float32Array | null = null;
  private step = 0;

  /**
   * @param options - {@link SparseEmbeddingOptions}
   * @throws RuntimeError `INVALID_ARGUMENT` for non-positive sizes or learning rate
   */
  constructor(options: SparseEmbeddingOptions) {
    const { numRows, dim, seed } = options;
    if (!Number.isInteger(numRows) || numRows <= 0 || !Number.isInteger(dim) || dim <= 0) {
      throw new RuntimeError('INVALID_ARGUMENT', `SparseEmbedding needs positive integer numRows and dim, got ${numRows} × ${dim}.`, { context: { numRows, dim } });
    }
    const o = options.optimizer ?? { kind: 'adam', learningRate: 1e-3 };
    if (!(o.learningRate > 0)) {
      throw new RuntimeError('INVALID_ARGUMENT', `SparseEmbedding learning rate must be > 0, got ${o.learningRate}.`, { context: { learningRate: o.learningRate } });
    }
    this.opt = o.kind === 'adam' ? { kind: 'adam', learningRate: o.learningRate, beta1: o.beta1 ?? 0.9, beta2: o.beta2 ?? 0.999, epsilon: o.epsilon ?? 1e-8 } : o;
    this.numRows = numRows;
    this.dim = dim;
    const scale = options.initScale ?? 0.05;
    const rng = new Rng(seed);
    const init = new Float32Array(numRows * dim);
    for (let i = 0; i < init.length; i++) init[i] = rng.uniform(-scale, scale);
    const t = tf.tensor2d(init, [numRows, dim]);
    this.table = tf.variable(t, false, options.name ?? `tunekit_sparse_table_${++tableCounter}`);
    t.dispose();
  }

  /**
   * Plain lookup for inference (no training bookkeeping).
   *
   * @param ids - int32 `[n]` row ids in `[0, numRows)`
   * @returns float32 `[n, dim]`
   */
  lookup(ids: tf.Tensor1D | Int32Array): tf.Tensor2D {
    return tf.tidy(() => tf.gather(this.table, ids instanceof Int32Array ? tf.tensor1d(ids, 'int32') : ids));
  }

  /**
   * Gathers the distinct rows of a training batch into a {@link SparseBatch}.
   *
   * @param ids - row ids of the batch, length `batch`, each in `[0, numRows)`
   * @throws RuntimeError `INVALID_ARGUMENT` for an id out of range (names the position)
   */
  batch(ids: Int32Array | readonly number[]): SparseBatch {
    const slot = new Map<number, number>();
    const inverse = new Int32Array(ids.length);
    const unique: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      if (!(id >= 0 && id < this.numRows) || !Number.isInteger(id)) {
        throw new RuntimeError('INVALID_ARGUMENT', `SparseEmbedding ${this.table.name}: id ${id} at position ${i} is outside [0, ${this.numRows}).`, { context: { id, position: i } });
      }
      let s = slot.get(id);
      if (s === undefined) {
        s = unique.length;
        slot.set(id, s);
        unique.push(id);
      }
      inverse[i] = s;
    }
    return new SparseBatch(this, Int32Array.from(unique), inverse);
  }

  /**
   * Applies a `[unique, dim]` gradient of `batch.rows` to the gathered rows only, then disposes
   * the batch. {@link trainStep} calls this for every batch passed in `sparse`.
   *
   * @param batch - a batch created by this embedding's {@link SparseEmbedding.batch}
   * @param grad - float32 `[batch.uniqueIds.length, dim]`, or null when the loss did not use it
   */
  applyGradient(batch: SparseBatch, grad: tf.Tensor | null): void {
    try {
      if (batch.embedding !== this) {
        throw new RuntimeError('INVALID_ARGUMENT', `applyGradient: the batch belongs to ${batch.embedding.table.name}, not ${this.table.name}.`);
      }
      if (grad === null) return;
      const g = grad.dataSync() as Float32Array;
      this.step++;
      const view = writableView(this.table);
      if (view) {
        this.update(view, batch.uniqueIds, g);
        invalidateAfterWrite(this.table);
        return;
      }
      // Fallback for backends whose buffers are not reachable from JS: read rows, update, scatter.
      const rows = batch.rows.dataSync() as Float32Array;
      const local = new Float32Array(rows);
      const ids = Int32Array.from(batch.uniqueIds.keys());
      this.update(local, batch.uniqueIds, g, ids);
      const next = tf.tidy(() => tf.tensorScatterUpdate(this.table, tf.tensor2d(batch.uniqueIds, [batch.uniqueIds.length, 1], 'int32'), tf.tensor2d(local, [batch.uniqueIds.length, this.dim])));
      this.table.assign(next as tf.Tensor2D);
      next.dispose();
    } finally {
      batch.dispose();
    }
  }

  /** Frees the table. */
  dispose(): void {
    this.table.dispose();
  }

  /** Row-wise update of `target` (rows at `at`, default `ids`) with optimiser state at `ids`. */
  private update(target: Float32Array, ids: Int32Array, g: Float32Array, at: Int32Array = ids): void {
    const d = this.dim;
    const o = this.opt;
    if (o.kind === 'sgd') {
      for (let r = 0; r < ids.length; r++) {
        const base = (at[r] as number) * d;
        for (let j = 0; j < d; j++) target[base + j] = (target[base + j] as number) - o.learningRate * (g[r * d + j] as number);
      }
      return;
    }
    this.m ??= new Float32Array(this.numRows * d);
    this.v ??= new Float32Array(this.numRows * d);
    const m = this.m;
    const v = this.v;
    const { beta1, beta2, epsilon } = o;
    const lr = o.learningRate / (1 - beta1 ** this.step);
    const c2 = 1 / (1 - beta2 ** this.step);
    for (let r = 0; r < ids.length; r++) {
      const s = (ids[r] as number) * d;
      const t = (at[r] as number) * d;
      for (let j = 0; j < d; j++) {
        const gj = g[r * d + j] as number;
        const mj = beta1 * (m[s + j] as number) + (1 - beta1) * gj;
        const vj = beta2 * (v[s + j] as number) + (1 - beta2) * gj * gj;
        m[s + j] = mj;
        v[s + j] = vj;
        target[t + j] = (target[t + j] as number) - (lr * mj) / (Math.sqrt(vj * c2) + epsilon);
      }
    }
  }
}

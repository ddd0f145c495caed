import * as tf from '@tensorflow/tfjs';
import { Rng } from '@tunekit/core';
import { trainStep } from '@tunekit/runtime';
import { evaluateFullRanking } from '../baselines/full-ranking.eval';
import type { InteractionMatrix } from '../baselines/interaction-matrix';
import { ModelsError } from '../errors';
import type { FullSortScorer } from '../baselines/scorer';
import type { FeatureMatrix } from './feature-matrix';
import type { EntityFeature } from './entity-feature';
import { retrievalLoss } from './retrieval.task';
import { twoTowerConfigSchema, type TwoTowerConfig } from './two-tower.config';
import { TwoTowerModel, towerVectors, type TwoTowerWeights } from './two-tower.model';

/** Training data of {@link fitTwoTower}: dense indices, the item kind is the caller's. */
export interface TwoTowerData {
  /** Binary training matrix (its pairs are the positives; its rows are masked in validation). */
  train: InteractionMatrix;
  userFeatures?: FeatureMatrix;
  /**
   * Cold-start version of every user's feature row (same columns as `userFeatures`): what serving
   * knows about a user with no id and no history (demographics; history-derived columns at their
   * empty-history values). When given, a batch row whose user id is dropped (`userIdDropout`) also
   * sees these features, so the unknown-id row and the feature path are trained on exactly the
   * input a cold-start user is served from.
   */
  userColdFeatures?: FeatureMatrix;
  itemFeatures?: FeatureMatrix;
  /** High-cardinality user categoricals (country, …) embedded with their own sparse tables. */
  userEntities?: readonly EntityFeature[];
  /** High-cardinality item categoricals (artist of a track, …) embedded with their own sparse tables. */
  itemEntities?: readonly EntityFeature[];
  /** Held-out relevance for early stopping (CSR over the same users/items); omit to train all epochs. */
  validation?: { ptr: Int32Array; items: Int32Array };
}

/** One epoch's record. */
export interface TwoTowerEpoch {
  epoch: number;
  loss: number;
  seconds: number;
  steps: number;
  /** Validation NDCG@10 (NaN without validation data). */
  valNdcg: number;
  valRecall: number;
}

/** Hooks of {@link fitTwoTower}. */
export interface TwoTowerHooks {
  /** Called after every epoch (e.g. to log metrics). */
  onEpoch?: (e: TwoTowerEpoch) => void | Promise<void>;
  /** Called with the weights (MLPs with their batch-norm moving statistics and entity tables included) whenever validation NDCG improves (checkpointing). */
  onCheckpoint?: (epoch: number, weights: TwoTowerWeights) => void | Promise<void>;
}

/** Result of {@link fitTwoTower}: the trained weights (best epoch restored) and the history. */
export interface TwoTowerFit {
  config: TwoTowerConfig;
  weights: TwoTowerWeights;
  history: TwoTowerEpoch[];
  /** Epoch whose weights were kept (the last one without validation). */
  bestEpoch: number;
  bestValNdcg: number;
  /** Mean seconds per epoch and steps per epoch. */
  secondsPerEpoch: number;
  stepsPerEpoch: number;
}

/**
 * Full-catalogue scorer over precomputed tower outputs: scores are computed with one tfjs matMul
 * per block of `block` consecutive users (cached), which is what a full-ranking pass in user
 * order needs; plain dot products would cost ~10× more on the wasm backend.
 *
 * @param users - float32 [nUsers · dim] user vectors
 * @param items - float32 [nItems · dim] item vectors
 * @param dim - width
 * @param name - display name
 * @param block - users per matMul (default 256)
 * @returns a {@link FullSortScorer}; it holds no tensors between calls
 */
export function vectorScorer(users: Float32Array, items: Float32Array, dim: number, name = 'two-tower', block = 256): FullSortScorer {
  const nItems = items.length / dim;
  const nUsers = users.length / dim;
  let from = -1;
  let cached: Float32Array = new Float32Array(0);
  return {
    name,
    nItems,
    scoreUser(user: number, out: Float32Array): void {
      if (from < 0 || user < from || user >= from + block) {
        from = user;
        const n = Math.min(block, nUsers - user);
        // Return the tensor, not its data: tf.tidy walks a returned container element by
        // element, which for a 256 × 15k typed array costs seconds.
        const product = tf.tidy(() => tf.matMul(tf.tensor2d(users.subarray(user * dim, (user + n) * dim), [n, dim]), tf.tensor2d(items, [nItems, dim]), false, true));
        cached = product.dataSync() as Float32Array;
        product.dispose();
      }
      out.set(cached.subarray((user - from) * nItems, (user - from + 1) * nItems));
    },
  };
}

/**
 * Trains a two-tower retrieval model with the {@link retrievalLoss} task: seeded shuffles of the
 * positive pairs, batches of in-batch softmax with temperature, logQ correction
 * (log P(item j among the batch's candidates) for mixed in-batch + M uniform negatives),
 * accidental-hit removal (candidates de-duplicated, rows point at their item), lazy
 * Adam on the id and entity tables and Adam on the projections or feature MLPs (`hidden`:
 * batch-norm on batch statistics, moving averages updated after every step, seeded dropout);
 * after each epoch validation NDCG@10 drives early stopping and the best weights (batch-norm
 * moving statistics and entity tables included) are restored at the end. With `hidden: []` and
 * no entities the random streams and updates are exactly those of the linear-only trainer.
 *
 * @param data - {@link TwoTowerData}
 * @param config - partial {@link TwoTowerConfig} (validated, defaults filled)
 * @param hooks - {@link TwoTowerHooks}
 * @returns {@link TwoTowerFit}; the tfjs model is disposed before returning (no tensor leaks)
 * @throws ModelsError `INVALID_INPUT` for empty training data
 * @example
 * ```ts
 * const fit = await fitTwoTower({ train: x, validation: val }, { epochs: 20, temperature: 0.1 });
 * ```
 */
export async function fitTwoTower(data: TwoTowerData, config: Partial<TwoTowerConfig> = {}, hooks: TwoTowerHooks = {}): Promise<TwoTowerFit> {
  const cfg = twoTowerConfigSchema.parse(config);
  const x = data.train;
  const nPairs = x.userItems.length;
  if (nPairs === 0) throw new ModelsError('INVALID_INPUT', 'fitTwoTower: the training matrix has no interactions.');
  const pairUser = new Int32Array(nPairs);
  for (let u = 0; u < x.nUsers; u++) pairUser.fill(u, x.userPtr[u]!, x.userPtr[u + 1]!);
  const pairItem = x.userItems;
  const q = new Float64Array(x.nItems);
  for (let k = 0; k < nPairs; k++) q[pairItem[k]!]! += 1 / nPairs;
  const cold = data.userFeatures && data.userColdFeatures ? data.userColdFeatures : null;
  if (cold && (cold.names.length !== data.userFeatures!.names.length || cold.values.length !== data.userFeatures!.values.length)) {
    throw new ModelsError('INVALID_INPUT', `fitTwoTower: userColdFeatures must have the shape of userFeatures (${x.nUsers} × ${data.userFeatures!.names.length}), got ${cold.values.length} values in ${cold.names.length} columns.`);
  }
  const model = new TwoTowerModel(
    {
      nUsers: x.nUsers,
      nItems: x.nItems,
      ...(data.userFeatures ? { userFeatures: cold ? { names: data.userFeatures.names, values: concatRows(data.userFeatures.values, cold.values) } : data.userFeatures } : {}),
      ...(cold ? { userFeatureRows: 2 * x.nUsers } : {}),
      ...(data.itemFeatures ? { itemFeatures: data.itemFeatures } : {}),
      ...(data.userEntities ? { userEntities: data.userEntities } : {}),
      ...(data.itemEntities ? { itemEntities: data.itemEntities } : {}),
    },
    cfg,
  );
  const optimizer = tf.train.adam(cfg.learningRate);
  const rng = new Rng(cfg.seed + 3);
  const order = Int32Array.from({ length: nPairs }, (_, k) => k);
  const history: TwoTowerEpoch[] = [];
  let best: TwoTowerWeights | null = null;
  let bestEpoch = 0;
  let bestVal = -Infinity;
  let bad = 0;
  const B = cfg.batchSize;
  const M = cfg.extraNegatives;
  try {
    for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
      const t0 = performance.now();
      for (let k = nPairs - 1; k > 0; k--) {
        const j = rng.int(k + 1);
        const t = order[k]!;
        order[k] = order[j]!;
        order[j] = t;
      }
      let lossSum = 0;
      let steps = 0;
      for (let start = 0; start < nPairs; start += B) {
        const end = Math.min(nPairs, start + B);
        const b = end - start;
        if (b < 2) continue;
        const users = new Int32Array(b);
        const positives = new Int32Array(b);
        for (let r = 0; r < b; r++) {
          users[r] = pairUser[order[start + r]!]!;
          positives[r] = pairItem[order[start + r]!]!;
        }
        // Candidates: with accidental-hit removal each item appears once (a row's duplicates of its
        // own positive are the same item, so merging them removes exactly the accidental hits);
        // otherwise the raw in-batch positives. Then M uniform extra negatives.
        let cand: Int32Array;
        let labels: Int32Array | undefined;
        if (cfg.removeAccidentalHits) {
          const slot = new Map<number, number>();
          labels = new Int32Array(b);
          for (let r = 0; r < b; r++) {
            let s = slot.get(positives[r]!);
            if (s === undefined) slot.set(positives[r]!, (s = slot.size));
            labels[r] = s;
          }
          const uniq = [...slot.keys()];
          for (let r = 0; r < M; r++) {
            const i = rng.int(x.nItems);
            if (!slot.has(i)) {
              slot.set(i, slot.size);
              uniq.push(i);
            }
          }
          cand = Int32Array.from(uniq);
        } else {
          cand = new Int32Array(b + M);
          cand.set(positives);
          for (let r = 0; r < M; r++) cand[b + r] = rng.int(x.nItems);
        }
        const userIds = users.map((u) => (cfg.userIdDropout > 0 && rng.next() < cfg.userIdDropout ? x.nUsers : u));
        const itemIds = cand.map((i) => (cfg.itemIdDropout > 0 && rng.next() < cfg.itemIdDropout ? x.nItems : i));
        // logQ: log P(candidate j is in the batch) = log(1 − (1 − q_j)^b + M/N) (≈ log(b·q_j) for rare items)
        const logQ = cfg.logQ ? Float32Array.from(cand, (i) => Math.log(1 - Math.pow(1 - q[i]!, b) + M / x.nItems)) : undefined;
        // A dropped user id also sees the user's cold-start feature row (appended after the n normal rows).
        const userFeatureRows = cold ? users.map((u, r) => (userIds[r] === x.nUsers ? u + x.nUsers : u)) : users;
        const ub = model.userEmb.batch(userIds);
        const ib = model.itemEmb.batch(itemIds);
        const ue = model.entityBatches('user', users, cfg.entityDropout, rng);
        const ie = model.entityBatches('item', cand, cfg.entityDropout, rng);
        const candRows = cand;
        lossSum += trainStep(
          optimizer,
          () =>
            retrievalLoss(model.tower('user', ub, userFeatureRows, ue), model.tower('item', ib, candRows, ie), {
              temperature: cfg.temperature,
              ...(logQ ? { logQ } : {}),
              ...(labels ? { labels } : {}),
            }),
          { sparse: [ub, ib, ...ue, ...ie], varList: model.denseVariables() },
        );
        model.commitStats();
        steps++;
      }
      const seconds = (performance.now() - t0) / 1000;
      let valNdcg = Number.NaN;
      let valRecall = Number.NaN;
      if (data.validation) {
        const r = evaluateFullRanking(scorerOf(model, data, cfg.dim), x, data.validation, { topOnly: true });
        valNdcg = r.means['ndcg@10']!;
        valRecall = r.means['recall@20']!;
      }
      const rec: TwoTowerEpoch = { epoch, loss: lossSum / Math.max(1, steps), seconds, steps, valNdcg, valRecall };
      history.push(rec);
      await hooks.onEpoch?.(rec);
      if (!data.validation) {
        bestEpoch = epoch;
        continue;
      }
      if (valNdcg > bestVal) {
        bestVal = valNdcg;
        bestEpoch = epoch;
        bad = 0;
        best = model.weights();
        await hooks.onCheckpoint?.(epoch, best);
      } else if (cfg.patience > 0 && ++bad >= cfg.patience) break;
    }
    if (best) model.setWeights(best);
    const weights = model.weights();
    const secs = history.reduce((s, h) => s + h.seconds, 0) / history.length;
    return { config: cfg, weights, history, bestEpoch, bestValNdcg: bestVal, secondsPerEpoch: secs, stepsPerEpoch: history[0]?.steps ?? 0 };
  } finally {
    model.dispose();
    optimizer.dispose();
  }
}

/**
 * Scorer over the current weights for the training users: plain-TS towers for linear models (as
 * before the MLP towers existed), tfjs inference-mode towers for MLP ones (a 15k × 512 × 512
 * MLP pass is ~10× faster as one matMul than in scalar TS; the tests check both agree).
 */
function scorerOf(model: TwoTowerModel, data: TwoTowerData, dim: number): FullSortScorer {
  const x = data.train;
  if (model.hasMlp()) return vectorScorer(model.inferenceVectors('user'), model.inferenceVectors('item'), dim);
  const w = model.weights();
  const U = towerVectors(w, 'user', { features: data.userFeatures?.values ?? null, entityIds: (data.userEntities ?? []).map((e) => e.ids) }, x.nUsers, dim);
  const V = towerVectors(w, 'item', { features: data.itemFeatures?.values ?? null, entityIds: (data.itemEntities ?? []).map((e) => e.ids) }, x.nItems, dim);
  return vectorScorer(U, V, dim);
}

/** Rows of `b` appended after the rows of `a` (same width). */
function concatRows(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

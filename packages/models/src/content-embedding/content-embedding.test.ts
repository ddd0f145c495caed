import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@tunekit/core';
import { expectNoTensorLeak } from '@tunekit/runtime';
import { ModelsError } from '../errors';
import { loadContentEmbedding, saveContentEmbedding } from './content-embedding.artifacts';
import { ContentEmbeddingConfigSchema } from './content-embedding.config';
import { accidentalHitMasks, cosinePairLoss, inBatchSoftmaxLoss } from './content-embedding.losses';
import { embeddingSpread } from './embedding-spread';
import { fitStandardizer, standardize } from './feature-standardizer';
import { labelPrecisionAtK, neighborLists } from './neighbor-quality';
import { coOccurrencePairs, isHeldOutKey, sameLabelPairs } from './positive-pairs';
import { trainContentEmbedding } from './train-content-embedding';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/**
 * Planted structure: `clusters` groups; 4 informative features = cluster centre + small noise,
 * plus 4 loud noise features (std 3) that carry nothing. Users each listen to one cluster.
 */
function planted(seed: number, perCluster = 40, clusters = 6) {
  const rng = new Rng(seed);
  const centres = Array.from({ length: clusters }, () => Array.from({ length: 4 }, () => rng.normal(0, 1.5)));
  const n = perCluster * clusters;
  const f = 8;
  const raw = new Float32Array(n * f);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % clusters;
    labels[i] = c;
    for (let d = 0; d < 4; d++) raw[i * f + d] = (centres[c] as number[])[d]! + rng.normal(0, 0.5);
    for (let d = 4; d < f; d++) raw[i * f + d] = rng.normal(0, 3);
  }
  const groups: Int32Array[] = [];
  for (let u = 0; u < 90; u++) {
    const c = u % clusters;
    const members = Array.from({ length: 8 }, () => c + clusters * rng.int(perCluster));
    groups.push(Int32Array.from(members));
  }
  return { raw, labels, n, f, groups };
}

const fastConfig = (over: Record<string, unknown>) =>
  ContentEmbeddingConfigSchema.parse({ hiddenLayers: [32], embeddingSize: 16, dropoutRate: 0.1, epochs: 10, batchSize: 48, learningRate: 0.01, patience: 0, seed: 3, spreadSample: 200, ...over });

describe('positive pairs', () => {
  it('takes all pairs of a small group, samples a capped number from a large one, weights by co-occurrence', () => {
    const p = coOccurrencePairs([Int32Array.of(0, 1, 2), Int32Array.of(2, 1), Int32Array.of(5)], { maxPairsPerGroup: 10, seed: 1 });
    // hand-derived: (0,1) w1, (0,2) w1, (1,2) w2 (in both groups); the singleton gives none
    expect(Array.from(p.a)).toEqual([0, 0, 1]);
    expect(Array.from(p.b)).toEqual([1, 2, 2]);
    expect(Array.from(p.weight)).toEqual([1, 1, 2]);
    const big = coOccurrencePairs([Int32Array.from({ length: 100 }, (_, i) => i)], { maxPairsPerGroup: 50, seed: 2 });
    expect(big.a.length).toBe(50);
    expect(Array.from(big.a).every((a, i) => a < (big.b[i] as number))).toBe(true);
    const again = coOccurrencePairs([Int32Array.from({ length: 100 }, (_, i) => i)], { maxPairsPerGroup: 50, seed: 2 });
    expect(Array.from(again.b)).toEqual(Array.from(big.b));
  });

  it('pairs rows with the same label only, and splits keys deterministically', () => {
    const labels = Int32Array.of(0, 1, 0, 1, 2, -1);
    const p = sameLabelPairs(labels, 3, 5);
    for (let i = 0; i < p.a.length; i++) expect(labels[p.a[i]!]).toBe(labels[p.b[i]!]);
    expect(Array.from(p.a).concat(Array.from(p.b))).not.toContain(4);
    const held = Array.from({ length: 2000 }, (_, k) => isHeldOutKey(k, 0.2, 7));
    const share = held.filter(Boolean).length / 2000;
    expect(share).toBeGreaterThan(0.17);
    expect(share).toBeLessThan(0.23);
    expect(held).toEqual(Array.from({ length: 2000 }, (_, k) => isHeldOutKey(k, 0.2, 7)));
  });
});

describe('losses', () => {
  it('in-batch softmax matches a hand-derived value and masks accidental hits', () => {
    // a = [e1, e2], b = [e1, e2], τ = 1: logits = I. Row loss = log(e + 1) − 1 = 0.31326 (both directions).
    const a = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    const w = tf.ones([2]) as tf.Tensor1D;
    expect(inBatchSoftmaxLoss(a, a, 1, w).dataSync()[0]).toBeCloseTo(Math.log(Math.E + 1) - 1, 5);
    // pairs (0,1) and (1,2): in row 1 (anchor track 1) column 0's positive is track 1 itself → masked
    const m = accidentalHitMasks(Int32Array.of(0, 1), Int32Array.of(1, 2));
    expect(Array.from(m.ab)).toEqual([0, 0, -1e9, 0]);
    // fully masked negatives leave only the positive: loss 0
    const loss = inBatchSoftmaxLoss(a, a, 1, w, { ab: tf.tensor2d([0, -1e9, -1e9, 0], [2, 2]), ba: tf.tensor2d([0, -1e9, -1e9, 0], [2, 2]) });
    expect(loss.dataSync()[0]).toBeCloseTo(0, 5);
    // cosine loss of orthogonal unit vectors is 1, of identical 0; weights average
    expect(cosinePairLoss(a, tf.tensor2d([[0, 1], [0, 1]]), tf.tensor1d([1, 3])).dataSync()[0]).toBeCloseTo(0.25, 6);
  });
});

describe('training', () => {
  const data = planted(11);
  const std = fitStandardizer(data.raw, ['i0', 'i1', 'i2', 'i3', 'n0', 'n1', 'n2', 'n3']);
  const x = standardize(data.raw, std);
  const pairs = coOccurrencePairs(data.groups, { maxPairsPerGroup: 12, seed: 4 });
  const all = Int32Array.from({ length: data.n }, (_, i) => i);
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('positive-only cosine loss collapses and the spread report flags it', async () => {
    const spreads: number[] = [];
    const { model, finalSpread, history } = await trainContentEmbedding({
      features: x,
      featureDim: data.f,
      pairs,
      config: fastConfig({ loss: 'cosine', epochs: 8 }),
      onEpoch: (e) => void spreads.push(e.spread),
    });
    expect(spreads.length).toBe(8);
    expect(finalSpread.spread).toBeLessThan(0.05);
    expect(finalSpread.collapsed).toBe(true);
    expect(history.at(-1)?.collapsed).toBe(1);
    model.dispose();
  });

  it('in-batch softmax keeps the spread and beats random and raw features on planted clusters', async () => {
    const { model, finalSpread, history, bestEpoch } = await trainContentEmbedding({ features: x, featureDim: data.f, pairs, config: fastConfig({}) });
    expect(finalSpread.collapsed).toBe(false);
    expect(finalSpread.spread).toBeGreaterThan(0.5);
    expect(history.length).toBe(10);
    expect(bestEpoch).toBeGreaterThan(0);
    const emb = model.embed(x);
    const p = (v: Float32Array | 'random', dim: number): number => labelPrecisionAtK(neighborLists(v, dim, all, all, 10, 1), all, data.labels, 10);
    const learned = p(emb, 16);
    const raw = p(x, data.f);
    const random = p('random', 0);
    expect(random).toBeLessThan(0.3);
    expect(learned).toBeGreaterThan(random + 0.4);
    expect(learned).toBeGreaterThan(raw + 0.1);
    // save → load round trip: stored embeddings and the pure-TS forward pass agree with tfjs
    const dir = mkdtempSync(join(tmpdir(), 'ce-'));
    dirs.push(dir);
    const trackIds = Array.from({ length: data.n }, (_, i) => 1000 + i);
    await saveContentEmbedding(dir, { model, standardizer: std, trackIds, embeddings: emb, extra: { test: true } });
    const svc = await loadContentEmbedding(dir);
    expect(svc.indexKind).toBe('exact');
    const fresh = svc.embedFeatures(data.raw.subarray(0, 3 * data.f));
    for (let i = 0; i < fresh.length; i++) expect(fresh[i]).toBeCloseTo(emb[i] as number, 4);
    const similar = svc.similarTracks(1000, 10);
    expect(similar).toHaveLength(10);
    expect(similar.map((s) => s.trackId)).not.toContain(1000);
    const lists = neighborLists(emb, 16, all, all, 10, 1);
    for (let i = 0; i < 5; i++) expect(svc.similarTracks(1000 + i, 10).map((t) => t.trackId - 1000)).toEqual(Array.from(lists[i] as Int32Array));
    expect(() => svc.similarTracks(5, 10)).toThrow(ModelsError);
    expect(await loadContentEmbedding(dir, { exactLimit: 10 }).then((s) => s.indexKind)).toBe('hnsw');
    await expectNoTensorLeak(() => model.embed(x), 'embed');
    model.dispose();
  });

  it('refuses to train without pairs and reports a missing artifact clearly', async () => {
    await expect(trainContentEmbedding({ features: x, featureDim: data.f, pairs: { a: new Int32Array(0), b: new Int32Array(0), weight: new Float32Array(0) }, config: fastConfig({}) })).rejects.toMatchObject({
      code: 'NO_DATA',
    });
    await expect(loadContentEmbedding(join(tmpdir(), 'does-not-exist-ce'))).rejects.toMatchObject({ code: 'ARTIFACT_NOT_FOUND' });
    expect(embeddingSpread(new Float32Array([1, 0, 1, 0, 1, 0]), 2).collapsed).toBe(true);
  });
});

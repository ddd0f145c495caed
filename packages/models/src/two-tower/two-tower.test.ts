import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@tunekit/core';
import { initRuntime } from '@tunekit/runtime';
import { evaluateFullRanking } from '../baselines/full-ranking.eval';
import { buildInteractionMatrix, type InteractionMatrix } from '../baselines/interaction-matrix';
import { mostPopular } from '../baselines/most-popular.model';
import { categoricalColumns, encodeCategorical, fitCategorical } from './feature-matrix';
import { accidentalHitMask, retrievalLoss } from './retrieval.task';
import { loadTwoTower, saveTwoTower, type TwoTowerArtifacts } from './two-tower.artifacts';
import { recommend } from './two-tower.inference';
import { fitTwoTower, vectorScorer } from './two-tower.trainer';
import { concatMemberWeights, towerVectors } from './two-tower.model';

beforeAll(async () => {
  await initRuntime({ backend: 'wasm', log: false });
});

/**
 * Planted taste: each user has a gender g ∈ {a, b} and an age band y ∈ {young, old}; the taste
 * group is 2·g + y, and users play mostly items of their group (popular-within-group first).
 */
function plantedDemographics(seed: number, nUsers = 160, nItems = 80, perUser = 10) {
  const rng = new Rng(seed);
  const groups = 4;
  const size = nItems / groups;
  const gender: string[] = [];
  const age: string[] = [];
  const tu: number[] = [];
  const ti: number[] = [];
  const vu: number[] = [];
  const vi: number[] = [];
  for (let u = 0; u < nUsers; u++) {
    const g = rng.int(2);
    const y = rng.int(2);
    gender.push(g === 0 ? 'a' : 'b');
    age.push(y === 0 ? 'young' : 'old');
    const group = 2 * g + y;
    const chosen = new Set<number>();
    while (chosen.size < perUser) {
      const r = Math.floor(size * rng.next() ** 2);
      chosen.add(rng.next() < 0.9 ? group * size + r : rng.int(nItems));
    }
    [...chosen].forEach((i, k) => (k < perUser - 3 ? (tu.push(u), ti.push(i)) : (vu.push(u), vi.push(i))));
  }
  const train = buildInteractionMatrix(tu, ti, nUsers, nItems);
  const test = buildInteractionMatrix(vu, vi, nUsers, nItems);
  const gv = fitCategorical('gender', gender, 1);
  const av = fitCategorical('age', age, 1);
  const names = [...categoricalColumns(gv), ...categoricalColumns(av)];
  const g1 = encodeCategorical(gv, gender);
  const a1 = encodeCategorical(av, age);
  const w = names.length;
  const values = new Float32Array(nUsers * w);
  for (let u = 0; u < nUsers; u++) {
    values.set(g1.subarray(u * 4, u * 4 + 4), u * w);
    values.set(a1.subarray(u * 4, u * 4 + 4), u * w + 4);
  }
  return { train, test, groupOf: (item: number) => Math.floor(item / size), userFeatures: { names, values }, gender, age, size };
}

describe('retrieval task', () => {
  it('in-batch softmax matches the hand-derived golden', () => {
    // u = c = I₂, τ = 1: logits [[1,0],[0,1]] → loss = −log(e/(e+1)) = log(1 + e⁻¹) ≈ 0.31326
    // τ = 0.5 and logQ = [log 0.5, log 0.25]: row 0 logits [2−log .5, 0−log .25] = [2.693, 1.386]
    //   → −log softmax = log(1 + e^(1.386−2.693)) = 0.2395; row 1 [0.693, 3.386] → log(1+e^(−2.693)) = 0.0656
    const loss = tf.tidy(() => {
      const e = tf.tensor2d([1, 0, 0, 1], [2, 2]);
      const a = retrievalLoss(e, e, { temperature: 1 }).dataSync()[0]!;
      const b = retrievalLoss(e, e, { temperature: 0.5, logQ: Float32Array.of(Math.log(0.5), Math.log(0.25)) }).dataSync()[0]!;
      // accidental hit: candidate 1 is the same item as row 0's positive → row 0 sees only itself
      const c = retrievalLoss(e, e, { temperature: 1, accidentalHits: Uint8Array.of(0, 1, 0, 0) }).dataSync()[0]!;
      return [a, b, c];
    });
    expect(loss[0]).toBeCloseTo(Math.log(1 + Math.exp(-1)), 5);
    expect(loss[1]).toBeCloseTo((Math.log(1 + Math.exp(Math.log(4) - 2 - Math.log(2))) + Math.log(1 + Math.exp(Math.log(2) - 2 - Math.log(4)))) / 2, 4);
    expect(loss[2]).toBeCloseTo(Math.log(1 + Math.exp(-1)) / 2, 5);
  });
  it('finds accidental hits', () => {
    expect(accidentalHitMask(Int32Array.of(7, 8), Int32Array.of(7, 8, 7))).toEqual(Uint8Array.of(0, 0, 1, 0, 0, 0));
    expect(accidentalHitMask(Int32Array.of(7, 8), Int32Array.of(7, 8, 9))).toBeNull();
  });
});

describe('two-tower training', () => {
  const data = plantedDemographics(21);
  const rel = (x: InteractionMatrix) => ({ ptr: x.userPtr, items: x.userItems });
  let dir = '';
  let artifacts: TwoTowerArtifacts;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('learns planted taste: beats most-popular NDCG@10 by a margin, leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const fit = await fitTwoTower({ train: data.train, validation: rel(data.test) }, { dim: 16, batchSize: 64, epochs: 12, patience: 0, embeddingLearningRate: 0.03, learningRate: 0.03, temperature: 0.2, seed: 1 });
    expect(tf.memory().numTensors).toBe(before);
    const pop = evaluateFullRanking(mostPopular(data.train), data.train, rel(data.test)).means['ndcg@10']!;
    const u = towerVectors(fit.weights.userTable, fit.weights.userProj, null, 160, 16);
    const v = towerVectors(fit.weights.itemTable, fit.weights.itemProj, null, 80, 16);
    const tt = evaluateFullRanking(vectorScorer(u, v, 16), data.train, rel(data.test)).means['ndcg@10']!;
    expect(tt).toBeGreaterThan(pop + 0.1);
    expect(fit.bestEpoch).toBeGreaterThan(1);
  });

  it('trains dropped user ids on the cold-start feature rows when given, and checks their shape', async () => {
    // Cold rows equal to the normal rows: training must not change (same rng draws, same inputs).
    const cfg = { dim: 8, batchSize: 64, epochs: 2, patience: 0, userIdDropout: 0.5, seed: 3 };
    const plain = await fitTwoTower({ train: data.train, userFeatures: data.userFeatures }, cfg);
    const same = await fitTwoTower({ train: data.train, userFeatures: data.userFeatures, userColdFeatures: data.userFeatures }, cfg);
    expect(same.weights.userTable).toEqual(plain.weights.userTable);
    // Zeroed cold rows: the dropped rows see other inputs, so the weights differ.
    const zero = await fitTwoTower({ train: data.train, userFeatures: data.userFeatures, userColdFeatures: { names: data.userFeatures.names, values: new Float32Array(data.userFeatures.values.length) } }, cfg);
    expect(zero.weights.userProj).not.toEqual(plain.weights.userProj);
    await expect(fitTwoTower({ train: data.train, userFeatures: data.userFeatures, userColdFeatures: { names: ['x'], values: new Float32Array(160) } }, cfg)).rejects.toThrow(/userColdFeatures must have the shape of userFeatures/);
  });

  it('serves cold-start users from demographics alone and explains its picks (ablation: features vs none)', async () => {
    const fit = await fitTwoTower(
      { train: data.train, userFeatures: data.userFeatures },
      { dim: 16, batchSize: 64, epochs: 12, patience: 0, embeddingLearningRate: 0.03, learningRate: 0.03, temperature: 0.2, userIdDropout: 0.5, seed: 2 },
    );
    dir = mkdtempSync(join(tmpdir(), 'two-tower-'));
    saveTwoTower(dir, {
      itemKind: 'track',
      dim: 16,
      config: fit.config,
      userIds: Array.from({ length: 160 }, (_, u) => `u${u}`),
      itemIds: Array.from({ length: 80 }, (_, i) => `t${i}`),
      userFeatureNames: data.userFeatures.names,
      itemFeatureNames: [],
      weights: fit.weights,
      userFeatures: data.userFeatures.values,
      itemFeatures: new Float32Array(0),
      historyPtr: data.train.userPtr,
      historyItems: data.train.userItems,
    });
    artifacts = loadTwoTower(dir);
    expect(artifacts.weights.userTable).toEqual(fit.weights.userTable);
    // cold start: for each (gender, age) profile, the top 10 should come from the planted group
    let inGroup = 0;
    for (const [g, gi] of [['a', 0], ['b', 1]] as const) {
      for (const [y, yi] of [['young', 0], ['old', 1]] as const) {
        const recs = recommend(artifacts, { userId: 'new-user', features: { [`gender=${g}`]: 1, [`age=${y}`]: 1 } }, 10);
        inGroup += recs.filter((r) => data.groupOf(Number(r.itemId.slice(1))) === 2 * gi + yi).length;
        expect(recs[0]!.explanation.features.some((f) => f.side === 'user')).toBe(true);
      }
    }
    // chance is 25 %; demographics must recover the planted taste
    expect(inGroup / 40).toBeGreaterThan(0.8);
    // ablation: the same model without the features cannot serve the user at all
    expect(() => recommend(artifacts, { userId: 'new-user' }, 10)).toThrow(/features/);
  });

  it('recommends for a known user, excluding history and listed items, with history neighbours', () => {
    const recs = recommend(artifacts, { userId: 'u3' }, 5, { exclude: ['t0'] });
    const seen = new Set(Array.from(data.train.userItems.subarray(data.train.userPtr[3]!, data.train.userPtr[4]!), (i) => `t${i}`));
    expect(recs).toHaveLength(5);
    for (const r of recs) {
      expect(seen.has(r.itemId)).toBe(false);
      expect(r.itemId).not.toBe('t0');
      expect(r.explanation.similarItems.length).toBeGreaterThan(0);
      for (const s of r.explanation.similarItems) expect(seen.has(s.itemId)).toBe(true);
    }
    expect(recs[0]!.score).toBeGreaterThanOrEqual(recs[4]!.score);
    expect(() => recommend(artifacts, { userId: 'u3', features: { nope: 1 } }, 5)).toThrow(/unknown user feature "nope"/);
  });

  it('rejects artifacts of another format', () => {
    expect(() => loadTwoTower(join(dir, 'missing'))).toThrow(/Cannot read/);
  });
});

describe('two-tower seed ensemble', () => {
  const data = plantedDemographics(33);
  const rel = { ptr: data.test.userPtr, items: data.test.userItems };
  let dir = '';
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('an ensemble of 2 scores at least the members\' mean NDCG@10 and round-trips through save/load', async () => {
    const cfg = { dim: 8, batchSize: 64, epochs: 8, patience: 0, embeddingLearningRate: 0.03, learningRate: 0.03, temperature: 0.2 };
    const fits = [await fitTwoTower({ train: data.train }, { ...cfg, seed: 5 }), await fitTwoTower({ train: data.train }, { ...cfg, seed: 1005 })];
    const ndcg = (u: Float32Array, v: Float32Array, dim: number): number => evaluateFullRanking(vectorScorer(u, v, dim), data.train, rel).means['ndcg@10']!;
    const memberU = fits.map((f) => towerVectors(f.weights.userTable, f.weights.userProj, null, 160, 8));
    const memberV = fits.map((f) => towerVectors(f.weights.itemTable, f.weights.itemProj, null, 80, 8));
    const single = fits.map((_, m) => ndcg(memberU[m]!, memberV[m]!, 8));
    const w = concatMemberWeights(fits.map((f) => f.weights), 8);
    const U = towerVectors(w.userTable, w.userProj, null, 160, 16, 2);
    const V = towerVectors(w.itemTable, w.itemProj, null, 80, 16, 2);
    // the concatenated, block-normalised vectors score the mean of the members' cosines
    let dot = 0;
    let mean = 0;
    for (let d = 0; d < 16; d++) dot += U[3 * 16 + d]! * V[7 * 16 + d]!;
    for (let m = 0; m < 2; m++) for (let d = 0; d < 8; d++) mean += (memberU[m]![3 * 8 + d]! * memberV[m]![7 * 8 + d]!) / 2;
    expect(dot).toBeCloseTo(mean, 5);
    const ens = ndcg(U, V, 16);
    expect(ens).toBeGreaterThanOrEqual((single[0]! + single[1]!) / 2);
    expect(ens).toBeGreaterThan(evaluateFullRanking(mostPopular(data.train), data.train, rel).means['ndcg@10']! + 0.1);

    dir = mkdtempSync(join(tmpdir(), 'two-tower-ens-'));
    saveTwoTower(dir, {
      itemKind: 'track',
      dim: 16,
      members: 2,
      config: { ...fits[0]!.config, ensemble: 2 },
      userIds: Array.from({ length: 160 }, (_, u) => `u${u}`),
      itemIds: Array.from({ length: 80 }, (_, i) => `t${i}`),
      userFeatureNames: [],
      itemFeatureNames: [],
      weights: w,
      userFeatures: new Float32Array(0),
      itemFeatures: new Float32Array(0),
      historyPtr: data.train.userPtr,
      historyItems: data.train.userItems,
    });
    const loaded = loadTwoTower(dir);
    expect(loaded.members).toBe(2);
    expect(loaded.weights.itemTable).toEqual(w.itemTable);
    // recommend() from the loaded artifacts ranks exactly as the ensemble scorer, and the id term
    // of the explanation is the whole score (no side features)
    const recs = recommend(loaded, { userId: 'u3' }, 5, { topFeatures: 5 });
    const scorer = vectorScorer(U, V, 16);
    const row = new Float32Array(80);
    scorer.scoreUser(3, row);
    for (const r of recs) {
      expect(r.score).toBeCloseTo(row[Number(r.itemId.slice(1))]!, 5);
      const id = r.explanation.features.find((f) => f.name === 'item id');
      if (r.score > 0) expect(id?.contribution).toBeCloseTo(r.score, 5);
    }
    expect(() => towerVectors(w.userTable, w.userProj, null, 160, 16, 3)).toThrow(/multiple/);
  });
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@tunekit/core';
import { expectNoTensorLeak, initRuntime } from '@tunekit/runtime';
import { evaluateFullRanking } from '../baselines/full-ranking.eval';
import { buildInteractionMatrix, type InteractionMatrix } from '../baselines/interaction-matrix';
import { mostPopular } from '../baselines/most-popular.model';
import { encodeEntity, type EntityFeature } from './entity-feature';
import { categoricalColumns, encodeCategorical } from './feature-matrix';
import { loadTwoTower, saveTwoTower, type TwoTowerArtifacts } from './two-tower.artifacts';
import { twoTowerConfigSchema, type TwoTowerConfig } from './two-tower.config';
import { artifactVectors, recommend } from './two-tower.inference';
import { concatMemberWeights, towerVectors, TwoTowerModel, type TwoTowerWeights } from './two-tower.model';
import { fitTwoTower, vectorScorer, type TwoTowerData } from './two-tower.trainer';
import { trainStep } from '@tunekit/runtime';
import { retrievalLoss } from './retrieval.task';

beforeAll(async () => {
  await initRuntime({ backend: 'wasm', log: false });
});

/**
 * Planted non-linear taste: users have an age band a ∈ {0..3} and a gender g ∈ {0, 1}; they play
 * mostly items of group parity(a) XOR g (2 groups). Under a linear tower the preference between an
 * item of group 0 and one of group 1 is c + α_a + γ_g, additive in age and gender, so no linear
 * projection of the one-hots can order all eight profiles (XOR is not linearly separable: it gets
 * at most 3 of each 4 (parity, gender) cells right); an MLP can.
 */
function xorTaste(seed: number, nUsers: number, nItems = 60, perUser = 10) {
  const rng = new Rng(seed);
  const half = nItems / 2;
  const age: string[] = [];
  const gender: string[] = [];
  const groupOfUser = new Int32Array(nUsers);
  const tu: number[] = [];
  const ti: number[] = [];
  const vu: number[] = [];
  const vi: number[] = [];
  for (let u = 0; u < nUsers; u++) {
    const a = rng.int(4);
    const g = rng.int(2);
    age.push(`band${a}`);
    gender.push(g === 0 ? 'f' : 'm');
    const group = (a % 2) ^ g;
    groupOfUser[u] = group;
    const chosen = new Set<number>();
    while (chosen.size < perUser) chosen.add(rng.next() < 0.9 ? group * half + Math.floor(half * rng.next() ** 1.5) : rng.int(nItems));
    [...chosen].forEach((i, k) => (k < perUser - 3 ? (tu.push(u), ti.push(i)) : (vu.push(u), vi.push(i))));
  }
  // fixed vocabularies, so warm and cold users share the column layout
  const av = { feature: 'age', categories: ['band0', 'band1', 'band2', 'band3'] };
  const gv = { feature: 'gender', categories: ['f', 'm'] };
  const a1 = encodeCategorical(av, age);
  const g1 = encodeCategorical(gv, gender);
  const wa = av.categories.length + 2;
  const wg = gv.categories.length + 2;
  const names = [...categoricalColumns(av), ...categoricalColumns(gv)];
  const values = new Float32Array(nUsers * names.length);
  for (let u = 0; u < nUsers; u++) {
    values.set(a1.subarray(u * wa, (u + 1) * wa), u * names.length);
    values.set(g1.subarray(u * wg, (u + 1) * wg), u * names.length + wa);
  }
  return {
    train: buildInteractionMatrix(tu, ti, nUsers, nItems),
    heldOut: buildInteractionMatrix(vu, vi, nUsers, nItems),
    /** every play (what a cold user's list is judged against) */
    all: buildInteractionMatrix([...tu, ...vu], [...ti, ...vi], nUsers, nItems),
    userFeatures: { names, values },
    groupOfUser,
    half,
    nItems,
  };
}

const rel = (x: InteractionMatrix) => ({ ptr: x.userPtr, items: x.userItems });

describe('two-tower MLP towers: learning with planted structure', () => {
  // 600 training users (with ids, half of them dropped to "unknown" in training) and 300 new
  // users served cold: unknown id row + their demographics only.
  const warm = xorTaste(5, 600);
  const cold = xorTaste(6, 300);
  const noHistory = buildInteractionMatrix([], [], 300, 60);
  const base = { dim: 16, batchSize: 128, epochs: 12, patience: 0, embeddingLearningRate: 0.02, learningRate: 0.01, temperature: 0.2, userIdDropout: 0.5, seed: 3 } as const;

  /** NDCG@10 and in-group precision@10 of cold users served from features only. */
  function coldScores(w: TwoTowerWeights): { ndcg: number; inGroup: number } {
    const n = 300;
    const U = towerVectors(w, 'user', { features: cold.userFeatures.values, idRows: new Int32Array(n).fill(600) }, n, 16);
    const V = towerVectors(w, 'item', { features: null }, warm.nItems, 16);
    const r = evaluateFullRanking(vectorScorer(U, V, 16), noHistory, rel(cold.all));
    let hits = 0;
    for (let t = 0; t < r.users.length; t++) {
      const u = r.users[t]!;
      for (let j = 0; j < 10; j++) if (Math.floor(r.lists[t * r.listLength + j]! / cold.half) === cold.groupOfUser[u]) hits++;
    }
    return { ndcg: r.means['ndcg@10']!, inGroup: hits / (10 * r.users.length) };
  }

  it('an MLP user tower learns the age × gender interaction a linear tower cannot represent, served cold', async () => {
    const data: TwoTowerData = { train: warm.train, userFeatures: warm.userFeatures };
    const linear = await fitTwoTower(data, base);
    const mlp = await fitTwoTower(data, { ...base, hidden: [32] });
    const lin = coldScores(linear.weights);
    const deep = coldScores(mlp.weights);
    const pop = evaluateFullRanking(mostPopular(warm.train), noHistory, rel(cold.all)).means['ndcg@10']!;
    console.log(`cold-start NDCG@10: most-popular ${pop.toFixed(4)}, linear ${lin.ndcg.toFixed(4)} (in-group ${lin.inGroup.toFixed(3)}), MLP ${deep.ndcg.toFixed(4)} (in-group ${deep.inGroup.toFixed(3)})`);
    // measured (seeded): most-popular 0.273, linear 0.303 (in-group 0.62), MLP 0.445 (in-group 1.00).
    // The linear tower is bounded by the model class: it orders at most 3 of the 4 (parity, gender)
    // cells right, so its in-group share stays near 0.75 however long it trains; the MLP finds all.
    expect(lin.inGroup).toBeLessThan(0.8);
    expect(deep.inGroup).toBeGreaterThan(0.95);
    expect(deep.ndcg).toBeGreaterThan(lin.ndcg + 0.08);
    expect(deep.ndcg).toBeGreaterThan(pop + 0.1);
  });
});

/** The XOR users plus item entities (artist, 11 known + unknown), item features and a user entity. */
function richData(seed: number, nUsers = 200) {
  const x = xorTaste(seed, nUsers);
  const rng = new Rng(seed + 1);
  const artist = Int32Array.from({ length: x.nItems }, (_, i) => (i < 55 ? Math.floor(i / 5) : -1));
  const itemEntities: EntityFeature[] = [{ name: 'artist', ids: artist, cardinality: 11, values: Array.from({ length: 11 }, (_, k) => `artist${k}`) }];
  const decade = new Float32Array(x.nItems * 3);
  for (let i = 0; i < x.nItems; i++) decade[i * 3 + rng.int(3)] = 1;
  const country = encodeEntity('country', Array.from({ length: nUsers }, () => (rng.next() < 0.1 ? null : `c${rng.int(3)}`)));
  const data: TwoTowerData = {
    train: x.train,
    validation: rel(x.heldOut),
    userFeatures: x.userFeatures,
    itemFeatures: { names: ['decade=70s', 'decade=80s', 'decade=90s'], values: decade },
    userEntities: [country],
    itemEntities,
  };
  return { x, data };
}

const mlpConfig: Partial<TwoTowerConfig> = { dim: 8, batchSize: 96, epochs: 4, patience: 0, embeddingLearningRate: 0.02, learningRate: 0.01, temperature: 0.2, userIdDropout: 0.3, hidden: [12], dropout: 0.1, entityDropout: 0.1, seed: 9 };

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k]! - b[k]!));
  return m;
}

describe('two-tower MLP towers: inference, artifacts, hygiene', () => {
  const { x, data } = richData(41);
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('config: batch-norm defaults on with hidden layers; hidden [] stays the linear projection', () => {
    const cfg = twoTowerConfigSchema.parse({ hidden: [64] });
    expect(cfg.batchNorm).toBeUndefined(); // resolved as hidden.length > 0 by the model
    expect(twoTowerConfigSchema.parse({}).hidden).toEqual([]);
    expect(() => twoTowerConfigSchema.parse({ hidden: [0] })).toThrow();
    const m = new TwoTowerModel({ nUsers: 3, nItems: 2, userFeatures: { names: ['a'], values: Float32Array.of(1, 0, 1) } }, { dim: 4, initScale: 0.05, embeddingLearningRate: 0.01, seed: 1, hidden: [5] });
    expect(m.userProj).toBeNull();
    const w = m.weights();
    expect(w.userMlp?.[0]?.hidden[0]?.batchNorm).toBeDefined();
    expect(w.userMlp?.[0]?.hidden[0]?.bias).toHaveLength(0); // β replaces the bias before batch-norm
    m.dispose();
  });

  it('plain-TS towers equal the tfjs training graph (batch statistics) and inference mode to 1e-4, BN and entities included', () => {
    const before = tf.memory().numTensors;
    const rng = new Rng(3);
    const nU = 40;
    const nI = 30;
    const uf = Float32Array.from({ length: nU * 5 }, () => rng.normal());
    const itf = Float32Array.from({ length: nI * 4 }, () => rng.normal());
    const country: EntityFeature = { name: 'country', ids: Int32Array.from({ length: nU }, (_, u) => (u % 5 === 0 ? -1 : u % 3)), cardinality: 3 };
    const artist: EntityFeature = { name: 'artist', ids: Int32Array.from({ length: nI }, (_, i) => i % 7), cardinality: 7 };
    const model = new TwoTowerModel(
      { nUsers: nU, nItems: nI, userFeatures: { names: ['a', 'b', 'c', 'd', 'e'], values: uf }, itemFeatures: { names: ['p', 'q', 'r', 's'], values: itf }, userEntities: [country], itemEntities: [artist] },
      { dim: 8, initScale: 0.05, embeddingLearningRate: 0.05, seed: 1, hidden: [12, 6], batchNormMomentum: 0, dropout: 0 },
    );
    const opt = tf.train.adam(0.05);
    const users = Int32Array.from({ length: nU }, (_, k) => k);
    const items = Int32Array.from({ length: nI }, (_, k) => k);
    const labels = Int32Array.from(users, (u) => u % nI);
    // a few steps so kernels, γ and β move away from their initial values
    for (let s = 0; s < 6; s++) {
      const ub = model.userEmb.batch(users);
      const ib = model.itemEmb.batch(items);
      const ue = model.entityBatches('user', users, 0, rng);
      const ie = model.entityBatches('item', items, 0, rng);
      trainStep(opt, () => retrievalLoss(model.tower('user', ub, users, ue), model.tower('item', ib, items, ie), { temperature: 0.2, labels }), { sparse: [ub, ib, ...ue, ...ie], varList: model.denseVariables() });
      model.commitStats();
    }
    for (const [side, rows, inputs] of [
      ['user', users, { features: uf, entityIds: [country.ids] }],
      ['item', items, { features: itf, entityIds: [artist.ids] }],
    ] as const) {
      // full-batch training-mode forward; with momentum 0 its batch statistics become the moving ones
      const idb = (side === 'user' ? model.userEmb : model.itemEmb).batch(rows);
      const eb = model.entityBatches(side, rows, 0, rng);
      const t = tf.tidy(() => model.tower(side, idb, rows, eb));
      const trainingGraph = t.dataSync() as Float32Array;
      t.dispose();
      idb.dispose();
      for (const b of eb) b.dispose();
      model.commitStats();
      const w = model.weights();
      const bn = (side === 'user' ? w.userMlp : w.itemMlp)![0]!.hidden[0]!.batchNorm!;
      expect(bn.movingVariance.some((v) => Math.abs(v - 1) > 0.05)).toBe(true);
      expect(bn.gamma.some((g) => Math.abs(g - 1) > 1e-3)).toBe(true);
      const ts = towerVectors(w, side, inputs, rows.length, 8);
      expect(maxAbsDiff(ts, trainingGraph)).toBeLessThan(1e-4);
      expect(maxAbsDiff(ts, model.inferenceVectors(side))).toBeLessThan(1e-4);
    }
    model.dispose();
    opt.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('best-weights restore brings back batch-norm moving statistics and entity tables', () => {
    const model = new TwoTowerModel({ nUsers: x.train.nUsers, nItems: x.nItems, userFeatures: data.userFeatures!, itemEntities: data.itemEntities! }, { dim: 8, initScale: 0.05, embeddingLearningRate: 0.05, seed: 2, hidden: [6] });
    const opt = tf.train.adam(0.05);
    const rng = new Rng(1);
    const step = (): void => {
      const users = Int32Array.from({ length: 64 }, () => rng.int(x.train.nUsers));
      const items = Int32Array.from({ length: 64 }, () => rng.int(x.nItems));
      const ub = model.userEmb.batch(users);
      const ib = model.itemEmb.batch(items);
      const ie = model.entityBatches('item', items, 0, rng);
      trainStep(opt, () => retrievalLoss(model.tower('user', ub, users), model.tower('item', ib, items, ie), { temperature: 0.2 }), { sparse: [ub, ib, ...ie], varList: model.denseVariables() });
      model.commitStats();
    };
    step();
    const saved = model.weights();
    for (let s = 0; s < 3; s++) step();
    const moved = model.weights();
    expect(moved.userMlp![0]!.hidden[0]!.batchNorm!.movingMean).not.toEqual(saved.userMlp![0]!.hidden[0]!.batchNorm!.movingMean);
    expect(moved.itemEntityTables![0]).not.toEqual(saved.itemEntityTables![0]);
    model.setWeights(saved);
    expect(model.weights()).toEqual(saved);
    expect(() => model.setWeights(concatMemberWeights([saved, saved], 8))).toThrow(/one feature MLP/);
    model.dispose();
    opt.dispose();
  });

  let fit: Awaited<ReturnType<typeof fitTwoTower>>;
  it('trains MLP towers with entities, dropout and batch-norm without leaking tensors; checkpoints carry the new weights', async () => {
    const checkpoints: { epoch: number; w: TwoTowerWeights }[] = [];
    fit = await expectNoTensorLeak(() => fitTwoTower(data, mlpConfig, { onCheckpoint: (epoch, w) => void checkpoints.push({ epoch, w }) }), 'fitTwoTower (MLP + entities)');
    const last = checkpoints.at(-1)!;
    expect(last.epoch).toBe(fit.bestEpoch);
    expect(last.w.userMlp?.[0]?.hidden[0]?.batchNorm?.movingVariance.length).toBe(12);
    expect(last.w.itemEntityTables?.[0]).toHaveLength(12 * 8);
    expect(last.w.userEntityTables?.[0]).toHaveLength((data.userEntities![0]!.cardinality + 1) * 8);
    // the returned weights are the best epoch's, moving statistics included
    expect(fit.weights).toEqual(last.w);
    expect(Number.isFinite(fit.bestValNdcg)).toBe(true);
  });

  it('is deterministic for a seed (dropout, entity dropout and batch-norm included) and differs across seeds', async () => {
    const again = await fitTwoTower(data, mlpConfig);
    expect(again.weights).toEqual(fit.weights);
    expect(again.history.map((h) => h.loss)).toEqual(fit.history.map((h) => h.loss));
    const other = await fitTwoTower(data, { ...mlpConfig, seed: 10 });
    expect(other.weights.userMlp![0]!.output.kernel).not.toEqual(fit.weights.userMlp![0]!.output.kernel);
  });

  function artifactsOf(w: TwoTowerWeights, dim: number, members = 1): TwoTowerArtifacts {
    return {
      itemKind: 'track',
      dim,
      ...(members > 1 ? { members } : {}),
      config: fit.config,
      userIds: Array.from({ length: x.train.nUsers }, (_, u) => `u${u}`),
      itemIds: Array.from({ length: x.nItems }, (_, i) => `t${i}`),
      userFeatureNames: data.userFeatures!.names,
      itemFeatureNames: data.itemFeatures!.names,
      weights: w,
      userFeatures: data.userFeatures!.values,
      itemFeatures: data.itemFeatures!.values,
      historyPtr: x.train.userPtr,
      historyItems: x.train.userItems,
      userEntities: data.userEntities!,
      itemEntities: data.itemEntities!,
    };
  }

  it('saves and loads MLP + entity artifacts (format 2); recommend() scores as the towers and labels its attributions', () => {
    const dir = mkdtempSync(join(tmpdir(), 'two-tower-mlp-'));
    dirs.push(dir);
    saveTwoTower(dir, artifactsOf(fit.weights, 8));
    expect(JSON.parse(readFileSync(join(dir, 'two-tower.json'), 'utf8')).format).toBe('tunekit-two-tower/2');
    const a = loadTwoTower(dir);
    expect(a.weights).toEqual(fit.weights);
    expect(a.itemEntities?.[0]?.ids).toEqual(data.itemEntities![0]!.ids);
    expect(a.userEntities?.[0]?.values).toEqual(data.userEntities![0]!.values);
    const U = towerVectors(a.weights, 'user', { features: a.userFeatures, entityIds: [a.userEntities![0]!.ids] }, x.train.nUsers, 8);
    const V = towerVectors(a.weights, 'item', { features: a.itemFeatures, entityIds: [a.itemEntities![0]!.ids] }, x.nItems, 8);
    expect(artifactVectors(a, 'user')).toEqual(U);
    expect(artifactVectors(a, 'item')).toEqual(V);
    const row = new Float32Array(x.nItems);
    vectorScorer(U, V, 8).scoreUser(7, row);
    const recs = recommend(a, { userId: 'u7' }, 5, { topFeatures: 20 });
    for (const r of recs) {
      expect(r.score).toBeCloseTo(row[Number(r.itemId.slice(1))]!, 5);
      for (const f of r.explanation.features) {
        expect(f.method).toBe(f.name.startsWith('age=') || f.name.startsWith('gender=') || f.name.startsWith('decade=') ? 'occlusion' : 'exact');
        expect(f.contribution).toBeGreaterThan(0);
      }
    }
    // occlusion is what it says: the score drop when the feature is set to its training mean
    // (the first user whose top 5 has a positive user-side occlusion term)
    let user = -1;
    let found: { r: (typeof recs)[number]; f: (typeof recs)[number]['explanation']['features'][number] } | undefined;
    while (!found && ++user < 50) {
      found = recommend(a, { userId: `u${user}` }, 5, { topFeatures: 20 })
        .flatMap((r) => r.explanation.features.filter((f) => f.side === 'user' && f.method === 'occlusion').map((f) => ({ r, f })))
        .at(0);
    }
    expect(found).toBeDefined();
    const { r, f } = found!;
    const fu = a.userFeatureNames.length;
    const c = a.userFeatureNames.indexOf(f.name);
    const occluded = a.userFeatures.slice(user * fu, (user + 1) * fu);
    let mean = 0;
    for (let u = 0; u < x.train.nUsers; u++) mean += a.userFeatures[u * fu + c]! / x.train.nUsers;
    occluded[c] = mean;
    const uo = towerVectors(a.weights, 'user', { features: occluded, entityIds: [Int32Array.of(a.userEntities![0]!.ids[user]!)], idRows: Int32Array.of(user) }, 1, 8);
    const i = Number(r.itemId.slice(1));
    let s = 0;
    for (let d = 0; d < 8; d++) s += uo[d]! * V[i * 8 + d]!;
    expect(f.contribution).toBeCloseTo(r.score - s, 4);
    // cold start with demographics and an entity value; unknown names are rejected
    const coldRecs = recommend(a, { features: { 'age=band1': 1, 'gender=f': 1 }, entities: { country: 'c2' } }, 3);
    expect(coldRecs).toHaveLength(3);
    expect(() => recommend(a, { entities: { planet: 'mars' } }, 3)).toThrow(/unknown user entity "planet"/);
  });

  it('seed ensembles of MLP towers: members side by side score the mean of their cosines, through save/load', async () => {
    const second = await fitTwoTower(data, { ...mlpConfig, seed: 1009 });
    const w = concatMemberWeights([fit.weights, second.weights], 8);
    expect(w.userMlp).toHaveLength(2);
    const inputs = (side: 'user' | 'item') => (side === 'user' ? { features: data.userFeatures!.values, entityIds: [data.userEntities![0]!.ids] } : { features: data.itemFeatures!.values, entityIds: [data.itemEntities![0]!.ids] });
    const U = towerVectors(w, 'user', inputs('user'), x.train.nUsers, 16, 2);
    const V = towerVectors(w, 'item', inputs('item'), x.nItems, 16, 2);
    const member = (m: TwoTowerWeights, side: 'user' | 'item', n: number) => towerVectors(m, side, inputs(side), n, 8);
    const mu = [member(fit.weights, 'user', x.train.nUsers), member(second.weights, 'user', x.train.nUsers)];
    const mv = [member(fit.weights, 'item', x.nItems), member(second.weights, 'item', x.nItems)];
    let dot = 0;
    let mean = 0;
    for (let d = 0; d < 16; d++) dot += U[5 * 16 + d]! * V[9 * 16 + d]!;
    for (let m = 0; m < 2; m++) for (let d = 0; d < 8; d++) mean += (mu[m]![5 * 8 + d]! * mv[m]![9 * 8 + d]!) / 2;
    expect(dot).toBeCloseTo(mean, 5);
    expect(() => towerVectors(w, 'user', inputs('user'), x.train.nUsers, 16, 1)).toThrow(/members/);
    const dir = mkdtempSync(join(tmpdir(), 'two-tower-mlp-ens-'));
    dirs.push(dir);
    saveTwoTower(dir, artifactsOf(w, 16, 2));
    const a = loadTwoTower(dir);
    const row = new Float32Array(x.nItems);
    vectorScorer(U, V, 16).scoreUser(5, row);
    for (const r of recommend(a, { userId: 'u5' }, 4)) expect(r.score).toBeCloseTo(row[Number(r.itemId.slice(1))]!, 5);
  });

  it('linear models still save as format 1 and load without MLP fields', async () => {
    const lin = await fitTwoTower({ train: x.train, userFeatures: data.userFeatures! }, { dim: 8, epochs: 1, batchSize: 128, seed: 1 });
    const dir = mkdtempSync(join(tmpdir(), 'two-tower-lin-'));
    dirs.push(dir);
    const { userEntities: _u, itemEntities: _i, ...plain } = artifactsOf(lin.weights, 8);
    saveTwoTower(dir, { ...plain, itemFeatureNames: [], itemFeatures: new Float32Array(0) });
    expect(JSON.parse(readFileSync(join(dir, 'two-tower.json'), 'utf8')).format).toBe('tunekit-two-tower/1');
    const a = loadTwoTower(dir);
    expect(a.weights.userMlp).toBeUndefined();
    expect(a.userEntities).toBeUndefined();
    expect(recommend(a, { userId: 'u1' }, 3)[0]!.explanation.features.every((f) => f.method === 'exact')).toBe(true);
  });
});

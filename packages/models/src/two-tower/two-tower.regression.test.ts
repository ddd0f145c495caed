import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@tunekit/core';
import { initRuntime } from '@tunekit/runtime';
import { buildInteractionMatrix } from '../baselines/interaction-matrix';
import { fitTwoTower } from './two-tower.trainer';

beforeAll(async () => {
  await initRuntime({ backend: 'wasm', log: false });
});

/** Small fixed data set with user and item side features (every linear-path branch is used). */
function fixture() {
  const rng = new Rng(99);
  const nUsers = 60;
  const nItems = 40;
  const tu: number[] = [];
  const ti: number[] = [];
  const vu: number[] = [];
  const vi: number[] = [];
  const userValues = new Float32Array(nUsers * 3);
  const itemValues = new Float32Array(nItems * 4);
  for (let i = 0; i < nItems; i++) {
    itemValues[i * 4 + (i % 3)] = 1;
    itemValues[i * 4 + 3] = (i - 20) / 20;
  }
  for (let u = 0; u < nUsers; u++) {
    const g = u % 3;
    userValues[u * 3 + g] = 1;
    const chosen = new Set<number>();
    while (chosen.size < 8) chosen.add(rng.next() < 0.8 ? 3 * rng.int(13) + g : rng.int(nItems));
    [...chosen].forEach((i, k) => (k < 6 ? (tu.push(u), ti.push(i)) : (vu.push(u), vi.push(i))));
  }
  const train = buildInteractionMatrix(tu, ti, nUsers, nItems);
  const val = buildInteractionMatrix(vu, vi, nUsers, nItems);
  return {
    train,
    validation: { ptr: val.userPtr, items: val.userItems },
    userFeatures: { names: ['g=0', 'g=1', 'g=2'], values: userValues },
    itemFeatures: { names: ['c=0', 'c=1', 'c=2', 'x'], values: itemValues },
  };
}

const sum = (a: Float32Array): number => a.reduce((s, x) => s + x, 0);
const sumSq = (a: Float32Array): number => a.reduce((s, x) => s + x * x, 0);

describe('two-tower linear path regression', () => {
  it('produces the same weights for the same seed as before the MLP towers were added', async () => {
    const fit = await fitTwoTower(fixture(), {
      dim: 8,
      batchSize: 48,
      epochs: 4,
      patience: 0,
      embeddingLearningRate: 0.02,
      learningRate: 0.02,
      temperature: 0.2,
      userIdDropout: 0.3,
      itemIdDropout: 0.2,
      extraNegatives: 4,
      seed: 11,
    });
    const w = fit.weights;
    const got = {
      bestEpoch: fit.bestEpoch,
      losses: fit.history.map((h) => h.loss),
      userTable: [sum(w.userTable), sumSq(w.userTable), w.userTable[5]!, w.userTable[w.userTable.length - 3]!],
      itemTable: [sum(w.itemTable), sumSq(w.itemTable), w.itemTable[7]!, w.itemTable[w.itemTable.length - 2]!],
      userProj: [sum(w.userProj), sumSq(w.userProj), w.userProj[3]!],
      itemProj: [sum(w.itemProj), sumSq(w.itemProj), w.itemProj[9]!],
    };
    // Computed with the linear-only code (commit d6de2a0) before the MLP towers were added; a change
    // in any random stream, initialiser, update or the restore would move these by ≫ 1e-4.
    const before = {
      bestEpoch: 1,
      losses: [3.420235574245453, 2.9805648922920227, 2.807819575071335, 2.7990560829639435],
      userTable: [-1.5967947904064204, 1.0828031256722375, 0.057047039270401, 0.02883232943713665],
      itemTable: [-2.0724103531392757, 0.8433283857149126, -0.04820861294865608, -0.00019337632693350315],
      userProj: [-0.755459988489747, 0.2284420556043204, -0.0317414328455925],
      itemProj: [-0.3189201299101114, 0.33201154494311264, -0.1522277444601059],
    };
    expect(got.bestEpoch).toBe(before.bestEpoch);
    for (const key of ['losses', 'userTable', 'itemTable', 'userProj', 'itemProj'] as const) {
      expect(got[key]).toHaveLength(before[key].length);
      got[key].forEach((v, k) => expect(v, `${key}[${k}]`).toBeCloseTo(before[key][k]!, 4));
    }
    // the weights carry nothing beyond the linear model
    expect(w.userMlp).toBeUndefined();
    expect(w.itemMlp).toBeUndefined();
  });
});

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initRuntime } from '../backend/init-runtime';
import type { BackendKind } from '../backend/init-runtime';
import { expectNoTensorLeak } from '../testing/expect-no-tensor-leak';
import { trainStep } from '../training/train-step';
import { SparseEmbedding } from './sparse-embedding.layer';

const ids = Int32Array.from([4, 1, 4, 7]);
const target = tf.tidy(() => tf.keep(tf.tensor2d([[1, 0], [0, 1], [1, 0], [-1, -1]])));

/** loss = Σ (E[ids] − target)² ; d/dE[r] = 2 Σ_{i: ids_i = r} (E[r] − target_i). */
function expectedSgd(table: Float32Array, dim: number, lr: number): Float32Array {
  const out = new Float32Array(table);
  const t = target.dataSync();
  ids.forEach((r, i) => {
    for (let j = 0; j < dim; j++) out[r * dim + j]! -= lr * 2 * ((table[r * dim + j] as number) - (t[i * dim + j] as number));
  });
  return out;
}

beforeAll(async () => {
  await initRuntime({ backend: 'wasm', log: false });
});

describe('SparseEmbedding', () => {
  for (const kind of ['wasm', 'cpu'] as BackendKind[]) {
    it(`an SGD step on ${kind} updates exactly the gathered rows by the hand-derived gradient`, async () => {
      await initRuntime({ backend: kind, log: false });
      const emb = new SparseEmbedding({ numRows: 10, dim: 2, seed: 5, optimizer: { kind: 'sgd', learningRate: 0.1 } });
      const before = emb.table.dataSync().slice() as Float32Array;
      const opt = tf.train.sgd(0.1);
      const batch = emb.batch(ids);
      expect(Array.from(batch.uniqueIds)).toEqual([4, 1, 7]);
      const loss = trainStep(opt, () => tf.sum(tf.square(tf.sub(batch.vectors(), target))), { sparse: [batch] });
      expect(loss).toBeGreaterThan(0);
      const after = emb.table.dataSync();
      const want = expectedSgd(before, 2, 0.1);
      want.forEach((w, i) => expect(after[i]).toBeCloseTo(w, 5));
      expect(after[0]).toBe(before[0]); // row 0 untouched
      emb.dispose();
      opt.dispose();
    });
  }

  it('lazy Adam learns the targets, trains dense variables alongside, and leaks no tensors', async () => {
    await initRuntime({ backend: 'wasm', log: false });
    const emb = new SparseEmbedding({ numRows: 100_000, dim: 2, seed: 9, optimizer: { kind: 'adam', learningRate: 0.05 } });
    const scale = tf.variable(tf.scalar(0.5), true, 'sparse_test_scale');
    const opt = tf.train.adam(0.05);
    const step = (): number => {
      const batch = emb.batch(ids);
      return trainStep(opt, () => tf.sum(tf.square(tf.sub(tf.mul(batch.vectors(), scale), target))), { sparse: [batch] });
    };
    const first = step();
    await expectNoTensorLeak(step, 'sparse step');
    let last = first;
    for (let i = 0; i < 150; i++) last = step();
    expect(last).toBeLessThan(first * 0.05);
    expect(scale.dataSync()[0]).not.toBe(0.5);
    emb.dispose();
    scale.dispose();
    opt.dispose();
  });

  it('rejects ids out of range with their position', () => {
    const emb = new SparseEmbedding({ numRows: 3, dim: 2, seed: 1 });
    expect(() => emb.batch([0, 3])).toThrow(/id 3 at position 1/);
    expect(() => new SparseEmbedding({ numRows: 0, dim: 2, seed: 1 })).toThrow(/positive integer/);
    emb.dispose();
  });
});

describe('expectNoTensorLeak', () => {
  it('throws TENSOR_LEAK when a step keeps a tensor', async () => {
    let kept: tf.Tensor | undefined;
    await expect(expectNoTensorLeak(() => { kept = tf.ones([2]); }, 'leaky')).rejects.toMatchObject({ code: 'TENSOR_LEAK' });
    kept?.dispose();
  });
});

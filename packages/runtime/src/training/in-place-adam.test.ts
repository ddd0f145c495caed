import * as tf from '@tensorflow/tfjs';
import { Rng } from '@tunekit/core';
import { describe, expect, it } from 'vitest';
import { initRuntime } from '../backend/init-runtime';
import type { BackendKind } from '../backend/init-runtime';
import { batchNormTraining } from '../ops/batch-norm.op';
import { expectNoTensorLeak } from '../testing/expect-no-tensor-leak';
import { InPlaceAdam } from './in-place-adam.optimizer';
import { trainStep } from './train-step';

function seeded(seed: number, n: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}

/** Trains a tiny dense+BN regressor with `opt` for `steps` steps; returns the final weights. */
function train(opt: tf.Optimizer, steps: number, tag: string): Float32Array[] {
  const w = tf.variable(tf.tensor2d(seeded(1, 12), [4, 3]), true, `${tag}_w`);
  const gamma = tf.variable(tf.ones([3]), true, `${tag}_gamma`);
  const beta = tf.variable(tf.zeros([3]), true, `${tag}_beta`);
  const x = tf.tensor2d(seeded(2, 32), [8, 4]);
  const y = tf.tensor2d(seeded(3, 24), [8, 3]);
  for (let i = 0; i < steps; i++) {
    trainStep(opt, () => tf.mean(tf.squaredDifference(batchNormTraining(tf.matMul(x, w) as tf.Tensor2D, gamma as tf.Tensor1D, beta as tf.Tensor1D), y)), { varList: [w, gamma, beta] });
  }
  const out = [w, gamma, beta].map((v) => v.dataSync().slice() as Float32Array);
  tf.dispose([w, gamma, beta, x, y]);
  return out;
}

describe('InPlaceAdam', () => {
  for (const kind of ['wasm', 'cpu'] as BackendKind[]) {
    it(`follows tf.train.adam step for step on ${kind} (so in-place writes reach every later matMul)`, async () => {
      await initRuntime({ backend: kind, log: false });
      const ours = new InPlaceAdam({ learningRate: 0.05 });
      const ref = tf.train.adam(0.05);
      const a = train(ours, 25, `ours_${kind}`);
      const b = train(ref, 25, `ref_${kind}`);
      a.forEach((arr, i) => arr.forEach((v, j) => expect(v).toBeCloseTo(b[i]![j]!, 4)));
      // Weights moved: the comparison is not between two untouched initialisations.
      expect(Math.abs(a[0]![0]! - seeded(1, 1)[0]!)).toBeGreaterThan(0.1);
      ours.dispose();
      ref.dispose();
    });
  }

  it('invalidates the XNNPACK packed-weights cache on wasm after an in-place write', async () => {
    await initRuntime({ backend: 'wasm', log: false });
    const w = tf.variable(tf.ones([3, 2]), true, 'cache_w');
    const x = tf.ones([2, 3]);
    tf.matMul(x, w).dispose(); // packs w into a cached operator
    const opt = new InPlaceAdam({ learningRate: 0.5 });
    trainStep(opt, () => tf.sum(tf.matMul(x, w)), { varList: [w] });
    const expected = tf.tidy(() => tf.sum(tf.mul(x.slice([0, 0], [1, 3]).reshape([3, 1]), w.dataSync()[0]!)).dataSync()[0]!);
    const got = tf.tidy(() => tf.matMul(x, w).dataSync()[0]!);
    expect(w.dataSync()[0]).toBeCloseTo(0.5, 5);
    expect(got).toBeCloseTo(expected, 5);
    await expectNoTensorLeak(() => trainStep(opt, () => tf.sum(tf.matMul(x, w)), { varList: [w] }), 'in-place adam step');
    tf.dispose([w, x]);
    opt.dispose();
  });

  it('rejects a bad learning rate', () => {
    expect(() => new InPlaceAdam({ learningRate: 0 })).toThrow(/learningRate must be > 0/);
  });
});

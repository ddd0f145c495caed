import * as tf from '@tensorflow/tfjs';
import { Rng } from '@tunekit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { InPlaceAdam } from '../training/in-place-adam.optimizer';
import { trainStep } from '../training/train-step';
import { initRuntime } from './init-runtime';

let run = 0;

/** Five Adam steps of a dense two-layer net with an in-batch softmax: the losses, bit for bit. */
function trainLosses(): number[] {
  const rng = new Rng(4);
  const tag = `thr_${++run}`;
  const init = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal() * 0.1);
  const x = tf.tensor2d(init(256 * 32), [256, 32]);
  const w1 = tf.variable(tf.tensor2d(init(32 * 64), [32, 64]), true, `${tag}_w1`);
  const w2 = tf.variable(tf.tensor2d(init(64 * 64), [64, 64]), true, `${tag}_w2`);
  const labels = tf.range(0, 256, 1, 'int32');
  const opt = new InPlaceAdam({ learningRate: 0.01 });
  const losses: number[] = [];
  for (let i = 0; i < 5; i++) {
    losses.push(
      trainStep(opt, () => {
        const h = tf.matMul(tf.relu(tf.matMul(x, w1)), w2);
        return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 256), tf.matMul(h, h, false, true)) as tf.Scalar;
      }, { varList: [w1, w2] }),
    );
  }
  tf.dispose([x, w1, w2, labels]);
  opt.dispose();
  return losses;
}

describe('threaded wasm (opt-in)', () => {
  afterAll(async () => {
    await initRuntime({ backend: 'wasm', threads: 1, log: false });
  });

  it('starts 2 XNNPACK threads in Node and trains bit-identically to 1 thread', async () => {
    const one = await initRuntime({ backend: 'wasm', threads: 1, log: false });
    expect(one.threads).toBe(1);
    const single = trainLosses();
    const two = await initRuntime({ backend: 'wasm', threads: 2, log: false });
    expect(two.threads).toBe(2);
    expect(tf.getBackend()).toBe('wasm');
    const threaded = trainLosses();
    expect(threaded).toEqual(single); // exact: XNNPACK splits output tiles, never a reduction
    expect(single[4]).toBeLessThan(single[0]!); // and it trains
    // A call without `threads` keeps the threaded backend (nothing is torn down).
    expect((await initRuntime({ backend: 'wasm', log: false })).threads).toBe(2);
    // The global Worker shim exists only while the backend starts.
    expect((globalThis as { Worker?: unknown }).Worker).toBeUndefined();
  });

  it('rejects a thread count outside [1, 8]', async () => {
    await expect(initRuntime({ backend: 'wasm', threads: 9, log: false })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(initRuntime({ backend: 'wasm', threads: 0, log: false })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

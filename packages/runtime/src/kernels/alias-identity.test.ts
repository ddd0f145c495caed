import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initRuntime } from '../backend/init-runtime';
import { InPlaceAdam } from '../training/in-place-adam.optimizer';
import { trainStep } from '../training/train-step';

describe('aliasing Identity on wasm', () => {
  it('tf.clone shares the buffer (refcounted): no copy, and each handle outlives the other', async () => {
    await initRuntime({ backend: 'wasm', log: false });
    const backend = tf.backend() as unknown as { refCount(dataId: object): number };
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    const y = tf.clone(x);
    expect(y.dataId).toBe(x.dataId);
    expect(backend.refCount(x.dataId)).toBe(2);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4]);
    expect(backend.refCount(y.dataId)).toBe(1);
    y.dispose();
    expect(backend.refCount(y.dataId)).toBe(0);
  });

  it('a same-dtype cast aliases; a real cast converts', async () => {
    await initRuntime({ backend: 'wasm', log: false });
    const i = tf.tensor1d([1, 2, 3], 'int32');
    const same = tf.cast(i, 'int32');
    const f = tf.cast(i, 'float32');
    expect(same.dataId).toBe(i.dataId);
    expect(f.dataId).not.toBe(i.dataId);
    expect(f.dtype).toBe('float32');
    expect(Array.from(f.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(tf.cast(tf.tensor1d([1.7, -2.2]), 'int32').dataSync())).toEqual([1, -2]);
    tf.dispose([i, same, f]);
  });

  it('an in-place update of a weight does not reach the copy the tape saved for backprop', async () => {
    await initRuntime({ backend: 'wasm', log: false });
    // loss = Σ (x·w)²: backprop uses the saved w. With a shared buffer, InPlaceAdam must detach w
    // first (writableView) — otherwise a kept clone would silently change with it.
    const w = tf.variable(tf.tensor2d([[1], [2]]), true, 'alias_identity_w');
    const kept = tf.clone(w);
    const x = tf.tensor2d([[1, 1]]);
    const opt = new InPlaceAdam({ learningRate: 0.1 });
    trainStep(opt, () => tf.sum(tf.square(tf.matMul(x, w))), { varList: [w] });
    expect(Array.from(kept.dataSync())).toEqual([1, 2]);
    const after = Array.from(w.dataSync());
    expect(after[0]).toBeCloseTo(0.9, 5); // Adam's first step moves each weight by lr
    expect(after[1]).toBeCloseTo(1.9, 5);
    tf.dispose([w, kept, x]);
    opt.dispose();
  });
});

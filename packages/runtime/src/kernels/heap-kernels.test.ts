import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initRuntime } from '../backend/init-runtime';

describe('wasm heap kernels', () => {
  it('gather of int32 rows and an out-of-range index behave like cpu', async () => {
    await initRuntime({ backend: 'wasm', log: false });
    const x = tf.tensor2d([[1, 2], [3, 4], [5, 6]], [3, 2], 'int32');
    const g = tf.gather(x, tf.tensor1d([2, 0, 2], 'int32'));
    expect(g.dtype).toBe('int32');
    expect(Array.from(g.dataSync())).toEqual([5, 6, 1, 2, 5, 6]);
    const before = tf.memory().numTensors;
    expect(() => tf.gather(x, tf.tensor1d([3], 'int32'))).toThrow(/index 3 at position 0 is not in \[0, 2\]/);
    expect(tf.memory().numTensors).toBe(before + 1); // only the index tensor made above
    tf.dispose([x, g]);
  });
});

describe('wasm Sum over leading axes', () => {
  it('matches a plain loop through the GEMM path and the tall-input row loop', async () => {
    await initRuntime({ backend: 'wasm', log: false });
    for (const rows of [5, 70_000]) {
      const values = Float32Array.from({ length: rows * 3 }, (_, i) => (i % 7) - 3 + (i % 3) * 0.25);
      const want = [0, 1, 2].map((j) => {
        let s = 0;
        for (let r = 0; r < rows; r++) s += values[r * 3 + j] as number;
        return s;
      });
      const x = tf.tensor2d(values, [rows, 3]);
      const got = tf.sum(x, 0);
      const kept = tf.sum(x, 0, true);
      expect(got.shape).toEqual([3]);
      expect(kept.shape).toEqual([1, 3]);
      Array.from(got.dataSync()).forEach((v, j) => expect(v).toBeCloseTo(want[j]!, 2));
      expect(Array.from(kept.dataSync())).toEqual(Array.from(got.dataSync()));
      tf.dispose([x, got, kept]);
    }
  });
});

describe('wasm OneHot', () => {
  it('float32 gives 1/0 floats (the stock wasm kernel wrote int32 bits), int32 and out-of-range ids as cpu', async () => {
    await initRuntime({ backend: 'wasm', log: false });
    const ids = tf.tensor1d([0, 2, -1, 5], 'int32');
    const f = tf.oneHot(ids, 3, 1, 0, 'float32');
    expect(f.dtype).toBe('float32');
    expect(Array.from(f.dataSync())).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    const g = tf.oneHot(ids, 3, 0.5, -2, 'float32');
    expect(Array.from(g.dataSync())).toEqual([0.5, -2, -2, -2, -2, 0.5, -2, -2, -2, -2, -2, -2]);
    const i = tf.oneHot(ids, 3);
    expect(i.dtype).toBe('int32');
    expect(Array.from(i.dataSync())).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    tf.dispose([ids, f, g, i]);
  });
});

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

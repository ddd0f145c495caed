import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initRuntime } from '../backend/init-runtime';
import type { BackendKind } from '../backend/init-runtime';

describe('UnsortedSegmentSum (linear time, wasm and cpu)', () => {
  for (const kind of ['wasm', 'cpu'] as BackendKind[]) {
    it(`sums rows into their segments and drops out-of-range ids on ${kind}`, async () => {
      await initRuntime({ backend: kind, log: false });
      // x rows [1,2] [3,4] [5,6] [7,8] with ids 2, 0, 2, 9 (9 ≥ numSegments: dropped) →
      // segment 0 = [3,4], segment 1 = [0,0], segment 2 = [1+5, 2+6] = [6,8]
      const x = tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]]);
      const ids = tf.tensor1d([2, 0, 2, 9], 'int32');
      const out = tf.unsortedSegmentSum(x, ids, 3);
      expect(out.shape).toEqual([3, 2]);
      expect(Array.from(out.dataSync())).toEqual([3, 4, 0, 0, 6, 8]);
      const ints = tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3], 'int32'), tf.tensor1d([1, 1, 0], 'int32'), 2);
      expect(ints.dtype).toBe('int32');
      expect(Array.from(ints.dataSync())).toEqual([3, 3]);
      tf.dispose([x, ids, out, ints]);
    });
  }

  it('the gradient of a 1024-row gather from a 20k-row table takes milliseconds on cpu, not 5 GB', async () => {
    await initRuntime({ backend: 'cpu', log: false });
    // tfjs-backend-cpu's own kernel builds a masked [1024, 64] copy per segment (20,000 of them).
    const table = tf.variable(tf.zeros([20_000, 64]), true, 'uss_cpu_table');
    const ids = tf.tensor1d(Int32Array.from({ length: 1024 }, (_, i) => (i * 37) % 20_000), 'int32');
    const t0 = performance.now();
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.gather(t, ids)))(table);
    const ms = performance.now() - t0;
    expect(g.sum().dataSync()[0]).toBe(1024 * 64);
    expect(ms).toBeLessThan(2_000);
    tf.dispose([table, ids, g]);
  });
});

import * as tf from '@tensorflow/tfjs';
import { Rng } from '@tunekit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initRuntime } from '../backend/init-runtime';
import type { BackendKind } from '../backend/init-runtime';
import { batchNormTraining } from '../ops/batch-norm.op';
import { l2Normalize } from '../ops/l2-normalize.op';
import { softmaxCrossEntropyWithLogits } from '../ops/softmax-cross-entropy.op';

/**
 * Every building block the four model families use, forward and backward, on every backend that
 * loads here, compared with the reference `cpu` backend. Tiny shapes keep it fast.
 */
type Block = (inputs: tf.Tensor[]) => tf.Scalar;

function data(seed: number, shape: number[]): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: shape.reduce((p, d) => p * d, 1) }, () => rng.normal());
}

const ids = Int32Array.from([0, 3, 3, 1, 5, 0, 2]);

/** name → [input shapes, block]. Inputs are float32 from seeded normals. */
const BLOCKS: Readonly<Record<string, [number[][], Block]>> = Object.freeze({
  'matMul (transposeA/B)': [[[5, 4], [3, 4]], ([a, b]) => tf.sum(tf.square(tf.matMul(a!, b!, false, true)))],
  'matMul transposeA': [[[4, 5], [4, 3]], ([a, b]) => tf.sum(tf.sin(tf.matMul(a!, b!, true, false)))],
  'matMul transposeA, swapped plan (Cᵀ = Bᵀ·A)': [[[8, 3], [8, 2]], ([a, b]) => tf.sum(tf.sin(tf.matMul(a!, b!, true, false)))],
  'matMul transposeA+B': [[[4, 3], [5, 4]], ([a, b]) => tf.sum(tf.sin(tf.matMul(a!, b!, true, true)))],
  'batched matMul transposeB': [[[2, 3, 4], [2, 5, 4]], ([a, b]) => tf.sum(tf.square(tf.matMul(a!, b!, false, true)))],
  'batched matMul': [[[2, 3, 4], [2, 4, 5]], ([a, b]) => tf.sum(tf.square(tf.matMul(a!, b!)))],
  'fused dense + bias + relu': [
    [[6, 4], [4, 3], [3]],
    ([x, w, b]) => tf.sum(tf.square(tf.fused.matMul({ a: x!, b: w!, bias: b!, activation: 'relu' }))),
  ],
  'gather (embedding lookup)': [[[6, 3]], ([t]) => tf.sum(tf.square(tf.gather(t!, tf.tensor1d(ids, 'int32'))))],
  'gather axis 1 (delegated)': [[[3, 6]], ([t]) => tf.sum(tf.square(tf.gather(t!, tf.tensor1d([5, 0, 5], 'int32'), 1)))],
  'gather rank-3 rows by a 2-D index': [[[5, 2, 3]], ([t]) => tf.sum(tf.sin(tf.gather(t!, tf.tensor2d([[4, 0], [2, 4]], [2, 2], 'int32'))))],
  'sum over leading axes (keepDims) and last axis': [[[2, 3, 4]], ([x]) => tf.add(tf.sum(tf.square(tf.sum(x!, [0, 1], true))), tf.sum(tf.sin(tf.sum(x!, -1))))],
  'transpose 3-D (last two, and other perm)': [[[2, 33, 35]], ([x]) => tf.add(tf.sum(tf.mul(tf.transpose(x!, [0, 2, 1]), tf.range(0, 33).asType('float32'))), tf.sum(tf.sin(tf.transpose(x!, [1, 0, 2]))))],
  'unsortedSegmentSum': [[[7, 3]], ([x]) => tf.sum(tf.square(tf.unsortedSegmentSum(x!, tf.tensor1d(ids, 'int32'), 6)))],
  l2Normalize: [[[4, 5]], ([x]) => tf.sum(tf.mul(l2Normalize(x!), tf.range(0, 5).asType('float32')))],
  'softmaxCrossEntropyWithLogits (ids)': [[[4, 5]], ([z]) => softmaxCrossEntropyWithLogits(z as tf.Tensor2D, tf.tensor1d([0, 2, 4, 1], 'int32'))],
  'tf.losses.softmaxCrossEntropy': [[[4, 5]], ([z]) => tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d([0, 2, 4, 1], 'int32'), 5), z!) as tf.Scalar],
  'sigmoid cross-entropy': [[[6, 1]], ([z]) => tf.losses.sigmoidCrossEntropy(tf.tensor2d([1, 0, 1, 1, 0, 0], [6, 1]), z!) as tf.Scalar],
  'batch-norm (training moments)': [
    [[8, 3], [3], [3]],
    ([x, g, b]) => {
      const { mean, variance } = tf.moments(x!, 0);
      return tf.sum(tf.square(tf.batchNorm(x!, mean, variance, b!, g!, 1e-3)));
    },
  ],
  batchNormTraining: [[[8, 3], [3], [3]], ([x, g, b]) => tf.sum(tf.mul(batchNormTraining(x as tf.Tensor2D, g as tf.Tensor1D, b as tf.Tensor1D), tf.range(0, 3).asType('float32')))],
  'dropout (seeded)': [[[6, 5]], ([x]) => tf.sum(tf.square(tf.dropout(x!, 0.2, undefined, 7)))],
  'mse + relu + tanh + sigmoid': [[[5, 3]], ([x]) => tf.losses.meanSquaredError(tf.zeros([5, 3]), tf.add(tf.relu(x!), tf.mul(tf.tanh(x!), tf.sigmoid(x!)))) as tf.Scalar],
  'cosine scores / temperature': [
    [[4, 6], [4, 6]],
    ([u, v]) => softmaxCrossEntropyWithLogits(tf.div(tf.matMul(l2Normalize(u!), l2Normalize(v!), false, true), 0.1) as tf.Tensor2D, tf.range(0, 4, 1, 'int32') as tf.Tensor1D),
  ],
  'siamese triplet margin loss': [
    [[4, 5], [4, 5], [4, 5]],
    ([a, p, n]) => {
      const [ea, ep, en] = [a!, p!, n!].map((x) => l2Normalize(x));
      const d = (x: tf.Tensor, y: tf.Tensor): tf.Tensor => tf.sum(tf.squaredDifference(x, y), -1);
      return tf.mean(tf.relu(tf.add(tf.sub(d(ea!, ep!), d(ea!, en!)), 0.5)));
    },
  ],
  'k-means distances (‖x‖² − 2x·c + ‖c‖²) + multi-output MSE': [
    [[6, 3], [4, 3]],
    ([x, c]) => {
      const d = tf.add(tf.sub(tf.sum(tf.square(x!), -1, true), tf.mul(2, tf.matMul(x!, c!, false, true))), tf.sum(tf.square(c!), -1));
      return tf.add(tf.mean(tf.min(d, -1)), tf.losses.meanSquaredError(tf.zeros([6, 4]), d) as tf.Scalar);
    },
  ],
  'stock Embedding layer': [
    [[1]],
    ([s]) => {
      const layer = tf.layers.embedding({ inputDim: 6, outputDim: 3, embeddingsInitializer: tf.initializers.randomUniform({ seed: 3 }) });
      return tf.sum(tf.mul(layer.apply(tf.tensor2d([[0, 3], [5, 3]], [2, 2], 'int32')) as tf.Tensor, s!));
    },
  ],
});

async function run(kind: BackendKind, name: string): Promise<{ value: number; grads: Float32Array[] }> {
  await initRuntime({ backend: kind, log: false });
  const [shapes, block] = BLOCKS[name]!;
  return tf.tidy(() => {
    const xs = shapes.map((s, i) => tf.tensor(data(100 + i, s), s));
    const { value, grads } = tf.valueAndGrads((...args: tf.Tensor[]) => block(args))(xs);
    return { value: value.dataSync()[0] as number, grads: grads.map((g) => g.dataSync() as Float32Array) };
  });
}

const backends: BackendKind[] = [];

beforeAll(async () => {
  for (const kind of ['cpu', 'wasm', 'node'] as const) {
    try {
      await initRuntime({ backend: kind, log: false });
      backends.push(kind);
    } catch {
      // tfjs-node is optional: skipped when not installed (initRuntime tests cover the error).
    }
  }
  expect(backends).toContain('wasm');
});

describe('gradients of model building blocks match the cpu backend', () => {
  for (const name of Object.keys(BLOCKS)) {
    it(name, async () => {
      const ref = await run('cpu', name);
      expect(Number.isFinite(ref.value)).toBe(true);
      for (const kind of backends.filter((b) => b !== 'cpu')) {
        const got = await run(kind, name);
        expect(got.value, `${name} value on ${kind}`).toBeCloseTo(ref.value, 3);
        expect(got.grads.length).toBe(ref.grads.length);
        ref.grads.forEach((g, i) => {
          const h = got.grads[i]!;
          expect(h.length).toBe(g.length);
          const scale = Math.max(1, ...Array.from(g, Math.abs));
          const worst = Math.max(...Array.from(g, (x, j) => Math.abs(x - (h[j] as number))));
          expect(worst / scale, `${name} grad ${i} on ${kind}`).toBeLessThan(1e-4);
        });
      }
    });
  }
});

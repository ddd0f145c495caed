import { ModelsError } from '../errors';

/** Batch-norm parameters of one hidden layer (inference uses the moving statistics). */
export interface BatchNormWeights {
  /** float32 [units] scale γ. */
  gamma: Float32Array;
  /** float32 [units] offset β. */
  beta: Float32Array;
  /** float32 [units] moving mean of the pre-activations. */
  movingMean: Float32Array;
  /** float32 [units] moving (biased) variance of the pre-activations. */
  movingVariance: Float32Array;
  /** Variance floor ε. */
  epsilon: number;
}

/** One Dense layer: y = x·kernel (+ bias), then optional batch-norm; hidden layers end in ReLU. */
export interface DenseLayerWeights {
  inputs: number;
  units: number;
  /** float32 [inputs · units], row-major (tfjs layout). */
  kernel: Float32Array;
  /** float32 [units], or empty when the layer has none (hidden layers followed by batch-norm). */
  bias: Float32Array;
  /** Multiplier of x·kernel before the bias (absent = 1); the output layer uses 1/inputs (see the README). */
  scale?: number;
  batchNorm?: BatchNormWeights;
}

/** The feature MLP of one tower (one ensemble member): hidden layers then the output Dense(width). */
export interface TowerMlpWeights {
  hidden: DenseLayerWeights[];
  output: DenseLayerWeights;
}

/**
 * One Dense (+ inference batch-norm, + ReLU) layer over `n` rows in plain TypeScript; zero inputs
 * are skipped (one-hot / multi-hot features are mostly zeros).
 */
function denseForward(layer: DenseLayerWeights, x: Float32Array, n: number, relu: boolean): Float32Array {
  const { inputs, units, kernel, bias, batchNorm } = layer;
  const scale = layer.scale ?? 1;
  const out = new Float32Array(n * units);
  for (let r = 0; r < n; r++) {
    const o = r * units;
    for (let i = 0; i < inputs; i++) {
      const v = x[r * inputs + i]!;
      if (v === 0) continue;
      const k = i * units;
      for (let j = 0; j < units; j++) out[o + j]! += v * kernel[k + j]!;
    }
    if (scale !== 1) for (let j = 0; j < units; j++) out[o + j]! *= scale;
    if (bias.length > 0) for (let j = 0; j < units; j++) out[o + j]! += bias[j]!;
  }
  if (batchNorm) {
    const mul = new Float32Array(units);
    const shift = new Float32Array(units);
    for (let j = 0; j < units; j++) {
      mul[j] = batchNorm.gamma[j]! / Math.sqrt(batchNorm.movingVariance[j]! + batchNorm.epsilon);
      shift[j] = batchNorm.beta[j]! - batchNorm.movingMean[j]! * mul[j]!;
    }
    for (let r = 0; r < n; r++) for (let j = 0; j < units; j++) out[r * units + j] = out[r * units + j]! * mul[j]! + shift[j]!;
  }
  if (relu) for (let k = 0; k < out.length; k++) if (out[k]! < 0) out[k] = 0;
  return out;
}

/**
 * Inference forward pass of a tower's feature MLP in plain TypeScript (batch-norm with its moving
 * statistics, no dropout): the same function the tfjs tower computes in inference mode.
 *
 * @param mlp - {@link TowerMlpWeights}
 * @param features - float32 [n · inputs] feature rows
 * @param n - number of rows
 * @returns float32 [n · output units]
 * @throws ModelsError `SHAPE_MISMATCH` when features do not hold n rows of the MLP's input width
 * @example
 * ```ts
 * const f = mlpForward(weights.itemMlp![0]!, itemFeatures, nItems); // [nItems · dim]
 * ```
 */
export function mlpForward(mlp: TowerMlpWeights, features: Float32Array, n: number): Float32Array {
  const inputs = mlpInputs(mlp);
  if (features.length !== n * inputs) {
    throw new ModelsError('SHAPE_MISMATCH', `mlpForward: features hold ${features.length} values, expected ${n} rows × ${inputs} inputs of the tower MLP.`, { context: { n, inputs } });
  }
  let x = features;
  for (const layer of mlp.hidden) x = denseForward(layer, x, n, true);
  return denseForward(mlp.output, x, n, false);
}

/** Input width of a tower MLP. */
export function mlpInputs(mlp: TowerMlpWeights): number {
  return (mlp.hidden[0] ?? mlp.output).inputs;
}

/** Deep copy (so checkpoints do not alias live buffers). */
export function cloneMlp(mlp: TowerMlpWeights): TowerMlpWeights {
  const layer = (l: DenseLayerWeights): DenseLayerWeights => ({
    inputs: l.inputs,
    units: l.units,
    kernel: l.kernel.slice(),
    bias: l.bias.slice(),
    ...(l.scale !== undefined ? { scale: l.scale } : {}),
    ...(l.batchNorm ? { batchNorm: { gamma: l.batchNorm.gamma.slice(), beta: l.batchNorm.beta.slice(), movingMean: l.batchNorm.movingMean.slice(), movingVariance: l.batchNorm.movingVariance.slice(), epsilon: l.batchNorm.epsilon } } : {}),
  });
  return { hidden: mlp.hidden.map(layer), output: layer(mlp.output) };
}

/**
 * Flattens a tower MLP into named float32 arrays (`<prefix>.h0.kernel`, `<prefix>.h0.gamma`, …,
 * `<prefix>.out.bias`, `<prefix>.out.scale`; kernels keep their [inputs, units] shape, ε is a one-value array), the
 * layout artifacts store in `weights.bin`.
 *
 * @param prefix - array name prefix, e.g. `itemMlp.0`
 * @param mlp - {@link TowerMlpWeights}
 * @returns name, shape and data of every array
 */
export function flattenMlp(prefix: string, mlp: TowerMlpWeights): { name: string; shape: number[]; data: Float32Array }[] {
  const out: { name: string; shape: number[]; data: Float32Array }[] = [];
  const add = (tag: string, l: DenseLayerWeights): void => {
    out.push({ name: `${prefix}.${tag}.kernel`, shape: [l.inputs, l.units], data: l.kernel });
    out.push({ name: `${prefix}.${tag}.bias`, shape: [l.bias.length], data: l.bias });
    if (l.scale !== undefined) out.push({ name: `${prefix}.${tag}.scale`, shape: [1], data: Float32Array.of(l.scale) });
    if (l.batchNorm) {
      const bn = l.batchNorm;
      out.push({ name: `${prefix}.${tag}.gamma`, shape: [l.units], data: bn.gamma });
      out.push({ name: `${prefix}.${tag}.beta`, shape: [l.units], data: bn.beta });
      out.push({ name: `${prefix}.${tag}.movingMean`, shape: [l.units], data: bn.movingMean });
      out.push({ name: `${prefix}.${tag}.movingVariance`, shape: [l.units], data: bn.movingVariance });
      out.push({ name: `${prefix}.${tag}.epsilon`, shape: [1], data: Float32Array.of(bn.epsilon) });
    }
  };
  mlp.hidden.forEach((l, k) => add(`h${k}`, l));
  add('out', mlp.output);
  return out;
}

/**
 * Rebuilds a tower MLP from arrays written by {@link flattenMlp}.
 *
 * @param prefix - array name prefix, e.g. `itemMlp.0`
 * @param get - looks an array and its shape up by name (undefined when absent)
 * @param where - names the file in error messages
 * @returns the MLP, or null when there is no `<prefix>.out.kernel`
 * @throws ModelsError `ARTIFACT_CORRUPT` when a layer is incomplete or shapes do not chain
 */
export function unflattenMlp(prefix: string, get: (name: string) => { shape: number[]; data: Float32Array } | undefined, where: string): TowerMlpWeights | null {
  if (!get(`${prefix}.out.kernel`)) return null;
  const layer = (tag: string): DenseLayerWeights => {
    const kernel = get(`${prefix}.${tag}.kernel`);
    const bias = get(`${prefix}.${tag}.bias`);
    if (!kernel || !bias || kernel.shape.length !== 2) throw new ModelsError('ARTIFACT_CORRUPT', `${where}: tower MLP layer "${prefix}.${tag}" lacks its kernel or bias. Re-save the model.`, { context: { path: where, weight: `${prefix}.${tag}` } });
    const [inputs, units] = kernel.shape as [number, number];
    const l: DenseLayerWeights = { inputs, units, kernel: kernel.data, bias: bias.data };
    const scale = get(`${prefix}.${tag}.scale`);
    if (scale) l.scale = scale.data[0]!;
    const gamma = get(`${prefix}.${tag}.gamma`);
    if (gamma) {
      const beta = get(`${prefix}.${tag}.beta`);
      const mm = get(`${prefix}.${tag}.movingMean`);
      const mv = get(`${prefix}.${tag}.movingVariance`);
      const eps = get(`${prefix}.${tag}.epsilon`);
      if (!beta || !mm || !mv || !eps) throw new ModelsError('ARTIFACT_CORRUPT', `${where}: batch-norm of "${prefix}.${tag}" is incomplete (gamma, beta, movingMean, movingVariance, epsilon). Re-save the model.`, { context: { path: where, weight: `${prefix}.${tag}` } });
      l.batchNorm = { gamma: gamma.data, beta: beta.data, movingMean: mm.data, movingVariance: mv.data, epsilon: eps.data[0]! };
    }
    if (l.kernel.length !== inputs * units || (l.bias.length !== 0 && l.bias.length !== units) || (l.batchNorm && l.batchNorm.gamma.length !== units)) {
      throw new ModelsError('ARTIFACT_CORRUPT', `${where}: tower MLP layer "${prefix}.${tag}" has inconsistent sizes (kernel [${inputs}, ${units}]). Re-save the model.`, { context: { path: where, weight: `${prefix}.${tag}` } });
    }
    return l;
  };
  const hidden: DenseLayerWeights[] = [];
  for (let k = 0; get(`${prefix}.h${k}.kernel`); k++) hidden.push(layer(`h${k}`));
  const output = layer('out');
  let width = (hidden[0] ?? output).inputs;
  for (const l of [...hidden, output]) {
    if (l.inputs !== width) throw new ModelsError('ARTIFACT_CORRUPT', `${where}: tower MLP "${prefix}" layers do not chain (${l.inputs} inputs after a layer of ${width} units). Re-save the model.`, { context: { path: where, weight: prefix } });
    width = l.units;
  }
  return { hidden, output };
}

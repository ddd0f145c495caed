import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel, saveModel } from '@tunekit/runtime';
import { ModelsError } from '../errors';
import { fitDenseRegressor, type DenseData, type EpochLog, type FitResult } from '../training/fit-dense';
import type { ListensModelConfig, ListensTrainingConfig } from './listens.config';

/**
 * Builds the listens network: input → [dense → (batch-norm) → ReLU → dropout] × L → dense(1),
 * plus (optionally) a linear path input → dense(1) added to the output. All initialisers seeded.
 *
 * @param width - number of input features
 */
export function buildListensNetwork(width: number, config: ListensModelConfig, seed: number): tf.LayersModel {
  const input = tf.input({ shape: [width], name: 'features' });
  let h: tf.SymbolicTensor = input;
  config.hidden.forEach((units, i) => {
    h = tf.layers
      .dense({ units, name: `dense_${i}`, useBias: !config.batchNorm, kernelInitializer: tf.initializers.heNormal({ seed: seed * 131 + i }) })
      .apply(h) as tf.SymbolicTensor;
    if (config.batchNorm) h = tf.layers.batchNormalization({ name: `bn_${i}` }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.activation({ activation: 'relu', name: `relu_${i}` }).apply(h) as tf.SymbolicTensor;
    if (config.dropout > 0) h = tf.layers.dropout({ rate: config.dropout, seed: seed * 137 + i, name: `dropout_${i}` }).apply(h) as tf.SymbolicTensor;
  });
  let out = tf.layers.dense({ units: 1, name: 'mlp_out', kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 139 }) }).apply(h) as tf.SymbolicTensor;
  if (config.linearSkip) {
    const lin = tf.layers.dense({ units: 1, name: 'linear', kernelInitializer: tf.initializers.zeros() }).apply(input) as tf.SymbolicTensor;
    out = tf.layers.add({ name: 'wide_and_deep' }).apply([out, lin]) as tf.SymbolicTensor;
  }
  return tf.model({ inputs: input, outputs: out, name: 'listens_mlp' });
}

/** Per-member training history of an ensemble. */
export interface ListensTrainingReport {
  members: (FitResult & { seed: number })[];
}

/**
 * The listens regressor: an ensemble of seeded MLPs whose predictions (on the transformed target
 * scale, e.g. log1p) are averaged. Holds tfjs models; call {@link dispose} when done.
 */
export class ListensModel {
  private constructor(
    readonly members: tf.LayersModel[],
    readonly width: number,
  ) {}

  /**
   * Trains `config.ensemble` networks with seeds `training.seed + k`, each with early stopping on
   * `validation` and best-weights restore.
   * @param onEpoch - called per epoch with the member index (for logging/recording).
   */
  static async train(
    train: DenseData,
    validation: DenseData,
    config: ListensModelConfig,
    training: ListensTrainingConfig,
    hooks: { onEpoch?: (member: number, log: EpochLog) => void | Promise<void>; checkpoint?: (member: number, epoch: number, model: tf.LayersModel) => void | Promise<void> } = {},
  ): Promise<{ model: ListensModel; report: ListensTrainingReport }> {
    const members: tf.LayersModel[] = [];
    const report: ListensTrainingReport = { members: [] };
    try {
      for (let k = 0; k < config.ensemble; k++) {
        const seed = training.seed + k;
        const net = buildListensNetwork(train.width, config, seed);
        members.push(net);
        const fit = await fitDenseRegressor(net, train, validation, {
          epochs: training.epochs,
          batchSize: training.batchSize,
          learningRate: training.learningRate,
          schedule: training.schedule,
          patience: training.patience,
          seed,
          loss: training.loss,
          onEpoch: (log) => hooks.onEpoch?.(k, log),
          checkpoint: (epoch, m) => hooks.checkpoint?.(k, epoch, m),
        });
        report.members.push({ ...fit, seed });
      }
    } catch (e) {
      members.forEach((m) => m.dispose());
      throw e;
    }
    return { model: new ListensModel(members, train.width), report };
  }

  /**
   * Predicts the transformed target (mean over members).
   * @param x - float32 [n, width] row-major features (already preprocessed)
   * @returns float32 [n]
   * @throws ModelsError `SHAPE_MISMATCH` when x is not a multiple of width.
   */
  predict(x: Float32Array): Float32Array {
    if (x.length % this.width !== 0) {
      throw new ModelsError('SHAPE_MISMATCH', `ListensModel.predict: ${x.length} values is not a multiple of the feature width ${this.width}`);
    }
    const n = x.length / this.width;
    const out = new Float32Array(n);
    if (n === 0) return out;
    for (const m of this.members) {
      const p = tf.tidy(() => (m.predict(tf.tensor2d(x, [n, this.width])) as tf.Tensor).dataSync());
      for (let i = 0; i < n; i++) out[i] = (out[i] as number) + (p[i] as number) / this.members.length;
    }
    return out;
  }

  /** Saves every member as `member-<k>/model.json + weights.bin` under `dir` (atomic per file). */
  async save(dir: string): Promise<string[]> {
    mkdirSync(dir, { recursive: true });
    const files: string[] = [];
    for (const [k, m] of this.members.entries()) {
      await saveModel(m, join(dir, `member-${k}`));
      files.push(`member-${k}/model.json`, `member-${k}/weights.bin`);
    }
    return files;
  }

  /**
   * Loads a model saved by {@link save}.
   * @throws ModelsError `ARTIFACT_NOT_FOUND` when `dir` has no members; runtime errors for corrupt files.
   */
  static async load(dir: string): Promise<ListensModel> {
    const members: tf.LayersModel[] = [];
    for (let k = 0; existsSync(join(dir, `member-${k}`, 'model.json')); k++) {
      members.push(await loadModel(join(dir, `member-${k}`)));
    }
    if (members.length === 0) throw new ModelsError('ARTIFACT_NOT_FOUND', `No listens model in ${dir} (expected member-0/model.json)`, { context: { dir } });
    const shape = members[0]!.inputs[0]!.shape;
    const width = shape[1];
    if (typeof width !== 'number') {
      throw new ModelsError('ARTIFACT_CORRUPT', `${join(dir, 'member-0', 'model.json')}: input shape ${JSON.stringify(shape)} has no feature width`);
    }
    return new ListensModel(members, width);
  }

  /** Frees the tfjs memory of every member. */
  dispose(): void {
    this.members.forEach((m) => m.dispose());
  }
}

/** Reads a JSON file with a clear error when missing or malformed. */
export function readJsonArtifact<T>(path: string): T {
  if (!existsSync(path)) throw new ModelsError('ARTIFACT_NOT_FOUND', `Missing artifact ${path}`, { context: { path } });
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (cause) {
    throw new ModelsError('ARTIFACT_CORRUPT', `Artifact ${path} is not valid JSON: ${(cause as Error).message}`, { cause, context: { path } });
  }
}

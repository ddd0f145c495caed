import * as tf from '@tensorflow/tfjs';
import { RuntimeError } from '../runtime.error';
import { readArtifacts, resolveArtifactDir, writeArtifacts } from './artifact-files';

/**
 * Saves named tensors (e.g. embedding tables, variables of a custom model) as `model.json`
 * (manifest only, no topology) + `weights.bin`, atomically.
 *
 * @param tensors - name → tensor; names must be unique (they key the manifest)
 * @param location - directory path or `file://` URL; created if missing
 * @param metadata - optional JSON stored as `userDefinedMetadata`
 * @throws RuntimeError `IO_ERROR` when the directory is not writable
 * @example
 * ```ts
 * await saveWeights({ user_table: users.table }, '/tmp/two-tower');
 * ```
 */
export async function saveWeights(tensors: tf.NamedTensorMap, location: string | URL, metadata?: Record<string, object | string | number | boolean>): Promise<tf.io.SaveResult> {
  const dir = resolveArtifactDir(location);
  const { data, specs } = await tf.io.encodeWeights(tensors);
  const artifacts: tf.io.ModelArtifacts = { weightSpecs: specs, weightData: data, format: 'tunekit-weights' };
  if (metadata) artifacts.userDefinedMetadata = metadata;
  return writeArtifacts(dir, artifacts, 'tunekit-weights');
}

/**
 * Loads tensors saved by {@link saveWeights}; with `expected`, checks names and shapes first.
 * The caller owns (and disposes) the returned tensors.
 *
 * @param location - directory path or `file://` URL
 * @param expected - optional name → shape that must match exactly (same names, same shapes)
 * @returns name → tensor
 * @throws RuntimeError `IO_ERROR`, `CORRUPT_ARTIFACT`, `ARTIFACT_MISMATCH` (names the weight,
 *   the saved and the expected shape)
 * @example
 * ```ts
 * const w = await loadWeights('/tmp/two-tower', { user_table: [10_000, 64] });
 * ```
 */
export async function loadWeights(location: string | URL, expected?: Readonly<Record<string, readonly number[]>>): Promise<tf.NamedTensorMap> {
  const dir = resolveArtifactDir(location);
  const { weightSpecs, weightData } = readArtifacts(dir);
  if (expected) {
    const saved = new Map(weightSpecs.map((s) => [s.name, s.shape]));
    for (const [name, shape] of Object.entries(expected)) {
      const got = saved.get(name);
      if (!got) {
        throw new RuntimeError('ARTIFACT_MISMATCH', `${dir}/model.json has no weight "${name}" (saved: ${[...saved.keys()].join(', ') || 'none'}).`, { context: { path: dir, weight: name } });
      }
      if (got.length !== shape.length || got.some((d, i) => d !== shape[i])) {
        throw new RuntimeError('ARTIFACT_MISMATCH', `${dir}/model.json: weight "${name}" has shape [${got.join(', ')}], expected [${shape.join(', ')}].`, {
          context: { path: dir, weight: name, saved: got, expected: shape },
        });
      }
    }
    const extra = [...saved.keys()].filter((n) => !(n in expected));
    if (extra.length > 0) {
      throw new RuntimeError('ARTIFACT_MISMATCH', `${dir}/model.json holds weights the caller does not expect: ${extra.join(', ')}.`, { context: { path: dir, extra } });
    }
  }
  return tf.io.decodeWeights(weightData, weightSpecs);
}

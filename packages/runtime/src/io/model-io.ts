import * as tf from '@tensorflow/tfjs';
import { RuntimeError } from '../runtime.error';
import { readArtifacts, resolveArtifactDir, writeArtifacts } from './artifact-files';

/**
 * A tfjs `IOHandler` over a directory (`model.json` + `weights.bin`), usable with
 * `model.save(handler)` and `tf.loadLayersModel(handler)` without tfjs-node.
 *
 * @param location - directory path, or `file://` URL of the directory or of its `model.json`
 * @returns an IOHandler with `save` and `load`
 * @throws RuntimeError `INVALID_ARGUMENT` for a non-file URL
 * @example
 * ```ts
 * await model.save(fileSystemHandler('artifacts/models/mlp/run-1'));
 * ```
 */
export function fileSystemHandler(location: string | URL): tf.io.IOHandler {
  const dir = resolveArtifactDir(location);
  return {
    save: async (artifacts) => writeArtifacts(dir, artifacts, 'layers-model'),
    load: async () => readArtifacts(dir),
  };
}

/**
 * Saves a LayersModel (topology, weights, optional training config) to `location` atomically.
 *
 * @param model - the model to save
 * @param location - directory path or `file://` URL; created if missing
 * @returns tfjs save result (bytes written)
 * @throws RuntimeError `IO_ERROR` when the directory is not writable
 * @example
 * ```ts
 * await saveModel(model, '/tmp/mlp');   // writes /tmp/mlp/model.json and /tmp/mlp/weights.bin
 * ```
 */
export async function saveModel(model: tf.LayersModel, location: string | URL): Promise<tf.io.SaveResult> {
  return model.save(fileSystemHandler(location));
}

/**
 * Loads a LayersModel saved by {@link saveModel} (or any tfjs `model.json` + single `weights.bin`).
 * Checks that the weight file matches the manifest and that every weight name and shape matches
 * the topology.
 *
 * @param location - directory path or `file://` URL (of the directory or its `model.json`)
 * @returns the model, weights loaded
 * @throws RuntimeError `IO_ERROR` (missing files), `CORRUPT_ARTIFACT` (malformed, truncated),
 *   `ARTIFACT_MISMATCH` (weights do not fit the topology)
 * @example
 * ```ts
 * const model = await loadModel('file:///tmp/mlp');
 * ```
 */
export async function loadModel(location: string | URL): Promise<tf.LayersModel> {
  const dir = resolveArtifactDir(location);
  const handler = fileSystemHandler(dir);
  const artifacts = readArtifacts(dir);
  if (artifacts.modelTopology == null) {
    throw new RuntimeError('CORRUPT_ARTIFACT', `${dir}/model.json has no "modelTopology": it holds raw weights, load it with loadWeights().`, { context: { path: dir } });
  }
  try {
    return await tf.loadLayersModel({ load: async () => artifacts, save: handler.save! });
  } catch (err) {
    throw new RuntimeError('ARTIFACT_MISMATCH', `Cannot build the model saved in ${dir}: ${(err as Error).message}. The weights do not match the topology (names or shapes); re-save the model.`, {
      cause: err,
      context: { path: dir },
    });
  }
}

import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { RuntimeError } from '../runtime.error';

/** File names of a saved artifact directory. */
export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

const DTYPE_BYTES: Readonly<Record<string, number>> = Object.freeze({ float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 });

/** Resolves a directory path, `file://` URL (of the directory or its `model.json`) to a directory. */
export function resolveArtifactDir(location: string | URL): string {
  let path: string;
  if (location instanceof URL || /^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    const url = location instanceof URL ? location : new URL(location);
    if (url.protocol !== 'file:') {
      throw new RuntimeError('INVALID_ARGUMENT', `Only file:// URLs and paths are supported for model IO, got "${url.href}". Download the files first or use a path.`, { context: { location: url.href } });
    }
    path = fileURLToPath(url);
  } else path = location;
  path = resolve(path);
  return path.endsWith(`/${MODEL_JSON}`) ? path.slice(0, -MODEL_JSON.length - 1) : path;
}

function writeAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new RuntimeError('IO_ERROR', `Cannot write ${path}: ${(err as Error).message}. Check the directory exists and is writable.`, { cause: err, context: { path } });
  }
}

/** Byte length a weight spec occupies in `weights.bin`. */
function specBytes(spec: tf.io.WeightsManifestEntry): number {
  const size = spec.shape.reduce((p, d) => p * d, 1);
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  const bytes = DTYPE_BYTES[dtype];
  if (bytes === undefined) throw new Error(`unsupported dtype "${dtype}" for weight "${spec.name}"`);
  return size * bytes;
}

/**
 * Writes `model.json` (topology, weight manifest, metadata) and `weights.bin` into `dir`, each
 * through a temp file and a rename, weights first, so a reader never sees a half-written file and
 * a `model.json` never points at missing weights.
 */
export function writeArtifacts(dir: string, artifacts: tf.io.ModelArtifacts, format: string): tf.io.SaveResult {
  mkdirSync(dir, { recursive: true });
  const specs = artifacts.weightSpecs ?? [];
  const data = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
  const json: tf.io.ModelJSON & { format: string } = {
    format: artifacts.format ?? format,
    generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-core v${tf.version_core}`,
    convertedBy: artifacts.convertedBy ?? '@tunekit/runtime',
    modelTopology: artifacts.modelTopology as tf.io.ModelJSON['modelTopology'],
    weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: specs }],
  };
  if (artifacts.trainingConfig) json.trainingConfig = artifacts.trainingConfig;
  if (artifacts.userDefinedMetadata) json.userDefinedMetadata = artifacts.userDefinedMetadata;
  writeAtomic(join(dir, WEIGHTS_BIN), new Uint8Array(data));
  writeAtomic(join(dir, MODEL_JSON), JSON.stringify(json));
  return {
    modelArtifactsInfo: {
      dateSaved: new Date(),
      modelTopologyType: 'JSON',
      weightDataBytes: data.byteLength,
      weightSpecsBytes: JSON.stringify(specs).length,
    },
  };
}

/**
 * Reads and validates `dir/model.json` + `dir/weights.bin`: JSON well-formed, one manifest group
 * naming `weights.bin`, byte length of the file equal to what the specs need.
 *
 * @throws RuntimeError `IO_ERROR` (missing file), `CORRUPT_ARTIFACT` (malformed or truncated)
 */
export function readArtifacts(dir: string): tf.io.ModelArtifacts & { weightSpecs: tf.io.WeightsManifestEntry[]; weightData: ArrayBuffer } {
  const jsonPath = join(dir, MODEL_JSON);
  const binPath = join(dir, WEIGHTS_BIN);
  let text: string;
  try {
    text = readFileSync(jsonPath, 'utf8');
  } catch (err) {
    throw new RuntimeError('IO_ERROR', `Cannot read ${jsonPath}: ${(err as Error).message}. Save the model there first (saveModel / saveWeights).`, { cause: err, context: { path: jsonPath } });
  }
  let json: tf.io.ModelJSON;
  try {
    json = JSON.parse(text) as tf.io.ModelJSON;
  } catch (err) {
    throw new RuntimeError('CORRUPT_ARTIFACT', `${jsonPath} is not valid JSON (${(err as Error).message}). Re-save the model.`, { cause: err, context: { path: jsonPath } });
  }
  const groups = json?.weightsManifest;
  if (!Array.isArray(groups) || groups.length !== 1 || !Array.isArray(groups[0]?.weights) || !groups[0].paths?.some((p) => p.endsWith(WEIGHTS_BIN))) {
    throw new RuntimeError('CORRUPT_ARTIFACT', `${jsonPath}: "weightsManifest" must hold one group with paths ["./${WEIGHTS_BIN}"] and a "weights" list.`, { context: { path: jsonPath, key: 'weightsManifest' } });
  }
  const specs = groups[0].weights;
  let expected = 0;
  for (const [i, spec] of specs.entries()) {
    if (typeof spec?.name !== 'string' || !Array.isArray(spec.shape) || spec.shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new RuntimeError('CORRUPT_ARTIFACT', `${jsonPath}: weightsManifest[0].weights[${i}] needs a string "name" and a non-negative integer "shape".`, { context: { path: jsonPath, key: `weightsManifest[0].weights[${i}]` } });
    }
    try {
      expected += specBytes(spec);
    } catch (err) {
      throw new RuntimeError('CORRUPT_ARTIFACT', `${jsonPath}: ${(err as Error).message}.`, { cause: err, context: { path: jsonPath, weight: spec.name } });
    }
  }
  let bytes: Buffer;
  try {
    if (statSync(binPath).size !== expected) {
      throw new RuntimeError('CORRUPT_ARTIFACT', `${binPath} holds ${statSync(binPath).size} bytes but ${jsonPath} describes ${expected}: the files are truncated or from different saves. Re-save the model.`, {
        context: { path: binPath, actualBytes: statSync(binPath).size, expectedBytes: expected },
      });
    }
    bytes = readFileSync(binPath);
  } catch (err) {
    if (err instanceof RuntimeError) throw err;
    throw new RuntimeError('IO_ERROR', `Cannot read ${binPath}: ${(err as Error).message}. ${MODEL_JSON} and ${WEIGHTS_BIN} must sit in the same directory.`, { cause: err, context: { path: binPath } });
  }
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const out: tf.io.ModelArtifacts & { weightSpecs: tf.io.WeightsManifestEntry[]; weightData: ArrayBuffer } = {
    modelTopology: json.modelTopology,
    weightSpecs: specs,
    weightData,
  };
  if (json.format) out.format = json.format;
  if (json.generatedBy) out.generatedBy = json.generatedBy;
  if (json.convertedBy) out.convertedBy = json.convertedBy;
  if (json.trainingConfig) out.trainingConfig = json.trainingConfig;
  if (json.userDefinedMetadata) out.userDefinedMetadata = json.userDefinedMetadata;
  return out;
}

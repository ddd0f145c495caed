import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initRuntime } from '../backend/init-runtime';
import { loadModel, saveModel } from './model-io';
import { loadWeights, saveWeights } from './weights-io';

const root = mkdtempSync(join(tmpdir(), 'tunekit-runtime-io-'));

function mlp(hidden: number): tf.LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [3], units: hidden, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
  m.add(tf.layers.batchNormalization());
  m.add(tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
  return m;
}

beforeAll(async () => {
  await initRuntime({ backend: 'wasm', log: false });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('saveModel / loadModel', () => {
  it('round-trips a LayersModel through model.json + weights.bin (path and file:// URL), no temp files left', async () => {
    const dir = join(root, 'mlp');
    const model = mlp(4);
    const x = tf.tensor2d([[1, 2, 3], [-1, 0, 2]]);
    const y = model.predict(x) as tf.Tensor;
    const result = await saveModel(model, dir);
    expect(result.modelArtifactsInfo.weightDataBytes).toBe((3 * 4 + 4 + 4 * 4 + 4 * 1 + 1) * 4);
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
    for (const location of [dir, pathToFileURL(dir).href, pathToFileURL(join(dir, 'model.json'))]) {
      const loaded = await loadModel(location);
      const z = loaded.predict(x) as tf.Tensor;
      expect(Array.from(z.dataSync())).toEqual(Array.from(y.dataSync()));
      z.dispose();
      loaded.dispose();
    }
    tf.dispose([x, y]);
    model.dispose();
  });

  it('fails clearly on missing, corrupt, truncated and mismatched files', async () => {
    const dir = join(root, 'broken');
    const model = mlp(4);
    await saveModel(model, dir);
    await expect(loadModel(join(root, 'nowhere'))).rejects.toMatchObject({ code: 'IO_ERROR' });
    await expect(loadModel('https://example.invalid/m')).rejects.toThrow(/Only file:\/\/ URLs/);
    const json = readFileSync(join(dir, 'model.json'), 'utf8');

    truncateSync(join(dir, 'weights.bin'), 10);
    await expect(loadModel(dir)).rejects.toMatchObject({ code: 'CORRUPT_ARTIFACT', message: expect.stringMatching(/holds 10 bytes/) });

    writeFileSync(join(dir, 'model.json'), json.slice(0, 40));
    await expect(loadModel(dir)).rejects.toMatchObject({ code: 'CORRUPT_ARTIFACT', message: expect.stringMatching(/not valid JSON/) });

    // Topology of an 8-unit model with the weights of the 4-unit one: sizes disagree.
    const other = join(root, 'other');
    const wide = mlp(8);
    await saveModel(wide, other);
    await saveModel(model, dir);
    const wideJson = JSON.parse(readFileSync(join(other, 'model.json'), 'utf8')) as { modelTopology: unknown };
    const small = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { modelTopology: unknown };
    small.modelTopology = wideJson.modelTopology;
    writeFileSync(join(dir, 'model.json'), JSON.stringify(small));
    await expect(loadModel(dir)).rejects.toMatchObject({ code: 'ARTIFACT_MISMATCH' });
    model.dispose();
    wide.dispose();
  });
});

describe('saveWeights / loadWeights', () => {
  it('round-trips named tensors and checks expected names and shapes', async () => {
    const dir = join(root, 'raw');
    const a = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
    const b = tf.tensor1d([7, 8], 'int32');
    await saveWeights({ table: a, counts: b }, dir, { note: 'x' });
    const back = await loadWeights(dir, { table: [3, 2], counts: [2] });
    expect(Array.from(back['table']!.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(back['counts']!.dtype).toBe('int32');
    await expect(loadWeights(dir, { table: [2, 3], counts: [2] })).rejects.toThrow(/"table" has shape \[3, 2\], expected \[2, 3\]/);
    await expect(loadWeights(dir, { table: [3, 2] })).rejects.toThrow(/does not expect: counts/);
    await expect(loadWeights(dir, { table: [3, 2], counts: [2], bias: [1] })).rejects.toThrow(/no weight "bias"/);
    await expect(loadModel(dir)).rejects.toThrow(/raw weights/);
    tf.dispose([a, b, ...Object.values(back)]);
  });
});

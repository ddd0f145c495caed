import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { RuntimeError } from '../runtime.error';
import { initRuntime } from './init-runtime';
import type { BackendRequest } from './init-runtime';

describe('initRuntime', () => {
  it('auto picks node when it loads, else wasm with SIMD, says why node was skipped, and logs once', async () => {
    const lines: string[] = [];
    const info = await initRuntime({ log: (m) => lines.push(m) });
    await initRuntime({ log: (m) => lines.push(m) });
    if (info.backend === 'wasm') {
      expect(info.skipped.node).toMatch(/tfjs-node/);
      expect(info.simd).toBe(true);
      expect(info.kernels).toEqual(expect.arrayContaining(['BatchMatMul', '_FusedMatMul', 'UnsortedSegmentSum']));
    } else expect(info.backend).toBe('node');
    expect(tf.getBackend()).toBe(info.tfBackend);
    expect(lines.filter((l) => l.includes(`backend ${info.backend}`))).toHaveLength(1);
  });

  it('node: fails with BACKEND_UNAVAILABLE naming the reason when tfjs-node cannot load', async () => {
    let hasNode = true;
    try {
      await import('@tensorflow/tfjs-node' as string);
    } catch {
      hasNode = false;
    }
    if (hasNode) return; // nothing to assert on a machine where tfjs-node really loads
    const err = await initRuntime({ backend: 'node', log: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuntimeError);
    expect((err as RuntimeError).code).toBe('BACKEND_UNAVAILABLE');
    expect((err as RuntimeError).message).toMatch(/tfjs-node is not installed|failed to load/);
  });

  it('switches between cpu and wasm on request and re-registers nothing twice', async () => {
    const cpu = await initRuntime({ backend: 'cpu', log: false });
    expect(tf.getBackend()).toBe('cpu');
    expect(cpu.kernels).toEqual(['UnsortedSegmentSum']); // linear-time replacement of the stock one
    const wasm = await initRuntime({ backend: 'wasm', log: false });
    expect(tf.getBackend()).toBe('wasm');
    const again = await initRuntime({ backend: 'wasm', log: false });
    expect(again.kernels).toEqual(wasm.kernels);
  });

  it('rejects an unknown backend name', async () => {
    await expect(initRuntime({ backend: 'gpu' as BackendRequest })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

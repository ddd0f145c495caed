import { describe, expect, it } from 'vitest';
import { parseBackend, torchReference } from './runtime';
import type { TorchModel, TorchRun } from './runtime';

const model = (seconds: number, cpu: number, extra: Partial<TorchModel> = {}): TorchModel => ({ seconds_per_epoch: seconds, cpu_seconds_per_epoch: cpu, final_loss: 0.5, ...extra });
const torchRun = (threads: number, mlp: TorchModel, tt: TorchModel): TorchRun => ({ threads, torch: '1.13', blas: [], load_avg_before: [0, 0, 0], mlp, two_tower: tt });

describe('runtime bench helpers', () => {
  it('parseBackend reads wasm:<threads> and rejects threads elsewhere', () => {
    expect(parseBackend('wasm')).toEqual({ kind: 'wasm', threads: 1, label: 'wasm' });
    expect(parseBackend('wasm:2')).toEqual({ kind: 'wasm', threads: 2, label: 'wasm-2threads' });
    expect(parseBackend('cpu')).toEqual({ kind: 'cpu', threads: 1, label: 'cpu' });
    expect(() => parseBackend('cpu:2')).toThrow(/only wasm takes a thread count/);
    expect(() => parseBackend('gpu')).toThrow(/unknown backend "gpu"/);
  });

  it('torchReference takes the fastest wall clock over thread counts and the 1-thread CPU seconds of the cheaper variant', () => {
    const runs = [
      // 1 thread: MLP 0.6 s wall; two-tower SparseAdam reported (3.0 s), dense Adam CPU 4.4 s
      torchRun(1, model(0.6, 0.6), model(3.0, 3.1, { variant: 'SparseAdam + Adam', dense_adam_cpu_seconds_per_epoch: 4.4, sparse_adam_cpu_seconds_per_epoch: 3.1 })),
      // 2 threads: MLP slower, two-tower faster on the wall, dearer in CPU
      torchRun(2, model(0.9, 1.7), model(2.0, 3.9, { variant: 'dense Adam', dense_adam_cpu_seconds_per_epoch: 3.9, sparse_adam_cpu_seconds_per_epoch: 5.0 })),
    ];
    expect(torchReference(runs, 'mlp')).toEqual({ threads: 1, variant: 'Adam', seconds_per_epoch: 0.6, final_loss: 0.5, cpu_seconds_per_epoch_1_thread: 0.6 });
    expect(torchReference(runs, 'two_tower')).toEqual({ threads: 2, variant: 'dense Adam', seconds_per_epoch: 2, final_loss: 0.5, cpu_seconds_per_epoch_1_thread: 3.1 });
    expect(torchReference([], 'mlp')).toBeNull();
  });
});

import { z } from 'zod';

/** Learning-rate schedule config: constant, step decay, cosine, or reduce-on-plateau. */
export const LrScheduleSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('constant') }).strict(),
  z.object({ type: z.literal('step'), every: z.number().int().positive(), factor: z.number().positive().max(1) }).strict(),
  z.object({ type: z.literal('cosine'), minFactor: z.number().min(0).max(1).default(0.01) }).strict(),
  z
    .object({ type: z.literal('plateau'), patience: z.number().int().positive(), factor: z.number().positive().max(1), minLr: z.number().nonnegative().default(1e-6) })
    .strict(),
]);
/** See {@link LrScheduleSchema}. */
export type LrSchedule = z.infer<typeof LrScheduleSchema>;

/**
 * Tracks the learning rate across epochs.
 * @example
 * ```ts
 * const s = new LrScheduler(1e-3, { type: 'step', every: 10, factor: 0.5 }, 100);
 * s.lrForEpoch(10); // 5e-4
 * ```
 */
export class LrScheduler {
  private plateauBest = Number.POSITIVE_INFINITY;
  private plateauWait = 0;
  private current: number;

  constructor(
    private readonly baseLr: number,
    private readonly schedule: LrSchedule,
    private readonly totalEpochs: number,
  ) {
    this.current = baseLr;
  }

  /** The learning rate to use for epoch `epoch` (0-based). */
  lrForEpoch(epoch: number): number {
    const s = this.schedule;
    if (s.type === 'step') this.current = this.baseLr * s.factor ** Math.floor(epoch / s.every);
    else if (s.type === 'cosine') {
      const t = this.totalEpochs <= 1 ? 1 : epoch / (this.totalEpochs - 1);
      this.current = this.baseLr * (s.minFactor + (1 - s.minFactor) * 0.5 * (1 + Math.cos(Math.PI * t)));
    }
    return this.current;
  }

  /** Feeds the epoch's validation loss (only `plateau` uses it). */
  observe(valLoss: number): void {
    const s = this.schedule;
    if (s.type !== 'plateau') return;
    if (valLoss < this.plateauBest - 1e-9) {
      this.plateauBest = valLoss;
      this.plateauWait = 0;
    } else if (++this.plateauWait >= s.patience) {
      this.current = Math.max(s.minLr, this.current * s.factor);
      this.plateauWait = 0;
    }
  }
}

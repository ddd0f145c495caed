import { z } from 'zod';
import { LrScheduleSchema } from '../training/lr-schedule';

/** Architecture of the listens MLP. */
export const ListensModelConfigSchema = z
  .object({
    /** Hidden layer widths (2–3 layers as the design asks; 1–4 allowed). */
    hidden: z.array(z.number().int().positive()).min(1).max(4).default([64, 32]),
    /** Dropout rate after each hidden layer. */
    dropout: z.number().min(0).max(0.9).default(0.1),
    /** Batch-norm after each hidden dense layer. */
    batchNorm: z.boolean().default(false),
    /** Add a linear path from the inputs to the output (wide & deep); the MLP learns the residual. */
    linearSkip: z.boolean().default(true),
    /** Number of independently seeded networks whose predictions are averaged. */
    ensemble: z.number().int().min(1).max(20).default(1),
  })
  .strict();
/** See {@link ListensModelConfigSchema}. */
export type ListensModelConfig = z.infer<typeof ListensModelConfigSchema>;

/** Optimisation settings of the listens MLP. */
export const ListensTrainingConfigSchema = z
  .object({
    epochs: z.number().int().positive().default(300),
    batchSize: z.number().int().positive().default(64),
    learningRate: z.number().positive().default(0.001),
    schedule: LrScheduleSchema.default({ type: 'constant' }),
    patience: z.number().int().positive().default(30),
    seed: z.number().int().default(42),
    loss: z
      .discriminatedUnion('type', [z.object({ type: z.literal('mse') }).strict(), z.object({ type: z.literal('huber'), delta: z.number().positive() }).strict()])
      .default({ type: 'mse' }),
  })
  .strict();
/** See {@link ListensTrainingConfigSchema}. */
export type ListensTrainingConfig = z.infer<typeof ListensTrainingConfigSchema>;

import { z } from 'zod';

/**
 * Hyper-parameters of the two-tower ranking head and its training loop (zod, strict: typos fail).
 * The head scores a (user, item) pair from the concatenation of the tower vectors, their
 * elementwise product, their dot product and the standardised compatibility features.
 */
export const rankingConfigSchema = z
  .object({
    /** Widths of the dense + ReLU + dropout layers before the final dense(1). */
    hidden: z.array(z.number().int().positive()).default([64, 32]),
    /** Dropout rate after every hidden layer (training only). */
    dropout: z.number().min(0).max(0.9).default(0.2),
    /** Sampled negatives per positive pair (re-drawn every epoch). */
    negativesPerPositive: z.number().int().positive().default(4),
    /** How negatives are drawn: uniformly over the catalogue, or ∝ train popularity (harder negatives). */
    negativeSampling: z.enum(['uniform', 'popularity']).default('uniform'),
    /** Adam learning rate. */
    learningRate: z.number().positive().default(0.002),
    /** Examples (positives and negatives) per step. */
    batchSize: z.number().int().positive().default(512),
    /** Maximum epochs (early stopping may end sooner). */
    epochs: z.number().int().positive().default(30),
    /** Epochs without validation AUC improvement before stopping (0 = never stop early). */
    patience: z.number().int().min(0).default(3),
    /** Include the user and item tower vectors in the head's input. */
    useTowerVectors: z.boolean().default(true),
    /** Include their elementwise product u ⊙ v. */
    useProduct: z.boolean().default(true),
    /** Include their dot product u · v (the retrieval score). */
    useDot: z.boolean().default(true),
    /** Include the compatibility features (when a fitted state is given). */
    useCompatibility: z.boolean().default(true),
    /** Cap on the examples used to fit the input standardisation (a seeded sample of the first epoch). */
    standardizationSample: z.number().int().positive().default(100_000),
    /** Seed of the initialiser, negative sampling, shuffles and dropout masks. */
    seed: z.number().int().default(42),
  })
  .strict();

/** Validated ranking-head hyper-parameters. */
export type RankingConfig = z.infer<typeof rankingConfigSchema>;

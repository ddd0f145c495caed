import { z } from 'zod';

/**
 * Hyper-parameters of the content-embedding (siamese) model and its training. The flag names of
 * the original training script map onto these keys (`--hidden-layers 128,64` → `hiddenLayers`).
 */
export const ContentEmbeddingConfigSchema = z
  .object({
    /** Widths of the dense ReLU layers before the embedding layer. */
    hiddenLayers: z.array(z.number().int().positive()).min(0).default([128, 64]),
    /** Width of the (L2-normalised) embedding. */
    embeddingSize: z.number().int().positive().default(64),
    /** Dropout after each hidden layer (training only). */
    dropoutRate: z.number().min(0).max(0.9).default(0.2),
    /**
     * `in-batch-softmax`: InfoNCE over the batch (every other pair's partner is a negative), the
     * default; `cosine`: mean cosine distance of positive pairs only (the original design —
     * collapses to one point, kept for comparison).
     */
    loss: z.enum(['in-batch-softmax', 'cosine']).default('in-batch-softmax'),
    /** Softmax temperature τ of the in-batch loss (logits = cos / τ). */
    temperature: z.number().positive().default(0.1),
    epochs: z.number().int().positive().default(50),
    batchSize: z.number().int().min(2).default(64),
    learningRate: z.number().positive().default(0.001),
    /** Share of positive pairs held out for the validation loss (model selection). */
    validationSplit: z.number().min(0).max(0.9).default(0.2),
    /** Epochs without validation improvement before stopping; 0 trains every epoch. */
    patience: z.number().int().min(0).default(8),
    /** Mean pairwise cosine above which the embedding counts as collapsed. */
    collapseThreshold: z.number().min(0).max(1).default(0.95),
    /** Tracks sampled each epoch to measure the embedding spread. */
    spreadSample: z.number().int().min(2).default(1000),
    seed: z.number().int().default(42),
  })
  .strict();

/** See {@link ContentEmbeddingConfigSchema}. */
export type ContentEmbeddingConfig = z.infer<typeof ContentEmbeddingConfigSchema>;

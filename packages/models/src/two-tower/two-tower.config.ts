import { z } from 'zod';

/**
 * Hyper-parameters of the two-tower retrieval model and its training loop (zod, strict: typos
 * fail). Defaults are generic; `configs/trainer/two-tower-lastfm.yaml` holds the values picked on
 * the Last.fm validation carve-out (see README.md).
 */
export const twoTowerConfigSchema = z
  .object({
    /** Width of both towers' output (and of the id embeddings). */
    dim: z.number().int().positive().default(64),
    /** Softmax temperature τ: logits = u·v / τ. */
    temperature: z.number().positive().default(0.1),
    /** Subtract log of each candidate's sampling probability from its logit (Yi et al. 2019). */
    logQ: z.boolean().default(true),
    /** Remove accidental hits (TFRS `remove_accidental_hits`): candidates are de-duplicated, so no row sees its own positive item as a negative. */
    removeAccidentalHits: z.boolean().default(true),
    /** Extra negatives per batch drawn uniformly from the catalogue (mixed negative sampling); 0 = in-batch only. */
    extraNegatives: z.number().int().min(0).default(0),
    /** Positive pairs per step. */
    batchSize: z.number().int().positive().default(1024),
    /** Maximum epochs (early stopping may end sooner). */
    epochs: z.number().int().positive().default(40),
    /** Adam learning rate of the sparse id-embedding tables (lazy Adam). */
    embeddingLearningRate: z.number().positive().default(0.005),
    /** Adam learning rate of the dense feature projections. */
    learningRate: z.number().positive().default(0.005),
    /** Half-width of the uniform initialiser of the embedding tables. */
    initScale: z.number().positive().default(0.05),
    /** Epochs without validation NDCG improvement before stopping (0 = never stop early). */
    patience: z.number().int().min(0).default(4),
    /** Probability of replacing a user id by the shared "unknown" row during training, so cold-start users served from features alone get a trained id vector. */
    userIdDropout: z.number().min(0).max(1).default(0),
    /** Same for item ids (cold items served from their features). */
    itemIdDropout: z.number().min(0).max(1).default(0),
    /**
     * Seed ensemble: the trainer task trains up to this many members (seeds seed, seed + 1000, …)
     * for the validation-chosen epoch count, keeps the member count 1…ensemble with the best
     * validation NDCG@10 and saves them side by side (scores = mean of the members' cosines).
     * 1 = a single model (the default; older artifacts are single-member).
     */
    ensemble: z.number().int().min(1).max(16).default(1),
    /**
     * Hidden layer widths of each tower's feature path. [] (the default) keeps the linear
     * projection f·W (exact explanations, bit-identical to the linear-only models); otherwise the
     * feature path is f → [Dense → BatchNorm → ReLU (→ dropout)]* → Dense(dim), added to the id
     * (and entity) embeddings before the L2 normalisation.
     */
    hidden: z.array(z.number().int().positive()).default([]),
    /** Batch-norm after every hidden Dense layer (absent = true when `hidden` is non-empty). */
    batchNorm: z.boolean().optional(),
    /** Moving-average momentum of the batch-norm statistics used at inference (Keras: moving = m·moving + (1 − m)·batch). */
    batchNormMomentum: z.number().min(0).lt(1).default(0.99),
    /**
     * Scale of the feature MLP's output-layer Glorot initialiser (relative to Glorot; the layer's
     * 1/width output multiplier is compensated). Small, so the feature path starts well below the
     * id embeddings, as the linear projection (0.1 × Glorot over sparse multi-hot inputs) does.
     */
    mlpInitScale: z.number().positive().default(0.01),
    /** Dropout rate after every hidden layer of the feature MLP (0 = none). */
    dropout: z.number().min(0).lt(1).default(0),
    /** Probability of replacing an entity id (artist, country, …) by its table's "unknown" row during training, so unseen entities get a trained vector. */
    entityDropout: z.number().min(0).max(1).default(0),
    /** Seed of initialisers, shuffles and samplers. */
    seed: z.number().int().default(42),
  })
  .strict();

/** Validated two-tower hyper-parameters. */
export type TwoTowerConfig = z.infer<typeof twoTowerConfigSchema>;

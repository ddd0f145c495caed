import { z } from 'zod';

/** Configuration of {@link trainMetadataAudio} (the trainer YAML's `model:` block). */
export const metadataAudioConfigSchema = z
  .object({
    /** Audio features to predict. */
    targets: z.array(z.string().min(1)).min(1).default(['danceability', 'energy', 'valence', 'tempo', 'loudness']),
    /** Seed of the validation carve-out, folds, trees, MLP and k-means. */
    seed: z.number().int().default(42),
    /** Share of training tracks held out to choose tree counts, MLP epochs and the winner per feature. */
    validationFraction: z.number().gt(0).lt(0.5).default(0.15),
    features: z
      .object({
        /** Width of the genre multi-hot (most frequent train genres). */
        topGenres: z.number().int().min(0).default(20),
        /** Smoothing weight m of the mean-target encodings. */
        smoothing: z.number().min(0).default(10),
        /** Folds of the out-of-fold encodings on training rows. */
        folds: z.number().int().min(2).default(5),
        /** Fold grouping for out-of-fold encodings (and the validation carve-out). */
        grouping: z.enum(['first-artist', 'random']).default('first-artist'),
        /** Emit the artist mean-target encoding block. */
        artist: z.boolean().default(true),
        /** Emit the genre (tag) mean-target encoding block. */
        genre: z.boolean().default(true),
        /** Emit the related-artist mean-target encoding block. */
        related: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    gbdt: z
      .object({
        /** Boosting rounds at most (the validation carve-out picks the count per feature). */
        nTrees: z.number().int().min(1).default(300),
        learningRate: z.number().gt(0).default(0.1),
        maxDepth: z.number().int().min(1).default(4),
        minLeaf: z.number().int().min(1).default(20),
        lambda: z.number().min(0).default(1),
        subsample: z.number().gt(0).max(1).default(0.8),
        maxBins: z.number().int().min(2).max(255).default(255),
      })
      .strict()
      .prefault({}),
    mlp: z
      .object({
        /** Also train the one multi-output MLP and keep it where it beats the trees. */
        enabled: z.boolean().default(true),
        hidden: z.array(z.number().int().min(1)).default([64, 32]),
        learningRate: z.number().gt(0).default(1e-3),
        batchSize: z.number().int().min(1).default(256),
        epochs: z.number().int().min(1).default(60),
        patience: z.number().int().min(1).default(8),
        l2: z.number().min(0).default(1e-5),
      })
      .strict()
      .prefault({}),
    kmeans: z
      .object({
        k: z.number().int().min(1).default(8),
        nInit: z.number().int().min(1).default(10),
        seed: z.number().int().default(42),
      })
      .strict()
      .prefault({}),
  })
  .strict();

/** Validated configuration of the metadata → audio family. */
export type MetadataAudioConfig = z.infer<typeof metadataAudioConfigSchema>;

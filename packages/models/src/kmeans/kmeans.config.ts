import { z } from 'zod';

/** Options of {@link fitKMeans}. */
export const kmeansConfigSchema = z
  .object({
    /** Number of clusters. */
    k: z.number().int().min(1),
    /** Independent k-means++ restarts; the run with the lowest inertia wins. */
    nInit: z.number().int().min(1).default(10),
    /** Lloyd iterations per restart at most. */
    maxIter: z.number().int().min(1).default(300),
    /** Stop a restart when the relative inertia change falls below this. */
    tol: z.number().min(0).default(1e-6),
    /** Seed of the k-means++ initialisation. */
    seed: z.number().int().default(42),
  })
  .strict();

/** Validated k-means options. */
export type KMeansConfig = z.infer<typeof kmeansConfigSchema>;
/** k-means options as a caller may write them (defaults filled in by the schema). */
export type KMeansConfigInput = z.input<typeof kmeansConfigSchema>;

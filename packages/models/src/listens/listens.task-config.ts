import { isAbsolute, resolve } from 'node:path';
import { applySplitMap, randomSplit, readSplitFile, type SplitIndices } from '@tunekit/preprocessing';
import { z } from 'zod';
import { ListensModelConfigSchema, ListensTrainingConfigSchema } from './listens.config';

/** How rows are split into train / validation / test. */
export const ListensSplitSchema = z.discriminatedUnion('kind', [
  z
    .object({
      /** A split file: one row per track with its part (`train`, `validation`, `test`). */
      kind: z.literal('file'),
      path: z.string(),
      idColumn: z.string().default('track_id'),
      splitColumn: z.string().default('split'),
    })
    .strict(),
  z
    .object({
      /** A seeded random split: test share, then a validation carve-out of the rest. */
      kind: z.literal('random'),
      test: z.number().min(0).max(0.9).default(0.2),
      validation: z.number().min(0).max(0.9).default(0.1),
      seed: z.number().int().default(42),
    })
    .strict(),
]);
export type ListensSplit = z.infer<typeof ListensSplitSchema>;

/** The listens family's trainer/evaluator config (everything but `task` and `database`). */
export const ListensTaskConfigSchema = z
  .object({
    data: z
      .object({
        /** Dataset to make sure is loaded first (see the trainer's dataset registry). */
        load: z.object({ dataset: z.string(), options: z.record(z.string(), z.unknown()).default({}) }).strict().optional(),
        /** `tracks.source` of the rows to use (`fma`, `synthetic`, ...). */
        source: z.string(),
        split: ListensSplitSchema,
      })
      .strict(),
    /** Feature spec (see @tunekit/preprocessing `FeatureSpecInput`); validated there with named paths. */
    features: z.array(z.record(z.string(), z.unknown())).min(1),
    /** Regression target. */
    target: z
      .object({
        name: z.string().default('listens'),
        transform: z.enum(['log1p', 'none']).default('log1p'),
        /** z-score the (transformed) target with train statistics; predictions are mapped back. */
        standardize: z.boolean().default(true),
      })
      .strict()
      .default({ name: 'listens', transform: 'log1p', standardize: true }),
    model: ListensModelConfigSchema.default(ListensModelConfigSchema.parse({})),
    training: ListensTrainingConfigSchema.default(ListensTrainingConfigSchema.parse({})),
  })
  .strict();
export type ListensTaskConfig = z.infer<typeof ListensTaskConfigSchema>;

/**
 * Computes the train/validation/test row indices a {@link ListensSplit} asks for.
 * @param externalIds - the rows' external ids (matched against a split file's id column)
 * @param baseDir - directory that relative split-file paths are resolved against
 */
export async function resolveListensSplit(split: ListensSplit, externalIds: readonly string[], baseDir: string): Promise<SplitIndices> {
  if (split.kind === 'random') return randomSplit(externalIds.length, { test: split.test, validation: split.validation, seed: split.seed });
  const map = await readSplitFile(isAbsolute(split.path) ? split.path : resolve(baseDir, split.path), { idColumn: split.idColumn, splitColumn: split.splitColumn });
  return applySplitMap(externalIds, map);
}

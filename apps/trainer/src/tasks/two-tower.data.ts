import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { CliError, type Logger } from '@tunekit/cli-kit';
import {
  getInteractionSplit,
  getItemAttributes,
  getPlaysAsInteractions,
  getTagAssignments,
  importInteractionSplit,
  type TunekitDb,
  type UserAttributes,
} from '@tunekit/data-access';
import { categoricalColumns, encodeCategorical, fitCategorical, indexInteractions, type FeatureMatrix, type IndexedInteractions, type InteractionMatrix } from '@tunekit/models';
import { featureSpec, holdoutInteractions, userProfileColumns, type Columns, type FittedFeatureSpec } from '@tunekit/preprocessing';
import { DataLoadSchema, ensureDataset } from '../data/datasets';

/** Where the training pairs come from: an imported split file, or a seeded holdout of the play log. */
export const InteractionsSchema = z.discriminatedUnion('kind', [
  z
    .object({
      /** A benchmark split file (user<TAB>item<TAB>weight, header), imported into the database's interaction_splits, then read back. */
      kind: z.literal('split'),
      /** Split file to import (relative to the workspace root). */
      file: z.string(),
      /** Name of the benchmark in the database (interaction_splits.dataset). */
      dataset: z.string(),
      /** Name of this part (interaction_splits.split). */
      split: z.string().default('train'),
    })
    .strict(),
  z
    .object({
      /** The plays of `data.itemSource` (artist_plays or track_plays, by item kind), split here: cold users, then a per-user holdout. */
      kind: z.literal('holdout'),
      /** Share of each warm user's items held out for test. */
      fraction: z.number().gt(0).lt(1).default(0.2),
      /** Users with fewer items keep all in train. */
      minItems: z.number().int().min(2).default(5),
      /** Share of interactions whose users are held out entirely (cold-start users, served from features alone). */
      coldUsers: z.number().min(0).lt(1).default(0),
      seed: z.number().int().default(42),
    })
    .strict(),
]);
export type InteractionsConfig = z.infer<typeof InteractionsSchema>;

/** The `data` block of the two-tower trainer config. */
export const TwoTowerDataSchema = z
  .object({
    /** Datasets to make sure are in the database first (the trainer's dataset registry). */
    load: z.array(DataLoadSchema).default([]),
    /** What an item is: `artist` (artist_plays) or `track` (track_plays). Data, stored with the artifacts. */
    itemKind: z.enum(['artist', 'track']),
    /** users.source of the users. */
    userSource: z.string(),
    /** artists.source / tracks.source of the items (and of their plays and tags). */
    itemSource: z.string(),
    interactions: InteractionsSchema,
    /** Item tags from tag_assignments as a multi-hot (1/√n) block of the item features. */
    itemTags: z
      .object({
        /** Keep the most frequent tags (counted as (item, tag) pairs over training items). */
        top: z.number().int().positive().default(200),
        minCount: z.number().int().positive().default(2),
        /** Use only assignments whose (user, item) pair is a training interaction (no leak from held-out plays). */
        onlyTrainPairs: z.boolean().default(true),
      })
      .strict()
      .optional(),
  })
  .strict();
export type TwoTowerDataConfig = z.infer<typeof TwoTowerDataSchema>;

/** An entity feature: a column embedded with its own table; values seen fewer than `minCount` times share the unknown row. */
const EntitySchema = z.object({ name: z.string(), column: z.string().optional(), minCount: z.number().int().positive().default(2) }).strict();

/** Feature specs of both towers (see @tunekit/preprocessing `FeatureSpecInput`), fitted on training rows. */
export const TwoTowerFeaturesSchema = z
  .object({
    /** Columns: age, gender, country, plays, items, genre_entropy, top_genre, audio_<name>. */
    user: z.array(z.record(z.string(), z.unknown())).default([]),
    /** Columns: artist, genre, year, duration_s, audio_<name> (tracks); genre, audio_<name> (artists). */
    item: z.array(z.record(z.string(), z.unknown())).default([]),
    /** High-cardinality categoricals embedded with their own sparse table (+ unknown row), e.g. country. */
    userEntities: z.array(EntitySchema).default([]),
    /** e.g. `{ name: artist }`: the item's artist as an entity embedding (tracks), instead of a one-hot of thousands of columns. */
    itemEntities: z.array(EntitySchema).default([]),
    /**
     * With `model.userIdDropout` > 0, rows whose user id is dropped also get the user's cold-start
     * features (demographics, history-derived columns at empty-history values), so the unknown-id row
     * is trained on what cold-start users are served with.
     */
    coldStartRows: z.boolean().default(true),
  })
  .strict()
  .default({ user: [], item: [], userEntities: [], itemEntities: [], coldStartRows: true });

/** Pairs with external ids. */
export interface Pairs {
  users: string[];
  items: string[];
  weights: Float32Array;
}

/** The loaded training data of one two-tower run. */
export interface TwoTowerTrainingData {
  indexed: IndexedInteractions;
  /** float32 [pairs]: summed play count of each CSR pair of `indexed.matrix`. */
  pairWeights: Float32Array;
  /** Held-out pairs (holdout kind only): warm test pairs and cold-start users' pairs. */
  heldOut: { test: Pairs; cold: Pairs } | null;
  /** Where the pairs came from (for the artifacts and the data hash). */
  description: string;
}

function resolvePath(root: string, p: string): string {
  return isAbsolute(p) ? p : join(root, p);
}

function subset(p: Pairs, rows: Int32Array): Pairs {
  return { users: Array.from(rows, (r) => p.users[r]!), items: Array.from(rows, (r) => p.items[r]!), weights: Float32Array.from(rows, (r) => p.weights[r]!) };
}

/**
 * Loads the training pairs a config names: ensures the datasets, imports a split file into the
 * database (idempotent) and reads it back, or splits the play log with a seeded holdout.
 *
 * @throws CliError `CONFIG_INVALID` when no interactions are found (names the config key)
 */
export async function loadTrainingPairs(db: TunekitDb, data: TwoTowerDataConfig, ctx: { workspaceRoot: string; log: Logger }): Promise<TwoTowerTrainingData> {
  for (const load of data.load) await ensureDataset(db, load, ctx);
  let train: Pairs;
  let heldOut: TwoTowerTrainingData['heldOut'] = null;
  let description: string;
  const it = data.interactions;
  if (it.kind === 'split') {
    const path = resolvePath(ctx.workspaceRoot, it.file);
    const r = await importInteractionSplit(db.db, { path, dataset: it.dataset, split: it.split, itemKind: data.itemKind, userSource: data.userSource, itemSource: data.itemSource });
    if (r.rowsImported > 0) ctx.log.info(`imported ${path} into interaction_splits as ${it.dataset}/${it.split}: ${r.rowsImported} rows`);
    const s = await getInteractionSplit(db.db, { dataset: it.dataset, split: it.split, itemKind: data.itemKind });
    train = { users: s.userIds, items: s.itemIds, weights: s.weights };
    description = `${it.dataset}/${it.split} (${it.file})`;
  } else {
    const plays = await getPlaysAsInteractions(db.db, { itemKind: data.itemKind, source: data.itemSource });
    const all: Pairs = { users: plays.userIds, items: plays.itemIds, weights: plays.weights };
    if (all.users.length === 0) throw new CliError('CONFIG_INVALID', `No ${data.itemKind} plays with source "${data.itemSource}" in the database: load a dataset first (data.load) or fix data.itemSource.`, { context: { key: 'data.itemSource' } });
    const split = holdoutInteractions(all.users, { fraction: it.fraction, minItems: it.minItems, coldUsers: it.coldUsers, seed: it.seed });
    train = subset(all, split.train);
    heldOut = { test: subset(all, split.test), cold: subset(all, split.cold) };
    description = `${data.itemSource} ${data.itemKind} plays, holdout ${it.fraction} per user, ${it.coldUsers} cold users, seed ${it.seed}`;
    ctx.log.info(`holdout: ${split.train.length} train / ${split.test.length} test / ${split.cold.length} cold-user pairs`);
  }
  if (train.users.length === 0) throw new CliError('CONFIG_INVALID', `No training interactions for data.interactions (${description}).`, { context: { key: 'data.interactions' } });
  const indexed = indexInteractions(train.users, train.items);
  const x = indexed.matrix;
  // Summed weight of each CSR pair (the matrix is binary; profiles weigh by plays).
  const pairWeights = new Float32Array(x.userItems.length);
  const userIndex = new Map(indexed.userIds.map((id, k) => [id, k]));
  const itemIndex = new Map(indexed.itemIds.map((id, k) => [id, k]));
  const slot = new Map<number, number>();
  for (let u = 0; u < x.nUsers; u++) for (let k = x.userPtr[u]!; k < x.userPtr[u + 1]!; k++) slot.set(u * x.nItems + x.userItems[k]!, k);
  for (let r = 0; r < train.users.length; r++) {
    const k = slot.get(userIndex.get(train.users[r]!)! * x.nItems + itemIndex.get(train.items[r]!)!)!;
    pairWeights[k]! += train.weights[r]!;
  }
  return { indexed, pairWeights, heldOut, description };
}

/** Raw per-item attribute columns (rows = item indices) plus the item genre and audio arrays used by the user profiles. */
export interface ItemColumns {
  columns: Columns;
  genre: (string | null)[];
  audio: { names: string[]; values: Float32Array };
}

/**
 * Item attribute columns from the database, aligned with the training item vocabulary:
 * `name`, `artist` (external id), `genre`, `year`, `duration_s`, `audio_<name>` (null / NaN where
 * unknown or the item has no attributes row).
 */
export async function itemColumns(db: TunekitDb, data: TwoTowerDataConfig, itemIds: readonly string[]): Promise<ItemColumns> {
  const attrs = await getItemAttributes(db.db, { itemKind: data.itemKind, source: data.itemSource });
  const row = new Map(attrs.ids.map((id, k) => [id, k]));
  const rows = itemIds.map((id) => row.get(id) ?? -1);
  const pick = <T>(col: ArrayLike<T>, missing: T): T[] => rows.map((r) => (r < 0 ? missing : col[r]!));
  const A = attrs.audioColumns.length;
  const audio = new Float32Array(itemIds.length * A).fill(Number.NaN);
  rows.forEach((r, i) => {
    if (r >= 0) audio.set(attrs.audio.subarray(r * A, (r + 1) * A), i * A);
  });
  const genre = pick(attrs.genres, null);
  const columns: Record<string, ArrayLike<unknown>> = {
    name: pick(attrs.names, null),
    artist: pick(attrs.artistIds, null),
    genre,
    year: pick(attrs.years, Number.NaN),
    duration_s: pick(attrs.durations, Number.NaN),
  };
  attrs.audioColumns.forEach((name, a) => {
    columns[`audio_${name}`] = Float32Array.from({ length: itemIds.length }, (_, i) => audio[i * A + a]!);
  });
  return { columns, genre, audio: { names: [...attrs.audioColumns], values: audio } };
}

/**
 * Raw per-user columns: demographics (`age`, `gender`, `country`, from `getUserAttributes`) plus profile
 * columns derived from the given CSR history (the training plays; empty rows for cold-start users):
 * `plays`, `items`, `genre_entropy`, `top_genre`, `audio_<name>`.
 */
export function userColumns(attrs: UserAttributes, userIds: readonly string[], history: { userPtr: Int32Array; userItems: Int32Array; weights: Float32Array; nItems: number }, items: ItemColumns): Columns {
  const row = new Map(attrs.ids.map((id, k) => [id, k]));
  const rows = userIds.map((id) => row.get(id) ?? -1);
  const profile = userProfileColumns({ userPtr: history.userPtr, userItems: history.userItems, weights: history.weights, nItems: history.nItems, itemGenre: items.genre, itemAudio: items.audio });
  return {
    ...profile,
    age: rows.map((r) => (r < 0 ? Number.NaN : attrs.ages[r]!)),
    gender: rows.map((r) => (r < 0 ? null : attrs.genders[r]!)),
    country: rows.map((r) => (r < 0 ? null : attrs.countries[r]!)),
  };
}

/** Fits a feature spec on the given columns and encodes them (null without features). */
export function fitFeatures(features: readonly Record<string, unknown>[], columns: Columns, key: string): { fitted: FittedFeatureSpec; matrix: FeatureMatrix } | null {
  if (features.length === 0) return null;
  try {
    const fitted = featureSpec({ features: features as never }).fit(columns);
    const t = fitted.transform(columns);
    return { fitted, matrix: { names: t.featureNames, values: t.matrix } };
  } catch (err) {
    throw new CliError('CONFIG_INVALID', `${key}: ${(err as Error).message}`, { cause: err, context: { key } });
  }
}

/** Multi-hot tag features of the items from tag_assignments (top tags; rare → <other>; none → <unknown>). */
export async function tagFeatures(db: TunekitDb, cfg: NonNullable<TwoTowerDataConfig['itemTags']>, data: TwoTowerDataConfig, indexed: IndexedInteractions): Promise<{ features: FeatureMatrix; vocabulary: string[] }> {
  const x: InteractionMatrix = indexed.matrix;
  const rows = await getTagAssignments(db.db, { itemKind: data.itemKind, source: data.itemSource });
  const itemIndex = new Map(indexed.itemIds.map((id, k) => [id, k]));
  const userIndex = new Map(indexed.userIds.map((id, k) => [id, k]));
  const tagsOf: Set<string>[] = indexed.itemIds.map(() => new Set<string>());
  for (let r = 0; r < rows.itemIds.length; r++) {
    const i = itemIndex.get(rows.itemIds[r]!);
    if (i === undefined) continue;
    if (cfg.onlyTrainPairs) {
      const uid = rows.userIds[r];
      const u = uid === null || uid === undefined ? undefined : userIndex.get(uid);
      if (u === undefined) continue;
      if (!x.userItems.subarray(x.userPtr[u]!, x.userPtr[u + 1]!).includes(i)) continue;
    }
    tagsOf[i]!.add(rows.tags[r]!);
  }
  const values = tagsOf.map((s) => (s.size > 0 ? [...s] : null));
  const vocab = fitCategorical('tag', values, cfg.minCount, cfg.top);
  const rare = new Set(values.flatMap((v) => v ?? []));
  return { features: { names: categoricalColumns(vocab), values: encodeCategorical(vocab, values, rare) }, vocabulary: [...vocab.categories] };
}

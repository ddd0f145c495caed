/**
 * Test fixtures: real (tiny) trained runs of every served family, written the way the trainer
 * writes them (`<modelsRoot>/<model>/<run-id>/` + `latest`), and a real embedded database with a
 * few tracks. Planted structure keeps them meaningful; sizes keep them fast.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '@tunekit/core';
import { pointSymlinkAtomic, writeJsonAtomic } from '@tunekit/cli-kit';
import { openDatabase } from '@tunekit/data-access';
import {
  ContentEmbeddingConfigSchema,
  ListensModel,
  ListensModelConfigSchema,
  ListensTrainingConfigSchema,
  buildInteractionMatrix,
  categoricalColumns,
  encodeCategorical,
  fitCategorical,
  fitStandardizer,
  fitTwoTower,
  listensColumns,
  metadataAudioConfigSchema,
  sameLabelPairs,
  saveContentEmbedding,
  saveMetadataAudioModel,
  saveTwoTower,
  standardize,
  trainContentEmbedding,
  trainMetadataAudio,
  type LabelledTrack,
} from '@tunekit/models';
import { featureSpec } from '@tunekit/preprocessing';

const RUN = '20260101T000000Z-test';

function runDir(modelsRoot: string, model: string): string {
  const dir = join(modelsRoot, model, RUN);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function publish(modelsRoot: string, model: string): void {
  pointSymlinkAtomic(join(modelsRoot, model, 'latest'), RUN);
}

/** What the fixtures planted, for assertions. */
export interface TinyRuns {
  runId: string;
  /** Two-tower: users `u0…`, items `i0…`; a user of group g plays mostly items of group g. */
  users: string[];
  itemGroup: (itemId: string) => number;
  /** Item ids each user played in training. */
  historyOf: (userId: string) => Set<string>;
  userGroup: (userId: string) => number;
  /** Content embedding: track ids with their label. */
  trackIds: number[];
  /** Metadata-audio: ids the model knows (lookup fast path). */
  knownClusterIds: string[];
}

/**
 * Trains a two-tower (`tt`), a content embedding (`ce`), a listens regressor (`ls`) and a
 * metadata→audio model (`ma`) on tiny synthetic data into `modelsRoot`. Needs a tfjs backend.
 */
export async function trainTinyRuns(modelsRoot: string): Promise<TinyRuns> {
  const rng = new Rng(7);
  // two-tower: 4 groups × 6 items, 48 users with a gender-coded group
  const nUsers = 48;
  const nItems = 24;
  const users = Array.from({ length: nUsers }, (_, u) => `u${u}`);
  const groupOfUser = users.map((_, u) => u % 4);
  const tu: number[] = [];
  const ti: number[] = [];
  for (let u = 0; u < nUsers; u++) {
    const seen = new Set<number>();
    while (seen.size < 5) seen.add((groupOfUser[u] as number) * 6 + rng.int(6));
    for (const i of seen) {
      tu.push(u);
      ti.push(i);
    }
  }
  const train = buildInteractionMatrix(tu, ti, nUsers, nItems);
  const gv = fitCategorical('group', groupOfUser.map((g) => `g${g}`), 1);
  const names = categoricalColumns(gv);
  const values = encodeCategorical(gv, groupOfUser.map((g) => `g${g}`));
  const fit = await fitTwoTower(
    { train, userFeatures: { names, values } },
    { dim: 8, batchSize: 32, epochs: 6, patience: 0, learningRate: 0.05, embeddingLearningRate: 0.05, temperature: 0.2, userIdDropout: 0.5, seed: 3 },
  );
  saveTwoTower(runDir(modelsRoot, 'tt'), {
    itemKind: 'track',
    dim: 8,
    config: fit.config,
    userIds: users,
    itemIds: Array.from({ length: nItems }, (_, i) => `i${i}`),
    userFeatureNames: names,
    itemFeatureNames: [],
    weights: fit.weights,
    userFeatures: values,
    itemFeatures: new Float32Array(0),
    historyPtr: train.userPtr,
    historyItems: train.userItems,
  });
  publish(modelsRoot, 'tt');

  // content embedding: 30 tracks, 3 labels separated in 4 features
  const trackIds = Array.from({ length: 30 }, (_, i) => 100 + i);
  const labels = Int32Array.from(trackIds, (_, i) => i % 3);
  const raw = new Float32Array(30 * 4);
  for (let i = 0; i < 30; i++) for (let f = 0; f < 4; f++) raw[i * 4 + f] = (f === (labels[i] as number) ? 3 : 0) + rng.next();
  const standardizer = fitStandardizer(raw, ['a', 'b', 'c', 'd']);
  const x = standardize(raw, standardizer);
  const ce = await trainContentEmbedding({
    features: x,
    featureDim: 4,
    pairs: sameLabelPairs(labels, 3, 5),
    config: ContentEmbeddingConfigSchema.parse({ hiddenLayers: [8], embeddingSize: 4, epochs: 4, batchSize: 16, learningRate: 0.01, validationSplit: 0.2, patience: 0, spreadSample: 30, seed: 5 }),
  });
  const embeddings = ce.model.embed(x);
  await saveContentEmbedding(runDir(modelsRoot, 'ce'), { model: ce.model, standardizer, trackIds, embeddings });
  ce.model.dispose();
  publish(modelsRoot, 'ce');

  // listens: listens ≈ 20·favorites; favorites has no impute step, so a track without it cannot be scored
  const rows = Array.from({ length: 120 }, (_, i) => {
    const favorites = rng.int(20);
    return { id: i, duration_s: 100 + rng.int(200), track_number: 1 + rng.int(10), disc_number: 1, favorites, interest: 50 * favorites + rng.int(40), comments: rng.int(3), date_created: '2015-06-01', year_created: 2015, listens: Math.round(20 * favorites + 5 * rng.next()) };
  });
  const spec = featureSpec({
    features: [
      { name: 'duration_s', kind: 'numeric', steps: ['coerce', 'impute:median', 'log1p', 'zscore'] },
      { name: 'favorites', kind: 'numeric', steps: ['coerce', 'log1p', 'zscore'] },
      { name: 'interest', kind: 'numeric', steps: ['coerce', 'impute:median', 'log1p', 'zscore'] },
    ],
    target: { name: 'listens', column: 'listens', transform: 'log1p' },
  } as never);
  const cols = { ...listensColumns(rows), listens: rows.map((r) => r.listens) };
  const fitted = spec.fit(cols);
  const xs = fitted.transform(cols);
  const data = { x: xs.matrix, y: fitted.transformTarget(cols.listens), width: xs.width };
  const { model } = await ListensModel.train(
    data,
    data,
    ListensModelConfigSchema.parse({ hidden: [8], dropout: 0, ensemble: 1 }),
    ListensTrainingConfigSchema.parse({ epochs: 30, batchSize: 32, learningRate: 0.03, patience: 30, seed: 1 }),
  );
  const lsDir = runDir(modelsRoot, 'ls');
  await model.save(join(lsDir, 'model'));
  model.dispose();
  writeJsonAtomic(join(lsDir, 'preprocessing.json'), fitted.toJSON());
  publish(modelsRoot, 'ls');

  // metadata → audio: energy follows the genre
  const tracks: LabelledTrack[] = Array.from({ length: 80 }, (_, i) => {
    const loud = i % 2 === 0;
    return {
      id: `s${i}`,
      artists: [`artist${i % 8}`],
      popularity: rng.int(100),
      releaseYear: 1990 + rng.int(30),
      genres: [loud ? 'metal' : 'ambient'],
      audio: { energy: (loud ? 0.9 : 0.1) + 0.05 * rng.next(), valence: rng.next() },
    };
  });
  const ma = await trainMetadataAudio(
    tracks,
    metadataAudioConfigSchema.parse({
      targets: ['energy', 'valence'],
      gbdt: { nTrees: 10, minLeaf: 5, maxBins: 16 },
      mlp: { enabled: false },
      kmeans: { k: 2, nInit: 2 },
      features: { folds: 2 },
    }),
  );
  const maDir = runDir(modelsRoot, 'ma');
  saveMetadataAudioModel(join(maDir, 'model.json'), ma);
  publish(modelsRoot, 'ma');

  return {
    runId: RUN,
    users,
    userGroup: (u) => (groupOfUser[Number(u.slice(1))] as number),
    historyOf: (u) => {
      const n = Number(u.slice(1));
      return new Set(Array.from(train.userItems.subarray(train.userPtr[n], train.userPtr[n + 1]), (i) => `i${i}`));
    },
    itemGroup: (i) => Math.floor(Number(i.slice(1)) / 6),
    trackIds,
    knownClusterIds: tracks.map((t) => t.id),
  };
}

/**
 * Creates an embedded (PGlite) database at `url` with two tracks: a complete one and one without
 * `favorites` (which the tiny listens model requires). Returns their ids.
 */
export async function makeTrackDatabase(url: string): Promise<{ complete: number; missingFavorites: number; listens: number }> {
  const handle = await openDatabase(url);
  try {
    const base = { source: 'test', title: null, artist_id: null, album_id: null, duration_s: 180, track_number: 1, disc_number: 1, interest: 500, comments: 0, date_created: null, year_created: 2015 };
    const a = await handle.db.insertInto('tracks').values({ ...base, external_id: 'complete', favorites: 10, listens: 200 }).returning('id').executeTakeFirstOrThrow();
    const b = await handle.db.insertInto('tracks').values({ ...base, external_id: 'no-favorites', favorites: null, listens: 50 }).returning('id').executeTakeFirstOrThrow();
    return { complete: a.id, missingFavorites: b.id, listens: 200 };
  } finally {
    await handle.close();
  }
}

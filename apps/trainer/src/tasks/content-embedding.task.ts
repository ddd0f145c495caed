import { createHash } from 'node:crypto';
import { readSplitFile } from '@tunekit/preprocessing';
import { DataLoadSchema, ensureDataset } from '../data/datasets';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { CliError, writeJsonAtomic } from '@tunekit/cli-kit';
import { Rng } from '@tunekit/core';
import { getTracksOfArtistPlaysByName, type TunekitDb } from '@tunekit/data-access';
import {
  ContentEmbeddingConfigSchema,
  ModelsError,
  coOccurrencePairs,
  fitStandardizer,
  isHeldOutKey,
  sameLabelPairs,
  saveContentEmbedding,
  standardize,
  trainContentEmbedding,
  type PairSet,
} from '@tunekit/models';
import { initRuntime } from '@tunekit/runtime';
import { defineTrainTask } from '../task';

/** Audio feature columns of the `audio_features` table that may be embedded. */
const FEATURE_COLUMNS = ['acousticness', 'danceability', 'energy', 'instrumentalness', 'liveness', 'speechiness', 'tempo', 'valence', 'loudness', 'key', 'mode', 'time_signature'] as const;
type FeatureColumn = (typeof FEATURE_COLUMNS)[number];

/** Where the catalogue (tracks + audio features) comes from. Shared with the evaluator's config. */
export const CatalogueSchema = z
  .object({
    /** `tracks.source` of the tracks to embed (`spotify`, `fma`, `synthetic`). */
    source: z.string(),
    /** `audio_features.source` to read; default the same as `source`. */
    featureSource: z.string().optional(),
    /** Audio features, in model input order. */
    features: z.array(z.enum(FEATURE_COLUMNS)).min(1),
    /**
     * Optional split file (CSV: track external id, then split columns). When set, only tracks in
     * `trainSplit` of `splitColumn` give training pairs and fit the standardiser.
     */
    splitFile: z.string().nullable().default(null),
    splitColumn: z.string().default('random'),
    trainSplit: z.string().default('train'),
  })
  .strict();

/** How positive pairs are built. */
export const PairsSchema = z
  .object({
    /**
     * `track-plays`: tracks played by the same user (or session), plus tracks in the same playlist;
     * `artist-plays-by-name`: user–artist plays of `artistSource` joined to catalogue tracks by artist name;
     * `same-genre`: tracks sharing their primary genre (supervised reference protocol).
     */
    source: z.enum(['track-plays', 'artist-plays-by-name', 'same-genre']),
    /** `track-plays`: one group per user, or per listening session (plays less than `sessionGapMinutes` apart). */
    groupBy: z.enum(['user', 'session']).default('user'),
    sessionGapMinutes: z.number().positive().default(30),
    /** `track-plays`: also use playlists as groups. */
    includePlaylists: z.boolean().default(true),
    /** `artist-plays-by-name`: `artists.source` of the plays (e.g. `lastfm-2k`). */
    artistSource: z.string().default('lastfm-2k'),
    /** Cap on pairs drawn per group (user / session / playlist), sampled with the seed. */
    maxPairsPerGroup: z.number().int().positive().default(200),
    /** Share of users held out (no training pairs from them): the evaluator's co-listen test set. */
    holdoutFraction: z.number().min(0).max(0.9).default(0.2),
    holdoutSeed: z.number().int().default(7),
    /** `same-genre`: partners drawn per track. */
    pairsPerTrack: z.number().int().positive().default(5),
    /**
     * When the database has no interactions for the catalogue: `false` (default) stops with an
     * error; `true` generates synthetic taste groups (recorded in the artifacts).
     */
    syntheticIfEmpty: z.boolean().default(false),
    /** Synthetic groups: how many users and tracks per user. */
    syntheticUsers: z.number().int().positive().default(1000),
    syntheticTracksPerUser: z.number().int().min(2).default(20),
    seed: z.number().int().default(42),
  })
  .strict();

/** The whole `configs/trainer/content-embedding*.yaml` (besides `task` and `database`). */
export const ContentEmbeddingTaskConfigSchema = z
  .object({
    /** Datasets to make sure are in the database first (idempotent imports), in order. */
    load: z.array(DataLoadSchema).default([]),
    catalogue: CatalogueSchema,
    pairs: PairsSchema,
    model: ContentEmbeddingConfigSchema,
    /** Backend: `auto` (node → wasm → cpu). */
    backend: z.enum(['auto', 'wasm', 'cpu', 'node']).default('auto'),
    /** Write the embeddings into the `item_embeddings` table too. */
    writeEmbeddingsTable: z.boolean().default(true),
  })
  .strict();
export type ContentEmbeddingTaskConfig = z.infer<typeof ContentEmbeddingTaskConfigSchema>;

/** A catalogue read from the database: one row per track with audio features. */
export interface Catalogue {
  trackIds: number[];
  externalIds: string[];
  artistIds: (number | null)[];
  /** Primary genre title per track (null when unknown). */
  genres: (string | null)[];
  /** float32 [tracks, features], NaN = missing. */
  raw: Float32Array;
  features: string[];
}

/**
 * Reads tracks of `source` with their audio features and primary genre, ordered by track id.
 * @throws CliError `CONFIG_INVALID` when no track of the source has audio features.
 */
export async function readCatalogue(db: TunekitDb, cat: z.infer<typeof CatalogueSchema>): Promise<Catalogue> {
  const rows = await db.db
    .selectFrom('tracks as t')
    .innerJoin('audio_features as af', 'af.track_id', 't.id')
    .leftJoin('track_genres as tg', (j) => j.onRef('tg.track_id', '=', 't.id').on('tg.is_primary', '=', true))
    .leftJoin('genres as g', 'g.id', 'tg.genre_id')
    .select(['t.id', 't.external_id', 't.artist_id', 'g.title as genre', ...cat.features.map((c) => `af.${c}` as `af.${FeatureColumn}`)])
    .where('t.source', '=', cat.source)
    .where('af.source', '=', cat.featureSource ?? cat.source)
    .orderBy('t.id')
    .execute();
  if (rows.length === 0) {
    throw new CliError('CONFIG_INVALID', `catalogue.source: no "${cat.source}" tracks with "${cat.featureSource ?? cat.source}" audio features in the database. Import the dataset first (e.g. importSpotifyTracks from @tunekit/data-access for the Spotify sample, or tools/synth for synthetic data).`, {
      context: { key: 'catalogue.source' },
    });
  }
  const seen = new Set<number>();
  const unique = rows.filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)));
  const f = cat.features.length;
  const raw = new Float32Array(unique.length * f);
  unique.forEach((r, i) =>
    cat.features.forEach((c, j) => {
      const v = (r as unknown as Record<string, number | null>)[c];
      raw[i * f + j] = v === null || v === undefined ? Number.NaN : Number(v);
    }),
  );
  return {
    trackIds: unique.map((r) => r.id),
    externalIds: unique.map((r) => r.external_id),
    artistIds: unique.map((r) => r.artist_id),
    genres: unique.map((r) => r.genre ?? null),
    raw,
    features: [...cat.features],
  };
}


/** Interaction groups (user / session / playlist) as catalogue row indices, with the user id. */
export interface InteractionGroup {
  /** User id for hold-out assignment (−1 for playlists without a user: never held out). */
  userId: number;
  rows: Int32Array;
}

/**
 * Reads co-interaction groups for the catalogue from the database.
 * @returns groups of catalogue rows (singletons dropped)
 */
export async function readInteractionGroups(db: TunekitDb, catalogue: Catalogue, cat: z.infer<typeof CatalogueSchema>, pairs: z.infer<typeof PairsSchema>): Promise<InteractionGroup[]> {
  const rowOf = new Map<number, number>();
  catalogue.trackIds.forEach((id, i) => rowOf.set(id, i));
  const groups: InteractionGroup[] = [];
  const push = (userId: number, tracks: number[]): void => {
    const rows = [...new Set(tracks.map((t) => rowOf.get(t)).filter((r): r is number => r !== undefined))];
    if (rows.length >= 2) groups.push({ userId, rows: Int32Array.from(rows) });
  };
  if (pairs.source === 'artist-plays-by-name') {
    const rows = await getTracksOfArtistPlaysByName(db.db, { artistSource: pairs.artistSource, catalogueSource: cat.source });
    let cur = -1;
    let acc: number[] = [];
    for (const r of rows) {
      if (r.user_id !== cur) {
        if (cur >= 0) push(cur, acc);
        cur = r.user_id;
        acc = [];
      }
      acc.push(r.track_id);
    }
    if (cur >= 0) push(cur, acc);
    return groups;
  }
  // track-plays: per user or per session, plus playlists
  const plays = await db.db
    .selectFrom('track_plays as p')
    .innerJoin('tracks as t', 't.id', 'p.track_id')
    .select(['p.user_id', 'p.track_id', 'p.played_at'])
    .where('t.source', '=', cat.source)
    .orderBy('p.user_id')
    .orderBy('p.played_at')
    .orderBy('p.id')
    .execute();
  const gapMs = pairs.sessionGapMinutes * 60_000;
  let cur = -1;
  let last = Number.NEGATIVE_INFINITY;
  let acc: number[] = [];
  for (const p of plays) {
    const t = p.played_at ? new Date(p.played_at).getTime() : Number.NaN;
    const newSession = pairs.groupBy === 'session' && Number.isFinite(t) && Number.isFinite(last) && t - last > gapMs;
    if (p.user_id !== cur || newSession) {
      if (cur >= 0) push(cur, acc);
      cur = p.user_id;
      acc = [];
    }
    last = t;
    acc.push(p.track_id);
  }
  if (cur >= 0) push(cur, acc);
  if (pairs.includePlaylists) {
    const items = await db.db
      .selectFrom('playlist_tracks as pt')
      .innerJoin('playlists as pl', 'pl.id', 'pt.playlist_id')
      .innerJoin('tracks as t', 't.id', 'pt.track_id')
      .select(['pt.playlist_id', 'pl.user_id', 'pt.track_id'])
      .where('t.source', '=', cat.source)
      .orderBy('pt.playlist_id')
      .execute();
    let pl = -1;
    let user = -1;
    let list: number[] = [];
    for (const it of items) {
      if (it.playlist_id !== pl) {
        if (pl >= 0) push(user, list);
        pl = it.playlist_id;
        user = it.user_id ?? -1;
        list = [];
      }
      list.push(it.track_id);
    }
    if (pl >= 0) push(user, list);
  }
  return groups;
}

/**
 * Synthetic taste groups over a real catalogue, used only when the config asks for them: each
 * synthetic user picks a seed track and plays tracks drawn from its 50 nearest neighbours in
 * standardised feature space, plus 20% uniformly random tracks.
 */
export function syntheticGroups(x: Float32Array, f: number, users: number, perUser: number, seed: number): InteractionGroup[] {
  const n = x.length / f;
  const rng = new Rng(seed);
  const groups: InteractionGroup[] = [];
  for (let u = 0; u < users; u++) {
    const s = rng.int(n);
    const probe = Array.from({ length: Math.min(n, 2000) }, () => rng.int(n));
    const dist = probe.map((r) => {
      let d = 0;
      for (let j = 0; j < f; j++) d += ((x[r * f + j] as number) - (x[s * f + j] as number)) ** 2;
      return [d, r] as const;
    });
    dist.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const near = dist.slice(0, 50).map(([, r]) => r);
    const rows = Array.from({ length: perUser }, () => (rng.bernoulli(0.8) ? (near[rng.int(near.length)] as number) : rng.int(n)));
    groups.push({ userId: -(u + 2), rows: Int32Array.from(new Set(rows)) });
  }
  return groups;
}

function parseList(flag: string, value: string | boolean): string {
  if (typeof value !== 'string' || !/^\s*\d+(\s*,\s*\d+)*\s*$/.test(value)) {
    throw new CliError('CONFIG_INVALID', `--${flag} expects comma-separated integers such as 128,64, got ${JSON.stringify(value)}`, { context: { key: flag } });
  }
  return `[${value.split(',').map((s) => Number(s.trim())).join(',')}]`;
}

/** Flags of the original training script → config keys. */
const FLAG_KEYS: Readonly<Record<string, string>> = Object.freeze({
  epochs: 'model.epochs',
  'batch-size': 'model.batchSize',
  'validation-split': 'model.validationSplit',
  'learning-rate': 'model.learningRate',
  'embedding-size': 'model.embeddingSize',
  'hidden-layers': 'model.hiddenLayers',
  'dropout-rate': 'model.dropoutRate',
  temperature: 'model.temperature',
  loss: 'model.loss',
  seed: 'model.seed',
});

/**
 * Maps the original script's flags (`--epochs 50 --batch-size 64 --validation-split 0.2
 * --learning-rate 0.001 --embedding-size 64 --hidden-layers 128,64 --dropout-rate 0.2`) onto
 * `--set` overrides; they win over the YAML. Unknown flags are left alone.
 */
export function contentEmbeddingFlagOverrides(flags: Readonly<Record<string, string | boolean>>): string[] {
  const out: string[] = [];
  for (const [flag, key] of Object.entries(FLAG_KEYS)) {
    const v = flags[flag];
    if (v === undefined) continue;
    if (v === true) throw new CliError('CONFIG_INVALID', `--${flag} needs a value (e.g. --${flag} ${flag === 'hidden-layers' ? '128,64' : '0.2'})`, { context: { key: flag } });
    out.push(`${key}=${flag === 'hidden-layers' ? parseList(flag, v) : String(v)}`);
  }
  return out;
}

/**
 * The content-embedding (siamese) model: audio features → unit embedding, trained on positive
 * pairs (co-listening, or shared genre for the reference protocol); saves the best model,
 * preprocessing, metadata, embeddings of every track, and fills `item_embeddings`.
 */
export const contentEmbeddingTask = defineTrainTask({
  family: 'content-embedding',
  description: 'Siamese audio-feature embedding trained on co-listened (or same-genre) pairs; similar tracks by cosine',
  schema: ContentEmbeddingTaskConfigSchema,
  flagOverrides: contentEmbeddingFlagOverrides,
  async run(ctx) {
    const { config, db, log, workspaceRoot } = ctx;
    for (const load of config.load) await ensureDataset(db, load, { workspaceRoot, log });
    const runtime = await initRuntime({ backend: config.backend, log: (m) => log.info(m) });
    const catalogue = await readCatalogue(db, config.catalogue);
    const f = catalogue.features.length;
    const n = catalogue.trackIds.length;
    let trainRows: number[] | null = null;
    if (config.catalogue.splitFile) {
      const file = isAbsolute(config.catalogue.splitFile) ? config.catalogue.splitFile : resolve(workspaceRoot, config.catalogue.splitFile);
      const split = await readSplitFile(file, { idColumn: 'track_id', splitColumn: config.catalogue.splitColumn, splits: ['train', 'validation', 'test'] });
      trainRows = catalogue.externalIds.flatMap((ext, i) => (split.get(ext) === config.catalogue.trainSplit ? [i] : []));
      log.info(`split ${config.catalogue.splitColumn}: ${trainRows.length} of ${n} tracks in "${config.catalogue.trainSplit}"`);
      if (trainRows.length < 2) throw new CliError('CONFIG_INVALID', `catalogue.splitFile: fewer than 2 catalogue tracks are in split "${config.catalogue.trainSplit}" — does the file match catalogue.source?`, { context: { key: 'catalogue.splitFile' } });
    }
    const standardizer = fitStandardizer(catalogue.raw, catalogue.features, trainRows ?? undefined);
    const x = standardize(catalogue.raw, standardizer);

    let pairs: PairSet;
    let pairInfo: Record<string, unknown>;
    const p = config.pairs;
    if (p.source === 'same-genre') {
      const vocab = new Map<string, number>();
      const allowed = new Set(trainRows ?? catalogue.trackIds.map((_, i) => i));
      const labels = Int32Array.from(catalogue.genres, (g, i) => {
        if (g === null || !allowed.has(i)) return -1;
        if (!vocab.has(g)) vocab.set(g, vocab.size);
        return vocab.get(g) as number;
      });
      pairs = sameLabelPairs(labels, p.pairsPerTrack, p.seed);
      pairInfo = { source: 'same-genre', synthetic: false, genres: vocab.size, labelledTracks: labels.filter((l) => l >= 0).length };
    } else {
      let groups = await readInteractionGroups(db, catalogue, config.catalogue, p);
      let synthetic = false;
      if (groups.length === 0) {
        if (!p.syntheticIfEmpty) {
          throw new ModelsError('NO_DATA', `No interactions in the database for "${config.catalogue.source}" tracks (pairs.source ${p.source}${p.source === 'artist-plays-by-name' ? `, artists of "${p.artistSource}" matched by name` : ''}). Import plays (e.g. Last.fm with importLastfm2k, or tools/synth), or set pairs.syntheticIfEmpty: true to train on synthetic taste groups.`, {
            context: { key: 'pairs.source', source: p.source },
          });
        }
        log.warn(`no interactions for "${config.catalogue.source}": generating ${p.syntheticUsers} synthetic taste groups (pairs.syntheticIfEmpty)`);
        groups = syntheticGroups(x, f, p.syntheticUsers, p.syntheticTracksPerUser, p.seed);
        synthetic = true;
      }
      const train = groups.filter((g) => g.userId < 0 || !isHeldOutKey(g.userId, p.holdoutFraction, p.holdoutSeed));
      pairs = coOccurrencePairs(
        train.map((g) => g.rows),
        { maxPairsPerGroup: p.maxPairsPerGroup, seed: p.seed },
      );
      const covered = new Set<number>();
      for (const g of train) for (const r of g.rows) covered.add(r);
      pairInfo = { source: p.source, synthetic, groups: groups.length, trainGroups: train.length, heldOutGroups: groups.length - train.length, tracksWithPairs: covered.size };
    }
    log.info(`catalogue ${n} tracks × ${f} features; ${pairs.a.length} positive pairs`, pairInfo);
    if (pairs.a.length < 2) {
      throw new ModelsError('NO_DATA', `Only ${pairs.a.length} positive pair(s) could be built (${JSON.stringify(pairInfo)}); check the catalogue and interactions.`, { context: pairInfo });
    }

    const trained = await trainContentEmbedding({
      features: x,
      featureDim: f,
      pairs,
      config: config.model,
      onEpoch: async (e, model) => {
        await ctx.recordEpoch(e.epoch, { loss: e.loss, val_loss: e.val_loss, val_positive_cosine: e.val_positive_cosine, mean_cosine: e.mean_cosine, spread: e.spread, collapsed: e.collapsed, seconds: e.seconds });
        await model.save(join(ctx.runDir, 'checkpoints', `epoch-${String(e.epoch).padStart(3, '0')}`));
        log.info(`epoch ${e.epoch}: loss ${e.loss.toFixed(4)} val_loss ${e.val_loss.toFixed(4)} spread ${e.spread.toFixed(3)}${e.collapsed ? ' COLLAPSED' : ''} (${e.seconds.toFixed(1)} s)`);
      },
    });
    const { model } = trained;
    try {
      if (trained.finalSpread.collapsed) log.warn(`the embedding collapsed (mean cosine ${trained.finalSpread.meanCosine.toFixed(3)}): every track maps to nearly the same point; use model.loss: in-batch-softmax`);
      const embeddings = model.embed(x);
      const dataHash = createHash('sha256')
        .update(Buffer.from(catalogue.raw.buffer))
        .update(Buffer.from(pairs.a.buffer))
        .update(Buffer.from(pairs.b.buffer))
        .digest('hex')
        .slice(0, 16);
      const extra = {
        task: 'content-embedding',
        catalogue: config.catalogue,
        pairs: { ...pairInfo, config: p, count: pairs.a.length, trainPairs: trained.trainPairs, validationPairs: trained.validationPairs },
        loss: config.model.loss,
        temperature: config.model.temperature,
        bestEpoch: trained.bestEpoch,
        collapsed: trained.finalSpread.collapsed,
        finalSpread: trained.finalSpread,
        dataHash,
      };
      await saveContentEmbedding(ctx.runDir, { model, standardizer, trackIds: catalogue.trackIds, embeddings, extra });
      writeJsonAtomic(join(ctx.runDir, 'history.json'), trained.history);
      if (config.writeEmbeddingsTable) {
        const dim = config.model.embeddingSize;
        await db.db.transaction().execute(async (trx) => {
          await trx.deleteFrom('item_embeddings').where('model_name', '=', ctx.name).where('item_kind', '=', 'track').execute();
          for (let r0 = 0; r0 < n; r0 += 1000) {
            const values = [];
            for (let r = r0; r < Math.min(n, r0 + 1000); r++) {
              values.push({ model_name: ctx.name, run_id: ctx.runId, item_kind: 'track', item_id: catalogue.trackIds[r] as number, vector: Array.from(embeddings.subarray(r * dim, (r + 1) * dim)) });
            }
            await trx.insertInto('item_embeddings').values(values).execute();
          }
        });
        log.info(`wrote ${n} embeddings into item_embeddings (model_name ${ctx.name})`);
      }
      return {
        metrics: {
          best_val_loss: trained.bestValLoss,
          best_epoch: trained.bestEpoch,
          epochs_run: trained.history.length,
          final_spread: trained.finalSpread.spread,
          final_mean_cosine: trained.finalSpread.meanCosine,
          collapsed: trained.finalSpread.collapsed ? 1 : 0,
          pairs: pairs.a.length,
          tracks: n,
        },
        dataHash,
        backend: runtime.backend,
        extra: { pairs: pairInfo, synthetic_interactions: pairInfo['synthetic'] === true },
      };
    } finally {
      model.dispose();
    }
  },
});

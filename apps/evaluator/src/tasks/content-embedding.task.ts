import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { CliError } from '@tunekit/cli-kit';
import { getTracksOfArtistPlaysByName, type TunekitDb } from '@tunekit/data-access';
import { compareSystems } from '@tunekit/metrics';
import {
  coListenHits,
  coOccurrencePairs,
  embeddingSpread,
  isHeldOutKey,
  labelPrecisionPerQuery,
  loadContentEmbedding,
  neighborLists,
  standardize,
  type ContentEmbeddingMetadata,
  type FittedStandardizer,
} from '@tunekit/models';
import { findRunDir, readRunEpochs } from '../runs';
import { defineEvalTask, type ReportChart } from '../task';

/** Co-listening used for the hit rate: which plays, and which users are held out. */
const ColistenSchema = z
  .object({
    /** `artist-plays-by-name` (Last.fm user–artist plays joined to catalogue tracks by artist name) or `track-plays`. */
    source: z.enum(['artist-plays-by-name', 'track-plays']),
    /** `artists.source` of the artist plays. */
    artistSource: z.string().default('lastfm-2k'),
    /** Share of users evaluated; ignored when the model was trained on co-occurrence pairs (its own hold-out is used). */
    holdoutFraction: z.number().min(0).max(1).default(1),
    holdoutSeed: z.number().int().default(7),
    /** Held-out pairs sampled per user at most. */
    maxPairsPerUser: z.number().int().positive().default(20),
    seed: z.number().int().default(11),
  })
  .strict();

const ContentEmbeddingEvalSchema = z
  .object({
    /** Trained model name: artifacts/models/<model>/. */
    model: z.string(),
    /** Run id, or `latest`. */
    run: z.string().default('latest'),
    /** Neighbours per query. */
    k: z.number().int().positive().default(10),
    /** Co-listen hit rate; null skips it. */
    colisten: ColistenSchema.nullable().default(null),
    /**
     * Which tracks genre precision ranks: `split-test` = the held-out tracks of the model's split
     * file (reference protocol), `all` = every catalogue track with a genre.
     */
    genreAmong: z.enum(['split-test', 'all']).default('all'),
    /** Split name of the held-out tracks for `split-test`. */
    testSplit: z.string().default('test'),
    /** Reference numbers to print next to ours (system → metric → value). */
    references: z.record(z.string(), z.record(z.string(), z.number())).default({}),
    /** Seed of the random baseline and the significance tests. */
    seed: z.number().int().default(42),
  })
  .strict();

interface CatalogueMeta {
  source: string;
  featureSource?: string;
  features: string[];
  splitFile: string | null;
  splitColumn: string;
}

/** Raw audio features and genres of the model's tracks, in the model's row order. */
async function readTrackFeatures(db: TunekitDb, trackIds: readonly number[], cat: CatalogueMeta): Promise<{ raw: Float32Array; genres: (string | null)[]; externalIds: string[] }> {
  const rows = await db.db
    .selectFrom('tracks as t')
    .innerJoin('audio_features as af', 'af.track_id', 't.id')
    .leftJoin('track_genres as tg', (j) => j.onRef('tg.track_id', '=', 't.id').on('tg.is_primary', '=', true))
    .leftJoin('genres as g', 'g.id', 'tg.genre_id')
    .selectAll('af')
    .select(['t.id', 't.external_id', 'g.title as genre'])
    .where('t.source', '=', cat.source)
    .where('af.source', '=', cat.featureSource ?? cat.source)
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const f = cat.features.length;
  const raw = new Float32Array(trackIds.length * f);
  const genres: (string | null)[] = [];
  const externalIds: string[] = [];
  trackIds.forEach((id, i) => {
    const r = byId.get(id);
    if (!r) throw new CliError('CONFIG_INVALID', `track ${id} of the model is not in the database (source ${cat.source}): evaluate on the database the model was trained on (--database).`, { context: { trackId: id } });
    cat.features.forEach((c, j) => {
      const v = (r as unknown as Record<string, number | null>)[c];
      raw[i * f + j] = v === null || v === undefined ? Number.NaN : Number(v);
    });
    genres.push(r.genre ?? null);
    externalIds.push(r.external_id);
  });
  return { raw, genres, externalIds };
}

/** Held-out co-listening groups (catalogue rows per held-out user). */
async function readHeldOutGroups(db: TunekitDb, rowOf: Map<number, number>, source: string, c: z.infer<typeof ColistenSchema>, fraction: number, seed: number): Promise<Int32Array[]> {
  const rows =
    c.source === 'artist-plays-by-name'
      ? await getTracksOfArtistPlaysByName(db.db, { artistSource: c.artistSource, catalogueSource: source })
      : await db.db
          .selectFrom('track_plays as p')
          .innerJoin('tracks as t', 't.id', 'p.track_id')
          .select(['p.user_id', 'p.track_id'])
          .where('t.source', '=', source)
          .orderBy('p.user_id')
          .execute();
  const byUser = new Map<number, Set<number>>();
  for (const r of rows) {
    if (!isHeldOutKey(r.user_id, fraction, seed)) continue;
    const row = rowOf.get(r.track_id);
    if (row === undefined) continue;
    let s = byUser.get(r.user_id);
    if (!s) byUser.set(r.user_id, (s = new Set()));
    s.add(row);
  }
  return [...byUser.values()].filter((s) => s.size >= 2).map((s) => Int32Array.from(s));
}

function readSplit(path: string, column: string): Map<string, string> {
  if (!existsSync(path)) throw new CliError('CONFIG_INVALID', `split file ${path} (from the model's catalogue.splitFile) does not exist.`, { context: { path } });
  const lines = readFileSync(path, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines[0] ?? '').split(',');
  const col = header.indexOf(column);
  if (col < 1) throw new CliError('CONFIG_INVALID', `${path} has no column "${column}".`, { context: { path, column } });
  return new Map(lines.slice(1).map((l) => l.split(',')).map((c) => [c[0] as string, c[col] as string]));
}

/**
 * Evaluates a content-embedding run: genre precision@k of neighbours and co-listen hit rate@k on
 * held-out users' co-listened pairs, for the model and the `raw-features` (standardised audio
 * features, same standardiser) and `random` baselines, with paired significance tests.
 */
export const contentEmbeddingEvalTask = defineEvalTask({
  family: 'content-embedding',
  description: 'Co-listen hit rate and genre precision of similar tracks vs raw features and random',
  schema: ContentEmbeddingEvalSchema,
  async run(ctx) {
    const { config, db, log, workspaceRoot } = ctx;
    const runDir = findRunDir(ctx.modelsRoot, config.model, config.run);
    const service = await loadContentEmbedding(runDir);
    const meta: ContentEmbeddingMetadata = service.metadata;
    const cat = meta.extra['catalogue'] as CatalogueMeta | undefined;
    const trainedPairs = meta.extra['pairs'] as { source: string; synthetic?: boolean; config?: { holdoutFraction: number; holdoutSeed: number } } | undefined;
    if (!cat || !trainedPairs) throw new CliError('CONFIG_INVALID', `${runDir}/metadata.json lacks extra.catalogue / extra.pairs: it was not written by the content-embedding trainer.`, { context: { runDir } });
    const pre = JSON.parse(readFileSync(`${runDir}/preprocessing.json`, 'utf8')) as FittedStandardizer;
    const k = config.k;
    const ids = service.trackIds;
    const n = ids.length;
    const dim = service.dim;
    const rowOf = new Map<number, number>();
    ids.forEach((id, i) => rowOf.set(id, i));
    const { raw, genres, externalIds } = await readTrackFeatures(db, ids, cat);
    const x = standardize(raw, pre);
    const emb = new Float32Array(n * dim);
    ids.forEach((id, i) => emb.set(service.embedding(id), i * dim));
    const systems = { model: emb, 'raw-features': x, random: 'random' as const };
    const widths: Record<string, number> = { model: dim, 'raw-features': pre.featureNames.length, random: 0 };

    const out: Record<string, Record<string, number>> = { model: {}, 'raw-features': {}, random: {} };
    const perQuery: Record<string, Record<string, Float64Array>> = { model: {}, 'raw-features': {}, random: {} };
    const notes: string[] = [];

    // Genre precision@k
    const vocab = new Map<string, number>();
    const labels = Int32Array.from(genres, (g) => (g === null ? -1 : (vocab.get(g) ?? (vocab.set(g, vocab.size), vocab.size - 1))));
    let among: Int32Array;
    if (config.genreAmong === 'split-test') {
      if (!cat.splitFile) throw new CliError('CONFIG_INVALID', 'genreAmong: split-test needs a model trained with catalogue.splitFile.', { context: { key: 'genreAmong' } });
      const file = isAbsolute(cat.splitFile) ? cat.splitFile : resolve(workspaceRoot, cat.splitFile);
      const split = readSplit(file, cat.splitColumn);
      among = Int32Array.from(externalIds.flatMap((e, i) => (split.get(e) === config.testSplit && labels[i]! >= 0 ? [i] : [])));
      notes.push(`Genre precision@${k}: each of the ${among.length} "${config.testSplit}" tracks of the "${cat.splitColumn}" split (${cat.splitFile}) queries its ${k} cosine neighbours among the other ${config.testSplit} tracks; relevant = same primary genre (${vocab.size} genres).`);
    } else {
      among = Int32Array.from(Array.from(labels).flatMap((l, i) => (l >= 0 ? [i] : [])));
      notes.push(`Genre precision@${k}: each of the ${among.length} catalogue tracks with a genre queries its ${k} cosine neighbours among all of them; relevant = same primary genre.`);
    }
    for (const [name, v] of Object.entries(systems)) {
      const t0 = performance.now();
      const lists = neighborLists(v, widths[name] as number, among, among, k, config.seed);
      const pq = labelPrecisionPerQuery(lists, among, labels, k);
      perQuery[name]![`genre_precision@${k}`] = pq;
      out[name]![`genre_precision@${k}`] = pq.reduce((s, a) => s + a, 0) / pq.length;
      log.info(`${name}: genre_precision@${k} ${out[name]![`genre_precision@${k}`]!.toFixed(4)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    }

    // Co-listen hit rate@k
    const population: Record<string, unknown> = { tracks: n, genreQueries: among.length, genres: vocab.size };
    if (config.colisten) {
      const c = config.colisten;
      const fromTraining = trainedPairs.source !== 'same-genre' && trainedPairs.config !== undefined;
      const fraction = fromTraining ? trainedPairs.config!.holdoutFraction : c.holdoutFraction;
      const hseed = fromTraining ? trainedPairs.config!.holdoutSeed : c.holdoutSeed;
      if (trainedPairs.synthetic) notes.push('The model was trained on SYNTHETIC interactions (pairs.syntheticIfEmpty): co-listen numbers below use the real plays in the database.');
      const groups = await readHeldOutGroups(db, rowOf, cat.source, c, fraction, hseed);
      const pairs = coOccurrencePairs(groups, { maxPairsPerGroup: c.maxPairsPerUser, seed: c.seed });
      if (pairs.a.length === 0) {
        notes.push(`Co-listen hit rate skipped: no held-out co-listened pairs (${c.source}) in the database.`);
      } else {
        // both directions: a queries for b, b queries for a
        const qa = Int32Array.from([...pairs.a, ...pairs.b]);
        const qb = Int32Array.from([...pairs.b, ...pairs.a]);
        const queries = Int32Array.from(new Set(qa));
        const all = Int32Array.from({ length: n }, (_, i) => i);
        for (const [name, v] of Object.entries(systems)) {
          const t0 = performance.now();
          const lists = neighborLists(v, widths[name] as number, queries, all, k, config.seed + 1);
          const hits = coListenHits(lists, queries, { a: qa, b: qb });
          perQuery[name]![`colisten_hit@${k}`] = hits;
          out[name]![`colisten_hit@${k}`] = hits.reduce((s, a) => s + a, 0) / hits.length;
          log.info(`${name}: colisten_hit@${k} ${out[name]![`colisten_hit@${k}`]!.toFixed(4)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
        }
        population['colistenPairs'] = qa.length;
        population['colistenUsers'] = groups.length;
        population['colistenQueries'] = queries.length;
        notes.push(
          `Co-listen hit rate@${k}: ${groups.length} ${fromTraining ? 'held-out' : 'evaluated'} users (hash of user id, fraction ${fraction}, seed ${hseed}${fromTraining ? ', the same users the trainer excluded' : ''}); up to ${c.maxPairsPerUser} co-listened track pairs per user (${c.source}${c.source === 'artist-plays-by-name' ? `: ${c.artistSource} user–artist plays joined to ${cat.source} tracks by artist name` : ''}), ${qa.length} directed pairs; hit when the partner is among the query's ${k} nearest of all ${n} tracks.`,
        );
      }
    }
    const spread = embeddingSpread(emb, dim, { seed: config.seed });
    out['model']!['mean_cosine'] = spread.meanCosine;
    out['model']!['spread'] = spread.spread;

    const significance: Record<string, unknown> = {};
    for (const metric of Object.keys(perQuery['model']!)) {
      for (const base of ['raw-features', 'random']) {
        const cmp = compareSystems(perQuery['model']![metric]!, perQuery[base]![metric]!, { seed: config.seed });
        significance[`${metric} model vs ${base}`] = { difference: cmp.difference, permutation_p: cmp.permutation.pValue, n: cmp.n };
      }
    }
    const epochs = readRunEpochs(runDir);
    const charts: ReportChart[] = epochs.length
      ? [
          {
            title: 'Training: loss, validation loss and embedding spread per epoch',
            caption: 'Spread = 1 − mean pairwise cosine; a collapse shows as spread → 0.',
            spec: {
              data: { values: epochs.flatMap((e) => ['loss', 'val_loss', 'spread'].map((m) => ({ epoch: e['epoch'], metric: m, value: e[m] }))) },
              mark: 'line',
              encoding: { x: { field: 'epoch', type: 'quantitative' }, y: { field: 'value', type: 'quantitative' }, color: { field: 'metric', type: 'nominal' } },
            },
          },
        ]
      : [];
    notes.push(
      `Model: ${runDir} — loss ${String(meta.extra['loss'])}, pairs ${trainedPairs.source}${trainedPairs.synthetic ? ' (synthetic)' : ''}, best epoch ${String(meta.extra['bestEpoch'])}, collapsed ${String(meta.extra['collapsed'])}. Raw-features baseline: the same ${pre.featureNames.length} features standardised with the model's fitted means/stds, cosine. Random: ${k} uniformly drawn tracks (seed ${config.seed}).`,
    );
    const { model, ...baselines } = out;
    return {
      model: model!,
      baselines,
      population,
      significance,
      references: config.references,
      charts,
      notes,
      runDir,
      tables: [
        {
          title: 'Similar tracks',
          columns: ['system', ...Object.keys(out['model']!)],
          rows: Object.entries(out).map(([s, m]) => [s, ...Object.keys(out['model']!).map((key) => (m[key] === undefined ? null : Number(m[key]!.toFixed(4))))]),
        },
      ],
    };
  },
});

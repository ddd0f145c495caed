import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { CliError, type Logger } from '@tunekit/cli-kit';
import { getTracksWithMetadata, type TunekitDb } from '@tunekit/data-access';
import { mae, r2 } from '@tunekit/metrics';
import {
  applyStandardScaler,
  assignClusters,
  assignNearest,
  clusterOfFeatures,
  fitKMeans,
  fitStandardScaler,
  loadMetadataAudioModel,
  parseSpotifyTracksCsv,
  predictAudioFeatures,
  toLabelledTrack,
  type LabelledTrack,
} from '@tunekit/models';
import { readSplitFile } from '@tunekit/preprocessing';
import { findRunDir } from '../runs';
import { clusterMapChart } from '../report/chart-specs';
import { defineEvalTask, type ReportChart, type ReportTable } from '../task';

const MetadataAudioEvalSchema = z
  .object({
    /** Trained model name: artifacts/models/<model>/. */
    model: z.string().default('metadata-audio'),
    /** Run id, or `latest`. */
    run: z.string().default('latest'),
    data: z
      .object({
        /** `database`, `csv` or `auto` (database when it holds the tracks). */
        source: z.enum(['auto', 'database', 'csv']).default('auto'),
        /** `tracks.source` of the rows in the database. */
        trackSource: z.string().default('spotify'),
        /** Spotify tracks CSV (workspace-relative). */
        csv: z.string().default('../shared/data/spotify-tracks-114k-sample/dataset_subset.csv'),
        /** enrichment_progress.provider whose payloads were merged at training time. */
        enrichmentProvider: z.string().default('spotify'),
        /** Canonical split file. */
        splitFile: z.string().default('../shared/data/benchmarks/spotify-metadata/split.csv'),
      })
      .strict()
      .prefault({}),
    /** Split name (as in the trainer config / run dir `splits/<name>`) → split column. */
    splits: z.record(z.string(), z.string()).default({ 'artist-disjoint': 'artist_disjoint', random: 'random' }),
    /** Split whose numbers also go to the top-level `model` / `baselines` (prefixed with its name). */
    primarySplit: z.string().default('artist-disjoint'),
    /** The reference cluster match: k-means on the standardised true features of all tracks. */
    referenceKMeans: z.object({ k: z.number().int().min(1).default(8), nInit: z.number().int().min(1).default(10), seed: z.number().int().default(42) }).strict().prefault({}),
    /** Reference numbers (README table) per split: system → metric → value. */
    references: z.record(z.string(), z.record(z.string(), z.record(z.string(), z.number()))).default({}),
  })
  .strict();

/** Labelled tracks of `trackSource` from the database, with enrichment payloads merged in (or `[]`). */
async function readLabelledTracksFromDb(db: TunekitDb, trackSource: string, provider: string): Promise<LabelledTrack[]> {
  return (await getTracksWithMetadata(db.db, { source: trackSource, enrichmentProvider: provider })).map(toLabelledTrack);
}

function abs(root: string, p: string, key: string): string {
  const f = isAbsolute(p) ? p : resolve(root, p);
  if (!existsSync(f)) throw new CliError('CONFIG_INVALID', `${key}: ${f} does not exist (the real datasets live in ../shared/data next to the project)`, { context: { key, path: f } });
  return f;
}

async function loadTracks(db: TunekitDb, data: z.infer<typeof MetadataAudioEvalSchema>['data'], root: string, log: Logger): Promise<{ tracks: LabelledTrack[]; from: string }> {
  if (data.source !== 'csv') {
    const tracks = await readLabelledTracksFromDb(db, data.trackSource, data.enrichmentProvider);
    if (tracks.length > 0) return { tracks, from: `database (tracks.source = ${data.trackSource})` };
    if (data.source === 'database') throw new CliError('CONFIG_INVALID', `data.source is database but it has no ${data.trackSource} tracks with audio features`, { context: { key: 'data.source' } });
    log.info(`no ${data.trackSource} tracks in the database: reading ${data.csv}`);
  }
  const file = abs(root, data.csv, 'data.csv');
  return { tracks: parseSpotifyTracksCsv(readFileSync(file, 'utf8'), file), from: `csv ${file}` };
}

function matrix(rows: readonly LabelledTrack[], targets: readonly string[]): Float64Array {
  const T = targets.length;
  const out = new Float64Array(rows.length * T);
  rows.forEach((r, i) => targets.forEach((t, j) => (out[i * T + j] = r.audio[t] as number)));
  return out;
}

function col(m: Float64Array, T: number, j: number): Float64Array {
  return Float64Array.from({ length: m.length / T }, (_, i) => m[i * T + j] as number);
}

function agreement(a: Int32Array, b: Int32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) s++;
  return s / Math.max(a.length, 1);
}

/**
 * Evaluates the metadata → audio models of the latest run on the canonical Spotify splits:
 * per-feature MAE/R² of each split's model against a train-mean baseline, the cluster agreement
 * (cluster of predicted features = cluster of true features) under the model's own k-means and
 * under the reference k-means (all tracks, k=8, 10 restarts, seed 42), and the serving model's
 * coverage on tracks it has never seen.
 */
export const metadataAudioEvalTask = defineEvalTask({
  family: 'metadata-audio',
  description: 'metadata → audio features: per-feature MAE/R², cluster agreement, coverage',
  schema: MetadataAudioEvalSchema,
  async run(ctx) {
    const { config, log } = ctx;
    const runDir = findRunDir(ctx.modelsRoot, config.model, config.run);
    const { tracks, from } = await loadTracks(ctx.db, config.data, ctx.workspaceRoot, log);
    log.info(`${tracks.length} labelled tracks from ${from}; run ${runDir}`);
    const splitFile = abs(ctx.workspaceRoot, config.data.splitFile, 'data.splitFile');
    const extra: Record<string, unknown> = {};
    const top: Record<string, number> = {};
    const topBase: Record<string, number> = {};
    const tables: ReportTable[] = [];
    const charts: ReportChart[] = [];
    const notes: string[] = [`Data: ${from}. Models: ${runDir}/splits/<split>/model.json.`];
    for (const [name, column] of Object.entries(config.splits)) {
      const model = loadMetadataAudioModel(join(runDir, 'splits', name, 'model.json'));
      const targets = model.targets;
      const T = targets.length;
      const splitOf = await readSplitFile(splitFile, { idColumn: 'track_id', splitColumn: column, splits: ['train', 'test'] });
      const train = tracks.filter((t) => splitOf.get(t.id) === 'train');
      const test = tracks.filter((t) => splitOf.get(t.id) === 'test');
      if (test.length === 0) throw new CliError('CONFIG_INVALID', `splits.${name}: no test tracks in column ${column} of ${splitFile}`, { context: { key: `splits.${name}` } });
      const yTrue = matrix(test, targets);
      const yPred = predictAudioFeatures(model, test);
      const prior = targets.map((_, j) => col(matrix(train, targets), T, j).reduce((a, b) => a + b, 0) / train.length);
      const yBase = Float64Array.from({ length: test.length * T }, (_, k) => prior[k % T] as number);
      const scores = (p: Float64Array): Record<string, number> => {
        const out: Record<string, number> = {};
        targets.forEach((t, j) => {
          out[`r2/${t}`] = r2(col(yTrue, T, j), col(p, T, j));
          out[`mae/${t}`] = mae(col(yTrue, T, j), col(p, T, j));
        });
        return out;
      };
      const mModel = scores(yPred);
      const mBase = scores(yBase);
      const trueCluster = clusterOfFeatures(model, yTrue);
      mModel['cluster_agreement'] = agreement(clusterOfFeatures(model, yPred), trueCluster);
      mBase['cluster_agreement'] = agreement(clusterOfFeatures(model, yBase), trueCluster);
      // Reference protocol: k-means on the standardised true features of all tracks.
      const all = matrix(tracks, targets);
      const sc = fitStandardScaler(all, T);
      const km = fitKMeans(applyStandardScaler(sc, all), T, config.referenceKMeans);
      const refTrue = assignNearest(km, applyStandardScaler(sc, yTrue));
      const ix = targets.indexOf('energy');
      const iy = targets.indexOf('valence');
      if (ix >= 0 && iy >= 0 && name === config.primarySplit) {
        const n = Math.min(test.length, 1500);
        charts.push(
          clusterMapChart(
            Array.from({ length: n }, (_, i) => ({ x: yTrue[i * T + ix] as number, y: yTrue[i * T + iy] as number, cluster: trueCluster[i] as number })),
            { xTitle: 'energy (true)', yTitle: 'valence (true)', title: `Cluster map, ${name} test tracks`, caption: `First ${n} test tracks by their true energy and valence, coloured by the k-means cluster of their true features (k-means runs on all ${T} standardised targets, so clusters overlap in this 2-D view).` },
          ),
        );
      }
      mModel['cluster_agreement_ref'] = agreement(assignNearest(km, applyStandardScaler(sc, yPred)), refTrue);
      mBase['cluster_agreement_ref'] = agreement(assignNearest(km, applyStandardScaler(sc, yBase)), refTrue);
      extra[name] = { model: mModel, baselines: { 'train-mean': mBase }, test_tracks: test.length, train_tracks: train.length, learners: Object.fromEntries(model.choices.map((c) => [c.target, c.chosen])) };
      if (name === config.primarySplit) {
        for (const [k, v] of Object.entries(mModel)) top[`${name}/${k}`] = v;
        for (const [k, v] of Object.entries(mBase)) topBase[`${name}/${k}`] = v;
      }
      const refs = config.references[name] ?? {};
      const rows: (string | number | null)[][] = [...targets, 'cluster_agreement'].map((t) => {
        const key = t === 'cluster_agreement' ? t : `r2/${t}`;
        return [t, round(mModel[key]), round(mBase[key]), ...Object.values(refs).map((r) => r[key] ?? null), t === 'cluster_agreement' ? null : round(mModel[`mae/${t}`])];
      });
      tables.push({ title: `${name}: R² per feature (cluster agreement last), ${test.length} test tracks`, columns: ['feature', 'model R²', 'train-mean R²', ...Object.keys(refs).map((r) => `${r} R²`), 'model MAE'], rows });
      log.info(`${name}: ` + targets.map((t) => `${t} R² ${mModel[`r2/${t}`]?.toFixed(3)}`).join(', ') + `, cluster agreement ${mModel['cluster_agreement']?.toFixed(3)} (ref k-means ${mModel['cluster_agreement_ref']?.toFixed(3)})`);
    }
    // Serving model: every track unknown to it (ids it never saw) must still get a cluster.
    const deployPath = join(runDir, 'model.json');
    if (existsSync(deployPath)) {
      const deploy = loadMetadataAudioModel(deployPath);
      const unknown = tracks.slice(0, 500).map((t, i) => ({ id: `unseen-${i}`, artists: t.artists.map((a) => `${a} (unseen)`), popularity: t.popularity ?? null, durationMs: t.durationMs ?? null, explicit: t.explicit ?? null, genres: t.genres ?? [] }));
      const res = assignClusters(deploy, unknown);
      const known = assignClusters(deploy, tracks.slice(0, 500));
      extra['serving'] = { unknown_coverage: res.coverage, unknown_prediction_share: res.results.filter((r) => r.source === 'prediction').length / res.results.length, known_lookup_share: known.results.filter((r) => r.source === 'lookup').length / known.results.length };
      top['serving/unknown_coverage_pct'] = res.coverage.pct;
    }
    return {
      model: top,
      baselines: { 'train-mean': topBase },
      extra,
      references: Object.fromEntries(Object.entries(config.references[config.primarySplit] ?? {}).map(([sys, m]) => [sys, Object.fromEntries(Object.entries(m).map(([k, v]) => [`${config.primarySplit}/${k}`, v]))])),
      tables,
      charts,
      notes,
      runDir,
    };
  },
});

function round(v: number | undefined): number | null {
  return v === undefined ? null : Math.round(v * 1000) / 1000;
}

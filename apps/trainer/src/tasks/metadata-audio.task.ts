import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { CliError, writeJsonAtomic, type Logger } from '@tunekit/cli-kit';
import { getTracksWithMetadata, importSpotifyTracks, type TunekitDb } from '@tunekit/data-access';
import { readSplitFile } from '@tunekit/preprocessing';
import { metadataAudioConfigSchema, parseSpotifyTracksCsv, toLabelledTrack, saveMetadataAudioModel, trainMetadataAudio, type LabelledTrack, type MetadataAudioModel } from '@tunekit/models';
import { initRuntime } from '@tunekit/runtime';
import { defineTrainTask } from '../task';

/** Where the labelled Spotify tracks and the canonical splits come from. */
export const MetadataAudioDataSchema = z
  .object({
    /** `database`: tracks of `trackSource` in the DB; `csv`: read `csv`; `auto`: DB when it has them, else CSV. */
    source: z.enum(['auto', 'database', 'csv']).default('auto'),
    /** When the database has no such tracks, import `csv` into it first (idempotent) and read them back. */
    importIfMissing: z.boolean().default(true),
    /** `tracks.source` of the rows to use. */
    trackSource: z.string().default('spotify'),
    /** Spotify tracks CSV (relative to the workspace root). */
    csv: z.string().default('../shared/data/spotify-tracks-114k-sample/dataset_subset.csv'),
    /** Enrichment provider whose `done` payloads add artist genres / related artists (if any). */
    enrichmentProvider: z.string().default('spotify'),
    /** Canonical split file: `track_id` + one column per split with `train`/`test`. */
    splitFile: z.string().default('../shared/data/benchmarks/spotify-metadata/split.csv'),
  })
  .strict();

/** The trainer YAML of the metadata → audio task. */
export const MetadataAudioTaskSchema = z
  .object({
    data: MetadataAudioDataSchema.prefault({}),
    /** One model per split (trained on its `train` rows): name → split column + out-of-fold grouping. */
    splits: z
      .record(z.string(), z.object({ column: z.string(), grouping: z.enum(['first-artist', 'random']) }).strict())
      .default({ 'artist-disjoint': { column: 'artist_disjoint', grouping: 'first-artist' }, random: { column: 'random', grouping: 'random' } }),
    /** Also train the serving model on every labelled track (`model.json` at the run root). */
    deploy: z.boolean().default(true),
    /** tfjs backend for the MLP. */
    backend: z.enum(['auto', 'node', 'wasm', 'cpu']).default('wasm'),
    model: metadataAudioConfigSchema.prefault({}),
  })
  .strict();

/** Labelled tracks of `trackSource` from the database, with enrichment payloads merged in (or `[]`). */
async function readLabelledTracksFromDb(db: TunekitDb, trackSource: string, provider: string): Promise<LabelledTrack[]> {
  return (await getTracksWithMetadata(db.db, { source: trackSource, enrichmentProvider: provider })).map(toLabelledTrack);
}

/** Labelled tracks from the configured source (DB first under `auto`), and where they came from. */
export async function loadLabelledTracks(db: TunekitDb, data: z.infer<typeof MetadataAudioDataSchema>, workspaceRoot: string, log: Logger): Promise<{ tracks: LabelledTrack[]; from: string }> {
  if (data.source !== 'csv') {
    let tracks = await readLabelledTracksFromDb(db, data.trackSource, data.enrichmentProvider);
    if (tracks.length === 0 && data.importIfMissing) {
      const file = abs(workspaceRoot, data.csv, 'data.csv');
      log.info(`no ${data.trackSource} tracks in the database: importing ${file}`);
      const result = await importSpotifyTracks(db.db, file);
      log.info(`imported ${result.rowsImported} rows (${result.rowsSkipped} skipped)`);
      tracks = await readLabelledTracksFromDb(db, data.trackSource, data.enrichmentProvider);
    }
    if (tracks.length > 0) return { tracks, from: `database (tracks.source = ${data.trackSource})` };
    if (data.source === 'database') {
      throw new CliError('CONFIG_INVALID', `data.source is database but no ${data.trackSource} tracks with audio features are in it: import the Spotify CSV first or set data.source: csv`, { context: { key: 'data.source' } });
    }
    log.info(`no ${data.trackSource} tracks with audio features in the database: reading ${data.csv}`);
  }
  const file = abs(workspaceRoot, data.csv, 'data.csv');
  return { tracks: parseSpotifyTracksCsv(readFileSync(file, 'utf8'), file), from: `csv ${file}` };
}

function abs(root: string, p: string, key: string): string {
  const f = isAbsolute(p) ? p : resolve(root, p);
  if (!existsSync(f)) throw new CliError('CONFIG_INVALID', `${key}: ${f} does not exist (the real datasets live in ../shared/data next to the project)`, { context: { key, path: f } });
  return f;
}

/**
 * Metadata → audio features: one model per canonical split (for the evaluator) and one serving
 * model on every labelled track; each is per-target gradient-boosted trees or one multi-output
 * MLP (the better on a validation carve-out), plus k-means clusters over the scaled targets.
 */
export const metadataAudioTask = defineTrainTask({
  family: 'metadata-audio',
  description: 'metadata (popularity, duration, explicit, artists, genres, related artists) → audio features + k-means clusters',
  schema: MetadataAudioTaskSchema,
  async run(ctx) {
    const { config, log } = ctx;
    const runtime = await initRuntime({ backend: config.backend, log: (m) => log.info(m) });
    const { tracks, from } = await loadLabelledTracks(ctx.db, config.data, ctx.workspaceRoot, log);
    log.info(`${tracks.length} labelled tracks from ${from}`);
    const splitFile = abs(ctx.workspaceRoot, config.data.splitFile, 'data.splitFile');
    const metrics: Record<string, number> = {};
    const report: Record<string, unknown> = {};
    let step = 0;
    const train = async (name: string, rows: LabelledTrack[], grouping: 'first-artist' | 'random'): Promise<MetadataAudioModel> => {
      const t0 = Date.now();
      const model = await trainMetadataAudio(rows, { ...config.model, features: { ...config.model.features, grouping } }, {
        log: (m) => log.info(`[${name}] ${m}`),
        onEpoch: (_e, m) => ctx.recordEpoch(++step, Object.fromEntries(Object.entries(m).map(([k, v]) => [`${name}/${k}`, v]))),
      });
      log.info(`[${name}] trained on ${rows.length} tracks in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      report[name] = {
        train_tracks: rows.length,
        grouping,
        features: model.encoder.featureNames,
        per_feature: Object.fromEntries(
          model.choices.map((c) => [c.target, { chosen: c.chosen, trees: c.gbdtTrees, validation: { gbdt: { mae: c.validMaeGbdt, r2: c.validR2Gbdt }, mlp: c.validR2Mlp === null ? null : { mae: c.validMaeMlp, r2: c.validR2Mlp } } }]),
        ),
      };
      for (const c of model.choices) {
        metrics[`${name}/val_r2/${c.target}`] = Math.max(c.validR2Gbdt, c.validR2Mlp ?? -Infinity);
        metrics[`${name}/val_mae/${c.target}`] = c.chosen === 'gbdt' ? c.validMaeGbdt : (c.validMaeMlp as number);
      }
      return model;
    };
    for (const [name, s] of Object.entries(config.splits)) {
      const split = await readSplitFile(splitFile, { idColumn: 'track_id', splitColumn: s.column, splits: ['train', 'test'] });
      const rows = tracks.filter((t) => split.get(t.id) === 'train');
      if (rows.length === 0) throw new CliError('CONFIG_INVALID', `splits.${name}: no track of ${from} is "train" in column ${s.column} of ${config.data.splitFile}`, { context: { key: `splits.${name}.column` } });
      const model = await train(name, rows, s.grouping);
      mkdirSync(join(ctx.runDir, 'splits', name), { recursive: true });
      saveMetadataAudioModel(join(ctx.runDir, 'splits', name, 'model.json'), model);
    }
    if (config.deploy) saveMetadataAudioModel(join(ctx.runDir, 'model.json'), await train('deploy', tracks, config.model.features.grouping));
    writeJsonAtomic(join(ctx.runDir, 'metadata_model_metrics.json'), report);
    const dataHash = createHash('sha256').update(JSON.stringify(tracks.map((t) => [t.id, t.audio]))).digest('hex').slice(0, 16);
    return { metrics, dataHash, backend: runtime.backend, extra: { data_source: from } };
  },
});

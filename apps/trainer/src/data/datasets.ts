import { isAbsolute, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { CliError, type Logger } from '@tunekit/cli-kit';
import { importFma, importLastfm2k, importLastfm360k, importSpotifyTracks, type TunekitDb } from '@tunekit/data-access';
import { generateSynthetic, SYNTHETIC_SOURCE } from '@tunekit/synth';

/** A dataset the trainer can load into the database before training, by name. */
export interface DatasetLoader {
  /** The `tracks.source` / `users.source` value the dataset writes. */
  readonly source: string;
  readonly description: string;
  /** Loads the dataset unless it is already there. Paths are relative to the workspace root. */
  ensure(db: TunekitDb, options: Record<string, unknown>, ctx: { workspaceRoot: string; log: Logger }): Promise<void>;
}

function path(root: string, p: unknown, key: string): string {
  if (typeof p !== 'string') throw new CliError('CONFIG_INVALID', `data.load.options.${key} must be a path string`, { context: { key } });
  const abs = isAbsolute(p) ? p : resolve(root, p);
  if (!existsSync(abs)) {
    throw new CliError('CONFIG_INVALID', `data.load.options.${key}: ${abs} does not exist. The real datasets live in ../shared/data next to the project; use a synthetic config (e.g. --configuration=listens-synthetic) where they are absent.`, {
      context: { key, path: abs },
    });
  }
  return abs;
}

async function countTracks(db: TunekitDb, source: string): Promise<number> {
  const row = await db.db.selectFrom('tracks').select((eb) => eb.fn.countAll<number>().as('n')).where('source', '=', source).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Every loadable dataset, by the `data.load.dataset` key of trainer configs. */
export const DATASETS: Readonly<Record<string, DatasetLoader>> = Object.freeze({
  fma: {
    source: 'fma',
    description: 'FMA raw tracks/albums excerpt, genres and echonest features (CC BY 4.0)',
    async ensure(db, options, { workspaceRoot, log }) {
      const opts = {
        ...(options['genresDir'] !== undefined ? { genresDir: path(workspaceRoot, options['genresDir'], 'genresDir') } : {}),
        ...(options['rawDir'] !== undefined ? { rawDir: path(workspaceRoot, options['rawDir'], 'rawDir') } : {}),
        ...(options['echonestDir'] !== undefined ? { echonestDir: path(workspaceRoot, options['echonestDir'], 'echonestDir') } : {}),
      };
      // Importers are idempotent (dataset_imports + natural keys): re-running imports nothing twice.
      const result = await importFma(db.db, opts);
      if (result.rowsImported > 0) log.info(`imported FMA: ${result.rowsImported} rows, ${result.rowsSkipped} skipped`);
    },
  },
  spotify: {
    source: 'spotify',
    description: 'Spotify tracks sample: popularity, audio features, genre, artists (BSD)',
    async ensure(db, options, { workspaceRoot, log }) {
      const result = await importSpotifyTracks(db.db, path(workspaceRoot, options['file'], 'file'));
      if (result.rowsImported > 0) log.info(`imported Spotify tracks: ${result.rowsImported} rows, ${result.rowsSkipped} skipped`);
    },
  },
  'lastfm-2k': {
    source: 'lastfm-2k',
    description: 'Last.fm hetrec2011-lastfm-2k: user–artist plays, tags, friends (non-commercial: read from ../shared/data only)',
    async ensure(db, options, { workspaceRoot, log }) {
      const result = await importLastfm2k(db.db, { dir: path(workspaceRoot, options['dir'], 'dir') });
      if (result.rowsImported > 0) log.info(`imported Last.fm 2k: ${result.rowsImported} rows, ${result.rowsSkipped} skipped`);
    },
  },
  'lastfm-360k': {
    source: 'lastfm-360k',
    description: 'Last.fm 360K sample: user profiles (gender, age, country) and user–artist plays (non-commercial: read from ../shared/data only)',
    async ensure(db, options, { workspaceRoot, log }) {
      const result = await importLastfm360k(db.db, { dir: path(workspaceRoot, options['dir'], 'dir') });
      if (result.rowsImported > 0) log.info(`imported Last.fm 360K sample: ${result.rowsImported} rows, ${result.rowsSkipped} skipped`);
    },
  },
  synthetic: {
    source: SYNTHETIC_SOURCE,
    description: 'seeded synthetic catalogue and play log with planted structure (tools/synth)',
    async ensure(db, options, { log }) {
      if ((await countTracks(db, SYNTHETIC_SOURCE)) > 0) return;
      const preset = (options['preset'] as 'small' | 'large' | undefined) ?? 'small';
      const seed = typeof options['seed'] === 'number' ? options['seed'] : 42;
      log.info(`generating synthetic data (preset ${preset}, seed ${seed})`);
      const result = await generateSynthetic(db.db, { preset, seed });
      log.info('synthetic data ready', result.summary as unknown as Record<string, unknown>);
    },
  },
});

/** The `data.load` block of a trainer config: which dataset to make sure is in the database. */
export const DataLoadSchema = z
  .object({
    /** Name in {@link DATASETS}. */
    dataset: z.string(),
    /** Loader options (paths relative to the workspace root). */
    options: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();
export type DataLoad = z.infer<typeof DataLoadSchema>;

/**
 * Makes sure the dataset a config names is in the database.
 * @throws CliError `CONFIG_INVALID` for an unknown dataset name (lists the known ones) or a missing path.
 */
export async function ensureDataset(db: TunekitDb, load: DataLoad, ctx: { workspaceRoot: string; log: Logger }): Promise<DatasetLoader> {
  const loader = DATASETS[load.dataset];
  if (!loader) {
    throw new CliError('CONFIG_INVALID', `data.load.dataset: unknown dataset "${load.dataset}". Known: ${Object.keys(DATASETS).join(', ')}`, { context: { key: 'data.load.dataset' } });
  }
  await loader.ensure(db, load.options, ctx);
  return loader;
}

/**
 * `npm run bench -- import [--datasets fma,spotify,lastfm-2k,lastfm-360k] [--pg-url URL] [--no-pg]`
 *
 * Import throughput of every real dataset into a fresh embedded PGlite database and, when the
 * server is reachable, into a fresh PostgreSQL database (`tk_bench_<pid>`, dropped afterwards).
 * Rows/s counts source records read and written per second of wall time (each record fills
 * several tables: entity rows, links, id resolution). Writes artifacts/bench/import.json.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  importFma,
  importLastfm2k,
  importLastfm360k,
  importSpotifyTracks,
  openDatabase,
  redact,
  type ImportResult,
  type TunekitDb,
} from '@tunekit/data-access';
import pg from 'pg';
import { WORKSPACE_ROOT, writeBenchResult } from '../report';

type Importer = (db: TunekitDb['db'], dataDir: string) => Promise<ImportResult>;

/** One dataset of the benchmark: which importer and what it reads. */
const DATASETS: Readonly<Record<string, Importer>> = Object.freeze({
  fma: (db, d) => importFma(db, { genresDir: join(d, 'fma-genres'), rawDir: join(d, 'fma-raw-excerpt'), echonestDir: join(d, 'fma-echonest-subset'), progress: false }),
  spotify: (db, d) => importSpotifyTracks(db, join(d, 'spotify-tracks-114k-sample/dataset_subset.csv'), { progress: false }),
  'lastfm-2k': (db, d) => importLastfm2k(db, { dir: join(d, 'hetrec2011-lastfm-2k'), progress: false }),
  'lastfm-360k': (db, d) => importLastfm360k(db, { dir: join(d, 'lastfm-lfm-360k-sample'), progress: false }),
});

interface Measurement {
  dialect: 'pglite' | 'postgres';
  dataset: string;
  rows: number;
  seconds: number;
  rows_per_s: number;
  cpu_user_s: number;
}

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function adminQuery(url: string, text: string): Promise<void> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

async function measure(dialect: Measurement['dialect'], dataset: string, open: () => Promise<TunekitDb>, dataDir: string): Promise<Measurement> {
  const h = await open();
  try {
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    const r = await (DATASETS[dataset] as Importer)(h.db, dataDir);
    const seconds = (performance.now() - t0) / 1000;
    if (r.errors.length > 0) throw new Error(`${dataset}: ${r.errors.length} malformed rows, first: ${JSON.stringify(r.errors[0])}`);
    return {
      dialect,
      dataset,
      rows: r.rowsImported,
      seconds: Math.round(seconds * 1000) / 1000,
      rows_per_s: Math.round(r.rowsImported / seconds),
      cpu_user_s: Math.round(process.cpuUsage(cpu).user / 1e4) / 100,
    };
  } finally {
    await h.close();
  }
}

/** Runs the import benchmark; see the file comment for arguments. */
export async function run(args: string[]): Promise<void> {
  const dataDir = resolve(process.env['TUNEKIT_DATA_DIR'] ?? join(WORKSPACE_ROOT, '../shared/data'));
  if (!existsSync(join(dataDir, 'README.md'))) {
    console.error(`Real datasets not found at ${dataDir}: set TUNEKIT_DATA_DIR to the folder holding fma-raw-excerpt/, hetrec2011-lastfm-2k/, …`);
    process.exitCode = 2;
    return;
  }
  const datasets = (arg(args, '--datasets') ?? Object.keys(DATASETS).join(',')).split(',').filter((d) => d !== '');
  const unknown = datasets.filter((d) => !(d in DATASETS));
  if (unknown.length > 0) {
    console.error(`Unknown dataset(s) ${unknown.join(', ')}; choose from ${Object.keys(DATASETS).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const pgUrl = arg(args, '--pg-url') ?? process.env['TUNEKIT_TEST_PG_URL'] ?? process.env['DATABASE_URL'] ?? 'postgres://postgres:postgres@127.0.0.1:5432/tunekit_test';
  const results: Measurement[] = [];
  for (const dataset of datasets) {
    console.error(`pglite   ${dataset} …`);
    results.push(await measure('pglite', dataset, () => openDatabase('pglite:memory'), dataDir));
  }
  let postgres: Record<string, unknown> = { url: redact(pgUrl) };
  if (args.includes('--no-pg')) postgres = { ...postgres, skipped: '--no-pg' };
  else {
    const name = `tk_bench_${process.pid}`;
    const dbUrl = (() => {
      const u = new URL(pgUrl);
      u.pathname = `/${name}`;
      return u.toString();
    })();
    try {
      await adminQuery(pgUrl, 'select 1');
    } catch (e) {
      postgres = { ...postgres, skipped: `server not reachable: ${(e as Error).message}` };
    }
    if (!postgres['skipped']) {
      try {
        for (const dataset of datasets) {
          console.error(`postgres ${dataset} …`);
          await adminQuery(pgUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await adminQuery(pgUrl, `CREATE DATABASE ${name}`);
          results.push(await measure('postgres', dataset, () => openDatabase(dbUrl), dataDir));
        }
      } finally {
        await adminQuery(pgUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      }
    }
  }
  console.log('dialect   dataset        rows      seconds   rows/s   cpu user s');
  for (const m of results) {
    console.log(
      `${m.dialect.padEnd(9)} ${m.dataset.padEnd(13)} ${String(m.rows).padStart(7)} ${m.seconds.toFixed(2).padStart(10)} ${String(m.rows_per_s).padStart(8)} ${m.cpu_user_s.toFixed(2).padStart(10)}`,
    );
  }
  if (postgres['skipped']) console.log(`postgres skipped: ${String(postgres['skipped'])}`);
  const path = writeBenchResult('import', {
    unit: 'source records per second of wall time (one transaction per file, batched INSERT … SELECT unnest)',
    data_dir: dataDir,
    postgres,
    results,
  });
  console.log(`wrote ${path}`);
}

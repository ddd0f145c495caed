/**
 * The dialect loop of the integration tests (after kysely's DIALECTS in test/node/src): PGlite
 * always; PostgreSQL when TUNEKIT_TEST_PG_URL is set. Each PostgreSQL suite gets its own database
 * `tk_<pid>_<tag>` (created here, dropped afterwards) so test files running in parallel forks
 * never share tables.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import pg from 'pg';
import { openDatabase, type TunekitDb } from '../src/index';

export interface Dialect {
  name: 'pglite' | 'postgres';
  /** Why the dialect is skipped, or null when it runs. */
  skipReason: string | null;
  /** Opens a fresh, migrated, empty database for this suite. */
  open(): Promise<TunekitDb>;
  /** Drops what `open` created (PostgreSQL database). */
  dispose(): Promise<void>;
  /** The URL `open` used (after open). */
  url(): string;
}

const PG_URL = process.env['TUNEKIT_TEST_PG_URL'];
const PG_SKIP = 'TUNEKIT_TEST_PG_URL is not set (e.g. postgres://postgres:postgres@127.0.0.1:5432/tunekit_test)';

/** Folder of the shared real datasets, or null when absent (then data tests skip). */
export const DATA_DIR: string | null = (() => {
  const dir = process.env['TUNEKIT_DATA_DIR'] ?? resolve(__dirname, '../../../../shared/data');
  return existsSync(resolve(dir, 'README.md')) ? dir : null;
})();

/** Skip message for data-dependent suites. */
export const NO_DATA_REASON = `real datasets not found at ${process.env['TUNEKIT_DATA_DIR'] ?? '../shared/data'} (set TUNEKIT_DATA_DIR)`;

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Replaces the database name of a PostgreSQL URL. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** The dialects for one test file; `tag` makes the PostgreSQL database name unique per file. */
export function dialects(tag: string): Dialect[] {
  let pgUrl = '';
  const dbName = `tk_${process.pid}_${tag.replace(/[^a-z0-9]/gi, '_').toLowerCase()}`;
  if (!PG_URL) console.warn(`[data-access ${tag}] PostgreSQL tests skipped: ${PG_SKIP}`);
  return [
    {
      name: 'pglite',
      skipReason: null,
      open: () => openDatabase('pglite:memory'),
      dispose: async () => undefined,
      url: () => 'pglite:memory',
    },
    {
      name: 'postgres',
      skipReason: PG_URL ? null : PG_SKIP,
      open: async () => {
        await admin(async (c) => {
          await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
          await c.query(`CREATE DATABASE ${dbName}`);
        });
        pgUrl = withDatabase(PG_URL as string, dbName);
        return openDatabase(pgUrl);
      },
      dispose: async () => {
        if (PG_URL) await admin((c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`));
      },
      url: () => pgUrl,
    },
  ];
}

/** Title of a dialect's describe block, saying why it is skipped. */
export function title(d: Dialect, what: string): string {
  return d.skipReason ? `${what} [${d.name}] — skipped: ${d.skipReason}` : `${what} [${d.name}]`;
}

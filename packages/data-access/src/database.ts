import { Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely';
import { Migrator, type MigrationResult } from 'kysely/migration';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DataAccessError } from './errors';
import { MIGRATIONS } from './migrations/index';
import type { TunekitDatabase } from './schema/database';

/** The default database: an embedded PGlite database in `artifacts/db/tunekit`. */
export const DEFAULT_DATABASE_URL = 'pglite:artifacts/db/tunekit';

/** A parsed database URL. */
export type DatabaseTarget =
  | { kind: 'pglite'; path: string | null; url: string }
  | { kind: 'postgres'; url: string };

/** An open database: the Kysely instance, what it points at, and how to close it. */
export interface TunekitDb {
  readonly db: Kysely<TunekitDatabase>;
  readonly target: DatabaseTarget;
  /** Closes the pool / embedded instance. */
  close(): Promise<void>;
}

/**
 * Parses a database URL.
 *
 * - `pglite:memory` (or `pglite:` / `pglite://memory`) — in-memory embedded database
 * - `pglite:<path>` / `pglite://<path>` — embedded database persisted in a directory
 * - `postgres://user:pass@host:port/db` / `postgresql://…` — a PostgreSQL server via `pg`
 *
 * @throws DataAccessError `BAD_URL` for anything else, naming the URL and the accepted forms.
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  const trimmed = url.trim();
  if (trimmed.startsWith('pglite:')) {
    const rest = trimmed.slice('pglite:'.length).replace(/^\/\//, '');
    if (rest === '' || rest === 'memory' || rest === ':memory:') return { kind: 'pglite', path: null, url: trimmed };
    return { kind: 'pglite', path: resolve(rest), url: trimmed };
  }
  if (/^postgres(ql)?:\/\//.test(trimmed)) {
    let parsed: URL;
    try {
      parsed = new URL(trimmed);
    } catch (cause) {
      throw new DataAccessError('BAD_URL', `Malformed PostgreSQL URL ${redact(trimmed)}: ${(cause as Error).message}`, {
        cause,
        context: { url: redact(trimmed) },
      });
    }
    if (!parsed.hostname) {
      throw new DataAccessError('BAD_URL', `PostgreSQL URL ${redact(trimmed)} has no host`, { context: { url: redact(trimmed) } });
    }
    if (parsed.port && !/^\d+$/.test(parsed.port)) {
      throw new DataAccessError('BAD_URL', `PostgreSQL URL ${redact(trimmed)} has a bad port`, { context: { url: redact(trimmed) } });
    }
    return { kind: 'postgres', url: trimmed };
  }
  throw new DataAccessError(
    'BAD_URL',
    `Unsupported database URL "${redact(trimmed)}": use pglite:memory, pglite:<directory> or postgres://user:pass@host:port/db`,
    { context: { url: redact(trimmed) } },
  );
}

/** Hides the password of a URL for messages and logs. */
export function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

/** The URL tunekit uses when none is given: `DATABASE_URL`, else {@link DEFAULT_DATABASE_URL}. */
export function resolveDatabaseUrl(url?: string): string {
  return url ?? process.env['DATABASE_URL'] ?? DEFAULT_DATABASE_URL;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * Opens (and by default migrates) the tunekit database.
 *
 * @param url - see {@link parseDatabaseUrl}; defaults to `DATABASE_URL`, then the embedded PGlite file.
 * @param options.migrate - run pending migrations first (default true).
 * @throws DataAccessError `BAD_URL` for a malformed URL, `CONNECTION_FAILED` when the server is
 *   unreachable (the message names host and port), `MIGRATION_FAILED` when a migration fails.
 * @example
 * ```ts
 * const { db, close } = await openDatabase('pglite:memory');
 * const n = await db.selectFrom('tracks').select(db.fn.countAll().as('n')).executeTakeFirst();
 * await close();
 * ```
 */
export async function openDatabase(url?: string, options: { migrate?: boolean } = {}): Promise<TunekitDb> {
  const target = parseDatabaseUrl(resolveDatabaseUrl(url));
  let db: Kysely<TunekitDatabase>;
  if (target.kind === 'pglite') {
    const { PGlite } = await import('@electric-sql/pglite');
    if (target.path) mkdirSync(dirname(target.path), { recursive: true });
    let pglite: InstanceType<typeof PGlite>;
    try {
      pglite = new PGlite(target.path ?? undefined, {
        parsers: { [INT8_OID]: (v: string) => Number(v), [NUMERIC_OID]: (v: string) => Number(v) },
      });
      await pglite.waitReady;
    } catch (cause) {
      throw new DataAccessError('CONNECTION_FAILED', `Could not open the embedded database at ${target.path ?? 'memory'}: ${(cause as Error).message}`, {
        cause,
        context: { url: target.url },
      });
    }
    db = new Kysely<TunekitDatabase>({ dialect: new PGliteDialect({ pglite }) });
  } else {
    const pg = await import('pg');
    const Pool = pg.default?.Pool ?? (pg as unknown as { Pool: typeof pg.default.Pool }).Pool;
    const types = pg.default?.types ?? (pg as unknown as { types: typeof pg.default.types }).types;
    const pool = new Pool({
      connectionString: target.url,
      max: 4,
      connectionTimeoutMillis: 5000,
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === INT8_OID || oid === NUMERIC_OID
            ? (v: string) => Number(v)
            : types.getTypeParser(oid, format as 'text')) as typeof types.getTypeParser,
      },
    });
    // Without a listener an idle-client error (server restart) would crash the process.
    pool.on('error', () => undefined);
    // Same for a checked-out client whose session the server ends (shutdown, pg_terminate_backend):
    // the running query already rejects with the error; the extra 'error' event must not crash.
    pool.on('connect', (client) => {
      client.on('error', () => undefined);
    });
    db = new Kysely<TunekitDatabase>({ dialect: new PostgresDialect({ pool }) });
    try {
      await sql`select 1`.execute(db);
    } catch (cause) {
      await db.destroy().catch(() => undefined);
      const u = new URL(target.url);
      throw new DataAccessError(
        'CONNECTION_FAILED',
        `Cannot reach PostgreSQL at ${u.hostname}:${u.port || 5432} (database "${u.pathname.slice(1)}"): ${(cause as Error).message}. Is the server running and DATABASE_URL right?`,
        { cause, context: { url: redact(target.url) } },
      );
    }
  }
  const handle: TunekitDb = { db, target, close: () => db.destroy() };
  if (options.migrate !== false) {
    try {
      await migrateToLatest(db);
    } catch (e) {
      await handle.close().catch(() => undefined);
      throw e;
    }
  }
  return handle;
}

/**
 * Applies all pending migrations.
 * @returns the migrations that ran.
 * @throws DataAccessError `MIGRATION_FAILED` naming the failed migration.
 */
export async function migrateToLatest(db: Kysely<TunekitDatabase>): Promise<MigrationResult[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => ({ ...MIGRATIONS }) },
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new DataAccessError('MIGRATION_FAILED', `Migration ${failed?.migrationName ?? '(unknown)'} failed: ${(error as Error).message ?? String(error)}`, {
      cause: error,
      context: { migration: failed?.migrationName },
    });
  }
  return results ?? [];
}

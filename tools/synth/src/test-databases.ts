import { openDatabase, type TunekitDb } from '@tunekit/data-access';
import { sql } from 'kysely';

/** A database target used by the tests: a name and how to open a fresh, migrated instance. */
export interface TestDialect {
  readonly name: 'pglite' | 'postgres';
  /** Opens a fresh, empty, migrated database; `dispose` closes it (and drops it on PostgreSQL). */
  open(): Promise<TestDatabase>;
}

/** An open test database. */
export interface TestDatabase extends TunekitDb {
  dispose(): Promise<void>;
}

let counter = 0;

/**
 * The dialects tests loop over: in-memory PGlite always, plus PostgreSQL when the environment
 * variable `TUNEKIT_TEST_PG_URL` is set (each `open()` creates a uniquely named database on that
 * server and `dispose()` drops it).
 *
 * @returns the available dialects, PGlite first.
 * @example
 * ```ts
 * for (const dialect of testDialects()) {
 *   const h = await dialect.open();
 *   await h.dispose();
 * }
 * ```
 */
export function testDialects(): TestDialect[] {
  const out: TestDialect[] = [
    {
      name: 'pglite',
      open: async () => {
        const h = await openDatabase('pglite:memory');
        return { ...h, dispose: () => h.close() };
      },
    },
  ];
  const pgUrl = process.env['TUNEKIT_TEST_PG_URL'];
  if (pgUrl) {
    out.push({
      name: 'postgres',
      open: async () => {
        const name = `tunekit_synth_${process.pid}_${Date.now()}_${counter++}`;
        const admin = await openDatabase(pgUrl, { migrate: false });
        await sql`CREATE DATABASE ${sql.id(name)}`.execute(admin.db);
        const url = new URL(pgUrl);
        url.pathname = `/${name}`;
        const h = await openDatabase(url.toString());
        return {
          ...h,
          dispose: async () => {
            await h.close();
            await sql`DROP DATABASE IF EXISTS ${sql.id(name)}`.execute(admin.db);
            await admin.close();
          },
        };
      },
    });
  }
  return out;
}

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataAccessError, importLastfm2k, openDatabase, parseDatabaseUrl, redact } from '../src/index';
import { dialects, title } from './dialects';

describe('database URLs', () => {
  it('parses the accepted forms', () => {
    expect(parseDatabaseUrl('pglite:memory')).toMatchObject({ kind: 'pglite', path: null });
    expect(parseDatabaseUrl('pglite:')).toMatchObject({ kind: 'pglite', path: null });
    expect(parseDatabaseUrl('pglite:///tmp/x')).toMatchObject({ kind: 'pglite', path: '/tmp/x' });
    expect(parseDatabaseUrl('postgres://u:p@h:5432/db')).toMatchObject({ kind: 'postgres' });
    expect(parseDatabaseUrl('postgresql://h/db')).toMatchObject({ kind: 'postgres' });
  });

  it.each(['mysql://h/db', 'sqlite:x.db', '', 'postgres://', 'postgres://u:secret@h:port/db'])('rejects %j with BAD_URL and hides passwords', (url) => {
    const err = (() => {
      try {
        parseDatabaseUrl(url);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(DataAccessError);
    expect((err as DataAccessError).code).toBe('BAD_URL');
    expect((err as Error).message).not.toContain('secret');
  });

  it('redacts passwords', () => {
    expect(redact('postgres://u:secret@h/db')).toBe('postgres://u:***@h/db');
  });

  it('an unreachable server is CONNECTION_FAILED naming host and port', async () => {
    // Port 9 (discard) on loopback: nothing listens there, the connection is refused at once.
    const err = await openDatabase('postgres://postgres:pw@127.0.0.1:9/nothing').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataAccessError);
    expect((err as DataAccessError).code).toBe('CONNECTION_FAILED');
    expect((err as Error).message).toContain('127.0.0.1:9');
    expect((err as Error).message).not.toContain('pw');
  });

  it('a PGlite directory persists across opens', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-pglite-'));
    try {
      const a = await openDatabase(`pglite:${join(dir, 'db')}`);
      await a.db.insertInto('users').values({ source: 't', external_id: 'u1' }).execute();
      await a.close();
      const b = await openDatabase(`pglite:${join(dir, 'db')}`);
      expect((await b.db.selectFrom('users').select('external_id').execute()).map((r) => r.external_id)).toEqual(['u1']);
      await b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const [, postgres] = dialects('connection_lost');
describe.skipIf(postgres!.skipReason !== null)(title(postgres!, 'server connection lost mid-import'), () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tk-conn-lost-'));
    writeFileSync(join(dir, 'artists.dat'), 'id\tname\turl\tpictureURL\n1\tA\t\t\n');
    writeFileSync(join(dir, 'tags.dat'), 'tagID\ttagValue\n1\tmetal\n');
    writeFileSync(join(dir, 'user_taggedartists.dat'), 'userID\tartistID\ttagID\tday\tmonth\tyear\n');
    writeFileSync(join(dir, 'user_friends.dat'), 'userID\tfriendID\n');
    const lines = ['userID\tartistID\tweight'];
    for (let u = 0; u < 400; u++) for (let a = 0; a < 100; a++) lines.push(`${u}\t${a}\t${u + a + 1}`);
    writeFileSync(join(dir, 'user_artists.dat'), lines.join('\n') + '\n');
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await postgres!.dispose();
  });

  it('the server ending the session mid-import gives CONNECTION_LOST and leaves no partial commit', async () => {
    const h = await postgres!.open();
    const url = postgres!.url();
    const dbName = new URL(url).pathname.slice(1);
    // The shared server cannot be stopped under other test files, so the session is ended the way a
    // shutdown ends it: the server terminates the backend (SQLSTATE 57P01 admin_shutdown).
    const killer = new pg.Client({ connectionString: url });
    await killer.connect();
    let killed = 0;
    // Kill attempts run one after another; the import's error can arrive before the killer's own
    // reply, so the test waits for the last attempt before counting.
    let attempts: Promise<void> = Promise.resolve();
    const timer = setInterval(() => {
      attempts = attempts.then(() =>
        killer
          .query(`select count(pg_terminate_backend(pid))::int n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid() and xact_start is not null and query ilike '%artist_plays%'`, [dbName])
          .then((r) => {
            killed += (r.rows[0] as { n: number }).n;
          })
          .catch(() => undefined),
      );
    }, 50);
    const err = await importLastfm2k(h.db, { dir, progress: false, batchSize: 500 }).catch((e: unknown) => e);
    clearInterval(timer);
    await attempts;
    expect(killed).toBeGreaterThan(0);
    expect(err).toBeInstanceOf(DataAccessError);
    expect((err as DataAccessError).code).toBe('CONNECTION_LOST');
    expect((err as Error).message).toMatch(/user_artists\.dat.*rolled back/s);
    await killer.end();
    await h.close();

    // Consistent: the earlier files are committed, the interrupted one left nothing behind.
    const again = await openDatabase(url);
    const n = async (q: string) => Number((await sql<{ n: number }>`${sql.raw(q)}`.execute(again.db)).rows[0]?.n);
    expect(await n('select count(*)::int n from artist_plays')).toBe(0);
    expect(await n(`select count(*)::int n from dataset_imports where file = 'user_artists.dat'`)).toBe(0);
    expect(await n(`select count(*)::int n from dataset_imports where file = 'artists.dat'`)).toBe(1);
    // and a re-run completes
    const r = await importLastfm2k(again.db, { dir, progress: false });
    expect(r.filesSkipped.map((f) => f.split('/').pop())).toEqual(['artists.dat', 'tags.dat']);
    expect(r.filesImported).toHaveLength(3);
    expect(await n('select count(*)::int n from artist_plays')).toBe(40000);
    await again.close();
  });
});

import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { sql, type Kysely, type Transaction } from 'kysely';
import { readDelimited } from '../csv/csv-reader';
import { DataAccessError } from '../errors';
import type { TunekitDatabase } from '../schema/database';

/** What to do with a malformed row: skip it (counted and reported) or abort the file's import. */
export type OnRowError = 'skip' | 'abort';

/** Options shared by every importer. */
export interface ImportOptions {
  /** Malformed row policy. `abort` (default) rolls the whole file back: no partial commit. */
  onError?: OnRowError;
  /** Maximum rows per multi-row INSERT (capped so a statement stays under 65,535 parameters). Default 2000. */
  batchSize?: number;
  /** Show a progress bar on stderr. Default: only when stderr is a TTY. */
  progress?: boolean;
  /** Re-read files that `dataset_imports` records as done (rows are still never inserted twice). */
  force?: boolean;
}

/** One malformed input row: where it is and what was wrong. */
export interface ImportRowError {
  file: string;
  /** 1-based line where the record starts (header = line 1). */
  line: number;
  /** Column name (or `record` for a wrong field count). */
  column: string;
  message: string;
}

/** What an import did. */
export interface ImportResult {
  /** Source records read and written (a record may fill several tables). */
  rowsImported: number;
  /** Malformed records skipped (`onError: 'skip'`). */
  rowsSkipped: number;
  /** Every malformed record, with file, line and column. */
  errors: ImportRowError[];
  /** Files not read because `dataset_imports` already records them (same checksum). */
  filesSkipped: string[];
  /** Files read in this call. */
  filesImported: string[];
}

/** An empty result, to accumulate into. */
export function emptyImportResult(): ImportResult {
  return { rowsImported: 0, rowsSkipped: 0, errors: [], filesSkipped: [], filesImported: [] };
}

/** Adds `b` into `a` and returns `a`. */
export function mergeImportResults(a: ImportResult, b: ImportResult): ImportResult {
  a.rowsImported += b.rowsImported;
  a.rowsSkipped += b.rowsSkipped;
  a.errors.push(...b.errors);
  a.filesSkipped.push(...b.filesSkipped);
  a.filesImported.push(...b.filesImported);
  return a;
}

/** A row problem found while parsing; becomes an {@link ImportRowError}. */
export class RowError extends Error {
  constructor(
    readonly column: string,
    message: string,
  ) {
    super(message);
  }
}

/** Typed access to one record's fields by header name. */
export class RecordView {
  fields: string[] = [];
  constructor(readonly index: ReadonlyMap<string, number>) {}

  /** Raw text of a column ('' when empty, or when an optional column is absent from the header). */
  text(col: string): string {
    const i = this.index.get(col);
    return i === undefined ? '' : (this.fields[i] ?? '');
  }
  /** Text, or null when empty. */
  textOrNull(col: string): string | null {
    const v = this.text(col);
    return v === '' ? null : v;
  }
  /** Required non-empty text. */
  required(col: string): string {
    const v = this.text(col).trim();
    if (v === '') throw new RowError(col, 'is empty but required');
    return v;
  }
  /** Integer (accepts `22.0`), or null when empty. */
  intOrNull(col: string): number | null {
    const v = this.text(col).trim();
    if (v === '') return null;
    const n = Number(v);
    if (!Number.isFinite(n) || !Number.isInteger(n)) throw new RowError(col, `expected an integer, got ${JSON.stringify(v.slice(0, 40))}`);
    return n;
  }
  /** Required integer. */
  int(col: string): number {
    const n = this.intOrNull(col);
    if (n === null) throw new RowError(col, 'is empty but an integer is required');
    return n;
  }
  /** Finite number, or null when empty. */
  numOrNull(col: string): number | null {
    const v = this.text(col).trim();
    if (v === '') return null;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new RowError(col, `expected a number, got ${JSON.stringify(v.slice(0, 40))}`);
    return n;
  }
  /** Required finite number. */
  num(col: string): number {
    const n = this.numOrNull(col);
    if (n === null) throw new RowError(col, 'is empty but a number is required');
    return n;
  }
}

/** How to read one file and what to do with its parsed rows. */
export interface FileImportSpec<R> {
  /** Dataset name recorded in `dataset_imports` (e.g. `fma-raw`). */
  dataset: string;
  file: string;
  delimiter?: string;
  quotes?: boolean;
  encoding?: BufferEncoding;
  /** Columns that must be in the header (for a headerless file: the column names, in order). */
  requiredColumns: readonly string[];
  /** The file has no header line; `requiredColumns` names its columns. */
  headerless?: boolean;
  /** Turns one record into a row; throws {@link RowError} for malformed input. */
  parse(rec: RecordView, line: number): R;
  /** Writes a batch of parsed rows inside the file's transaction. */
  flush(trx: Transaction<TunekitDatabase>, rows: R[]): Promise<void>;
  /** Runs once in the transaction after the last batch (e.g. fix-up UPDATEs). */
  finish?(trx: Transaction<TunekitDatabase>): Promise<void>;
}

/** sha256 of a file, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch (cause) {
    throw new DataAccessError('FILE_NOT_FOUND', `Cannot read ${path}: ${(cause as Error).message}. Check the path or download the dataset first.`, {
      cause,
      context: { file: path },
    });
  }
  return hash.digest('hex');
}

const CONNECTION_CODES = new Set(['57P01', '57P02', '57P03', '08000', '08003', '08006', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE']);

/** Maps driver failures that mean "the server went away" to `CONNECTION_LOST`; rethrows others. */
export function mapConnectionError(e: unknown, where: string): unknown {
  if (e instanceof DataAccessError) return e;
  const err = e as { code?: string; message?: string };
  const msg = err?.message ?? String(e);
  if ((err?.code && CONNECTION_CODES.has(err.code)) || /Connection terminated|terminating connection|Client has encountered a connection error|not queryable/i.test(msg)) {
    return new DataAccessError(
      'CONNECTION_LOST',
      `Lost the database connection while ${where}: ${msg}. The open transaction was rolled back by the server, so nothing of it was committed; restart the server and re-run (imports are idempotent).`,
      { cause: e, context: { where } },
    );
  }
  return e;
}

/**
 * Imports one delimited file in one transaction, in multi-row batches, recording it in
 * `dataset_imports` so a re-run skips it. Malformed rows are skipped or abort the file (rollback).
 */
export async function importDelimitedFile<R>(db: Kysely<TunekitDatabase>, spec: FileImportSpec<R>, options: ImportOptions = {}): Promise<ImportResult> {
  const result = emptyImportResult();
  const onError = options.onError ?? 'abort';
  const batchSize = Math.max(1, options.batchSize ?? 2000);
  const name = basename(spec.file);
  const checksum = await sha256File(spec.file);
  if (!options.force) {
    const done = await db
      .selectFrom('dataset_imports')
      .select('id')
      .where('dataset', '=', spec.dataset)
      .where('file', '=', name)
      .where('checksum', '=', checksum)
      .executeTakeFirst()
      .catch((e: unknown) => {
        throw mapConnectionError(e, `checking dataset_imports for ${spec.file}`);
      });
    if (done) {
      result.filesSkipped.push(spec.file);
      return result;
    }
  }
  const showProgress = options.progress ?? Boolean(process.stderr.isTTY);
  const totalBytes = statSync(spec.file).size;
  let bar: { update(v: number): void; stop(): void } | null = null;
  if (showProgress) {
    const cp = await import('cli-progress');
    const Bar = (cp.default ?? cp).SingleBar;
    const b = new Bar({ format: `${name} [{bar}] {percentage}% | {rows} rows`, stream: process.stderr }, (cp.default ?? cp).Presets.shades_classic);
    b.start(totalBytes, 0, { rows: 0 });
    bar = { update: (v) => b.update(v, { rows: result.rowsImported }), stop: () => b.stop() };
  }
  try {
    await db.transaction().execute(async (trx) => {
      let view: RecordView | null = spec.headerless ? new RecordView(new Map(spec.requiredColumns.map((c, i) => [c, i] as const))) : null;
      let batch: R[] = [];
      let approxBytes = 0;
      const fail = (err: { line: number; column: string; message: string }) => {
        const e: ImportRowError = { file: spec.file, ...err };
        result.errors.push(e);
        if (onError === 'abort') {
          throw new DataAccessError('IMPORT_ABORTED', `${spec.file}:${e.line} column ${e.column}: ${e.message}. Nothing from this file was committed; fix the row or import with onError: 'skip'.`, {
            context: { ...e },
          });
        }
        result.rowsSkipped++;
      };
      const readOpts: { delimiter?: string; quotes?: boolean; encoding?: BufferEncoding } = {};
      if (spec.delimiter !== undefined) readOpts.delimiter = spec.delimiter;
      if (spec.quotes !== undefined) readOpts.quotes = spec.quotes;
      if (spec.encoding !== undefined) readOpts.encoding = spec.encoding;
      for await (const { line, fields } of readDelimited(spec.file, readOpts)) {
        if (view === null) {
          const index = new Map(fields.map((f, i) => [f.trim(), i] as const));
          const missing = spec.requiredColumns.filter((c) => !index.has(c));
          if (missing.length > 0) {
            throw new DataAccessError('BAD_ROW', `${spec.file}:1: header lacks column(s) ${missing.join(', ')}; found ${fields.join(', ')}`, {
              context: { file: spec.file, line: 1, column: missing[0] },
            });
          }
          view = new RecordView(index);
          continue;
        }
        if (bar) for (const f of fields) approxBytes += f.length + 1;
        if (fields.length !== view.index.size) {
          fail({ line, column: 'record', message: `expected ${view.index.size} fields, found ${fields.length}` });
          continue;
        }
        view.fields = fields;
        let row: R;
        try {
          row = spec.parse(view, line);
        } catch (e) {
          if (e instanceof RowError || e instanceof DataAccessError) {
            fail({ line, column: e instanceof RowError ? e.column : String(e.context['column'] ?? 'record'), message: e.message });
            continue;
          }
          throw e;
        }
        batch.push(row);
        if (batch.length >= batchSize) {
          await spec.flush(trx, batch);
          result.rowsImported += batch.length;
          batch = [];
          bar?.update(Math.min(totalBytes, approxBytes));
        }
      }
      if (batch.length > 0) {
        await spec.flush(trx, batch);
        result.rowsImported += batch.length;
      }
      if (spec.finish) await spec.finish(trx);
      await trx
        .insertInto('dataset_imports')
        .values({ dataset: spec.dataset, file: name, checksum, rows_imported: result.rowsImported, rows_skipped: result.rowsSkipped })
        .onConflict((oc) => oc.doNothing())
        .execute();
    });
  } catch (e) {
    throw mapConnectionError(e, `importing ${spec.file}`);
  } finally {
    bar?.update(totalBytes);
    bar?.stop();
  }
  result.filesImported.push(spec.file);
  return result;
}

/** Loosely typed view of the database for table-generic helpers. */
type LooseDb = Record<string, Record<string, unknown>>;

const columnTypes = new WeakMap<object, Map<string, Map<string, string>>>();

/** `column → SQL type` of a table, read once per database from the catalog. */
async function tableColumnTypes(db: Kysely<TunekitDatabase>, table: string): Promise<Map<string, string>> {
  const key = (db as unknown as { getExecutor(): object }).getExecutor?.() ?? db;
  let perDb = columnTypes.get(key);
  if (!perDb) columnTypes.set(key, (perDb = new Map()));
  let cols = perDb.get(table);
  if (!cols) {
    const r = await sql<{ name: string; type: string }>`SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
      FROM pg_attribute a WHERE a.attrelid = ${table}::regclass AND a.attnum > 0 AND NOT a.attisdropped`.execute(db);
    cols = new Map(r.rows.map((c) => [c.name, c.type]));
    perDb.set(table, cols);
  }
  return cols;
}

/**
 * Batched `INSERT … SELECT FROM unnest(<one array per column>) ON CONFLICT DO NOTHING`: one
 * statement per `batchSize` rows with one bind parameter per column (never near PostgreSQL's
 * 65,535-parameter limit), which parses far faster than a VALUES list on PGlite and PostgreSQL.
 * @returns rows actually inserted
 */
export async function insertIgnore(trx: Kysely<TunekitDatabase>, table: keyof TunekitDatabase, rows: readonly Record<string, unknown>[], batchSize = 5000): Promise<number> {
  if (rows.length === 0) return 0;
  const types = await tableColumnTypes(trx, table);
  const cols = Object.keys(rows[0] as object);
  let inserted = 0;
  for (let i = 0; i < rows.length; i += batchSize) {
    const part = rows.slice(i, i + batchSize);
    const arrays = cols.map((c) => {
      const t = types.get(c);
      if (t === undefined) throw new DataAccessError('BAD_ROW', `Table ${table} has no column ${c}`, { context: { table, column: c } });
      const values = part.map((r) => {
        const v = r[c];
        if (v === undefined || v === null) return null;
        if (v instanceof Date) return v.toISOString();
        return typeof v === 'object' ? JSON.stringify(v) : String(v);
      });
      return sql`${sql.val(values)}::text[]::${sql.raw(t === 'jsonb' ? 'jsonb' : t)}[]`;
    });
    const r = await sql`INSERT INTO ${sql.table(table)} (${sql.join(cols.map((c) => sql.ref(c)))})
      SELECT * FROM unnest(${sql.join(arrays)}) ON CONFLICT DO NOTHING`.execute(trx);
    inserted += Number(r.numAffectedRows ?? 0);
  }
  return inserted;
}

/** Caches `(source, external_id) → id` per table for the length of one import. */
export class IdResolver {
  private readonly cache = new Map<string, Map<string, number>>();

  constructor(private readonly source: string) {}

  private tableCache(table: string): Map<string, number> {
    let m = this.cache.get(table);
    if (!m) this.cache.set(table, (m = new Map()));
    return m;
  }

  /** Ids already known for `table`. */
  get(table: EntityTable, externalId: string): number | undefined {
    return this.tableCache(table).get(externalId);
  }

  /**
   * Ensures every key exists (inserting `makeRow(key)` for missing ones, ON CONFLICT DO NOTHING)
   * and returns the id of each.
   */
  async ensure(trx: Kysely<TunekitDatabase>, table: EntityTable, keys: Iterable<string>, makeRow: (key: string) => Record<string, unknown>): Promise<Map<string, number>> {
    const cache = this.tableCache(table);
    const missing = [...new Set(keys)].filter((k) => !cache.has(k));
    if (missing.length === 0) return cache;
    await this.lookup(trx, table, missing);
    const stillMissing = missing.filter((k) => !cache.has(k));
    if (stillMissing.length > 0) {
      await insertIgnore(trx, table, stillMissing.map((k) => ({ source: this.source, external_id: k, ...makeRow(k) })));
      await this.lookup(trx, table, stillMissing);
    }
    return cache;
  }

  private async lookup(trx: Kysely<TunekitDatabase>, table: EntityTable, keys: string[]): Promise<void> {
    const cache = this.tableCache(table);
    const loose = trx as unknown as Kysely<LooseDb>;
    for (let i = 0; i < keys.length; i += 10000) {
      const part = keys.slice(i, i + 10000);
      const rows = (await loose
        .selectFrom(table)
        .select(['id', 'external_id'])
        .where('source', '=', this.source)
        .where(sql<boolean>`external_id = any(${sql.val(part)}::text[])`)
        .execute()) as { id: number; external_id: string }[];
      for (const r of rows) cache.set(r.external_id, r.id);
    }
  }
}

/** Tables with `(source, external_id)` natural keys. */
export type EntityTable = 'artists' | 'albums' | 'tracks' | 'genres' | 'tags' | 'users' | 'playlists';

/**
 * Parses FMA-style dates: `11/26/2008 01:44:45 AM`, `11/26/2008`, or a bare year `2008`.
 * @returns `{ date, year }` with `date` null when only a year is known
 */
export function parseUsDateTime(text: string, column: string): { date: Date | null; year: number | null } {
  const v = text.trim();
  if (v === '') return { date: null, year: null };
  if (/^\d{4}$/.test(v)) return { date: null, year: Number(v) };
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(AM|PM)?)?$/i.exec(v);
  if (!m) throw new RowError(column, `expected a date like "11/26/2008 01:44:45 AM" or a year, got ${JSON.stringify(v.slice(0, 40))}`);
  const [, mo, d, y, hh, mi, ss, ap] = m;
  let hour = Number(hh ?? 0);
  if (ap) {
    if (hour < 1 || hour > 12) throw new RowError(column, `hour ${hour} is not valid with ${ap}`);
    hour = (hour % 12) + (ap.toUpperCase() === 'PM' ? 12 : 0);
  }
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), hour, Number(mi ?? 0), Number(ss ?? 0)));
  if (date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d) || hour > 23) {
    throw new RowError(column, `${JSON.stringify(v)} is not a real calendar date/time`);
  }
  return { date, year: Number(y) };
}

/** `YYYY-MM-DD` from year/month/day numbers, validated. */
export function isoDate(year: number, month: number, day: number, column: string): string {
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) {
    throw new RowError(column, `${year}-${month}-${day} is not a real calendar date`);
  }
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

import { readFile } from 'node:fs/promises';
import { PreprocessingError } from './errors';
import type { SplitIndices } from './split.types';

/** Options of {@link readSplitFile} / {@link parseSplitFile}. */
export interface SplitFileOptions {
  /** Header name of the id column (default `'track_id'`). */
  idColumn?: string;
  /** Header name of the split column (default `'split'`); e.g. `'artist_disjoint'` or `'random'`. */
  splitColumn?: string;
  /** Allowed split names (default `['train', 'validation', 'test']`). */
  splits?: readonly string[];
}

/** Splits one CSV line into fields (RFC 4180 quotes, no embedded newlines). */
function splitCsvLine(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let field = '';
      i++;
      for (;;) {
        if (i >= line.length) return null; // unterminated quote
        const ch = line[i] as string;
        if (ch === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            i++;
            break;
          }
        } else {
          field += ch;
          i++;
        }
      }
      out.push(field);
      if (i === line.length) return out;
      if (line[i] !== ',') return null;
      i++;
    } else {
      const j = line.indexOf(',', i);
      if (j < 0) {
        out.push(line.slice(i));
        return out;
      }
      out.push(line.slice(i, j));
      i = j + 1;
    }
  }
}

/**
 * Parses split-file text (CSV with a header) into id → split name.
 *
 * @param text - the file contents
 * @param options - id/split column names and allowed split names
 * @param source - file name for messages
 * @returns Map from id (string) to split name
 * @throws PreprocessingError `MALFORMED_SPLIT_FILE` with `source:line` for a missing header column,
 *   a wrong field count, an empty id, an unknown split name or a duplicate id
 * @example
 * ```ts
 * parseSplitFile('track_id,split\n2,train\n3,test\n').get('3'); // 'test'
 * ```
 */
export function parseSplitFile(text: string, options: SplitFileOptions = {}, source = '<text>'): Map<string, string> {
  const idColumn = options.idColumn ?? 'track_id';
  const splitColumn = options.splitColumn ?? 'split';
  const allowed = new Set(options.splits ?? ['train', 'validation', 'test']);
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const bad = (line: number, message: string, extra: Record<string, unknown> = {}): never => {
    throw new PreprocessingError('MALFORMED_SPLIT_FILE', `${source}:${line}: ${message}`, { context: { file: source, line, ...extra } });
  };
  const header = splitCsvLine(lines[0] ?? '');
  if (header === null || (lines[0] ?? '').trim() === '') bad(1, 'missing or malformed header line; expected e.g. "track_id,split".');
  const fields = (header as string[]).map((h) => h.trim());
  const idAt = fields.indexOf(idColumn);
  const splitAt = fields.indexOf(splitColumn);
  if (idAt < 0) bad(1, `no "${idColumn}" column in header (${fields.join(',')}); pass idColumn.`, { column: idColumn });
  if (splitAt < 0) bad(1, `no "${splitColumn}" column in header (${fields.join(',')}); pass splitColumn.`, { column: splitColumn });
  const out = new Map<string, string>();
  const firstLine = new Map<string, number>();
  for (let k = 1; k < lines.length; k++) {
    const raw = lines[k] as string;
    const lineNo = k + 1;
    if (raw.trim() === '') continue;
    const row = splitCsvLine(raw);
    if (row === null) bad(lineNo, `malformed CSV (unbalanced quote): ${JSON.stringify(raw.slice(0, 80))}.`);
    const cells = row as string[];
    if (cells.length !== fields.length) bad(lineNo, `expected ${fields.length} fields (${fields.join(',')}), got ${cells.length}: ${JSON.stringify(raw.slice(0, 80))}.`);
    const id = (cells[idAt] as string).trim();
    const split = (cells[splitAt] as string).trim();
    if (id === '') bad(lineNo, `empty ${idColumn}.`);
    if (!allowed.has(split)) bad(lineNo, `unknown split ${JSON.stringify(split)} for id ${id}; expected one of ${[...allowed].join(', ')}.`, { id, split });
    const prev = firstLine.get(id);
    if (prev !== undefined) bad(lineNo, `duplicate id ${id} (first on line ${prev}).`, { id });
    firstLine.set(id, lineNo);
    out.set(id, split);
  }
  return out;
}

/**
 * Reads a split file (CSV with a header: an id column and a split column) into id → split name,
 * e.g. the canonical benchmark splits `fma-listens/split.csv` (`track_id,split`) and
 * `spotify-metadata/split.csv` (`track_id,artist_disjoint,random`).
 *
 * @param path - file path
 * @param options - id/split column names and allowed split names
 * @returns Map from id (string) to split name
 * @throws PreprocessingError `FILE_NOT_FOUND` when unreadable; `MALFORMED_SPLIT_FILE` with `path:line`
 * @example
 * ```ts
 * const splits = await readSplitFile('split.csv', { idColumn: 'track_id', splitColumn: 'artist_disjoint' });
 * ```
 */
export async function readSplitFile(path: string, options: SplitFileOptions = {}): Promise<Map<string, string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new PreprocessingError('FILE_NOT_FOUND', `Cannot read split file ${path}: ${(cause as Error).message}`, { cause, context: { file: path } });
  }
  return parseSplitFile(text, options, path);
}

/**
 * Turns an id → split map into row indices for rows identified by `ids`.
 *
 * @param ids - [n] row ids (numbers are matched by their decimal string)
 * @param splits - from {@link readSplitFile}
 * @returns ascending int32 indices per part, plus `unassigned` rows whose id is not in the file
 * @example
 * ```ts
 * const { train, test, unassigned } = applySplitMap(columns.track_id, await readSplitFile(path));
 * ```
 */
export function applySplitMap(ids: ArrayLike<unknown>, splits: ReadonlyMap<string, string>): SplitIndices & { unassigned: Int32Array } {
  const parts: Record<string, number[]> = { train: [], validation: [], test: [], unassigned: [] };
  for (let i = 0; i < ids.length; i++) {
    const s = splits.get(String(ids[i]));
    (parts[s !== undefined && Object.prototype.hasOwnProperty.call(parts, s) ? s : 'unassigned'] as number[]).push(i);
  }
  return {
    train: Int32Array.from(parts['train'] as number[]),
    validation: Int32Array.from(parts['validation'] as number[]),
    test: Int32Array.from(parts['test'] as number[]),
    unassigned: Int32Array.from(parts['unassigned'] as number[]),
  };
}

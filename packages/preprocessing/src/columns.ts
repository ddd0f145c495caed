import { PreprocessingError } from './errors';

/**
 * One input column: a typed array or a plain array of cells. Cells may be numbers, numeric
 * strings, `null`/`undefined` (missing), booleans, `Date`s, strings (categorical) or string
 * arrays (multi-categorical).
 */
export type Column = ArrayLike<unknown>;

/** Named input columns, all of the same length (columnar layout, one entry per row). */
export type Columns = Readonly<Record<string, Column>>;

/**
 * The column `name` of `columns`, or a `PreprocessingError` naming it and listing what exists.
 *
 * @param columns - the input columns
 * @param name - column name
 * @param where - what asked for it, for the message (e.g. `feature "duration_s"`)
 * @returns the column
 * @throws PreprocessingError `UNKNOWN_COLUMN` when the column is absent
 * @example
 * ```ts
 * const col = requireColumn({ a: [1, 2] }, 'a', 'feature "a"');
 * ```
 */
export function requireColumn(columns: Columns, name: string, where: string): Column {
  const col = Object.prototype.hasOwnProperty.call(columns, name) ? columns[name] : undefined;
  if (col === undefined || col === null || typeof col.length !== 'number') {
    const known = Object.keys(columns);
    throw new PreprocessingError(
      'UNKNOWN_COLUMN',
      `Unknown column "${name}" (needed by ${where}); the input has ${known.length} column(s): ` +
        `${known.slice(0, 20).join(', ')}${known.length > 20 ? ', …' : ''}. Pass it or fix the spec.`,
      { context: { column: name, where, available: known } },
    );
  }
  return col;
}

/**
 * The common row count of the named columns.
 *
 * @param columns - the input columns
 * @param names - columns that must exist and agree in length
 * @returns the row count (0 when `names` is empty)
 * @throws PreprocessingError `UNKNOWN_COLUMN` for a missing column, `LENGTH_MISMATCH` when lengths differ
 * @example
 * ```ts
 * rowCount({ a: [1, 2], b: ['x', 'y'] }, ['a', 'b']); // 2
 * ```
 */
export function rowCount(columns: Columns, names: readonly string[]): number {
  let n = -1;
  let first = '';
  for (const name of names) {
    const len = requireColumn(columns, name, `column "${name}"`).length;
    if (n === -1) {
      n = len;
      first = name;
    } else if (len !== n) {
      throw new PreprocessingError(
        'LENGTH_MISMATCH',
        `Column "${name}" has ${len} rows but column "${first}" has ${n}; all columns must have one entry per row.`,
        { context: { column: name, length: len, expected: n, reference: first } },
      );
    }
  }
  return Math.max(n, 0);
}

/**
 * Picks rows out of every column (e.g. the training indices of a split), keeping each column's
 * array type (typed arrays stay typed).
 *
 * @param columns - the input columns
 * @param indices - int32 [k] row indices into the columns
 * @returns new columns with k rows each
 * @throws PreprocessingError `INVALID_ARGUMENT` when an index is out of range
 * @example
 * ```ts
 * const train = selectRows(columns, split.train);
 * ```
 */
export function selectRows(columns: Columns, indices: ArrayLike<number>): Record<string, Column> {
  const out: Record<string, Column> = {};
  for (const [name, col] of Object.entries(columns)) {
    const n = col.length;
    let target: { length: number; [i: number]: unknown };
    if (ArrayBuffer.isView(col) && !(col instanceof DataView)) {
      const Ctor = (col as unknown as { constructor: new (k: number) => { length: number; [i: number]: unknown } }).constructor;
      target = new Ctor(indices.length);
    } else {
      target = new Array<unknown>(indices.length);
    }
    for (let i = 0; i < indices.length; i++) {
      const r = indices[i] as number;
      if (!(r >= 0 && r < n) || !Number.isInteger(r)) {
        throw new PreprocessingError('INVALID_ARGUMENT', `selectRows: index ${r} at position ${i} is outside column "${name}" of ${n} rows.`, {
          context: { column: name, index: r, position: i, rows: n },
        });
      }
      target[i] = col[r];
    }
    out[name] = target as Column;
  }
  return out;
}

import type { Column } from './columns';

/** Index reserved for missing values (and padding in multi-valued index columns). */
export const UNKNOWN_INDEX = 0;
/** Index shared by every category below the minimum frequency, or unseen in training. */
export const OTHER_INDEX = 1;
/** Display name of {@link UNKNOWN_INDEX} in feature names. */
export const UNKNOWN_TOKEN = '<unknown>';
/** Display name of {@link OTHER_INDEX} in feature names. */
export const OTHER_TOKEN = '<other>';

/**
 * The category of one cell as a trimmed string, or `null` when missing
 * (null, undefined, NaN, empty string).
 *
 * @param value - the cell
 * @returns the category or null
 * @example
 * ```ts
 * normalizeCategory(' US '); // 'US'
 * normalizeCategory(7);      // '7'
 * ```
 */
export function normalizeCategory(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' && Number.isNaN(value)) return null;
  const s = (typeof value === 'string' ? value : String(value)).trim();
  return s === '' ? null : s;
}

/**
 * The categories of one multi-valued cell: an array of values, or a string split on `separator`;
 * trimmed, empties dropped, duplicates removed (first occurrence kept).
 *
 * @param value - the cell
 * @param separator - separator for string cells
 * @returns the categories (empty when missing)
 * @example
 * ```ts
 * splitCategories('Rock| Pop|Rock', '|'); // ['Rock', 'Pop']
 * ```
 */
export function splitCategories(value: unknown, separator: string): string[] {
  if (value === null || value === undefined) return [];
  if (typeof value === 'string' && value.indexOf(separator) < 0) {
    const c = normalizeCategory(value);
    return c === null ? [] : [c];
  }
  const parts: unknown[] = Array.isArray(value) ? value : typeof value === 'string' ? value.split(separator) : [value];
  const out: string[] = [];
  for (const p of parts) {
    const c = normalizeCategory(p);
    if (c !== null && !out.includes(c)) out.push(c);
  }
  return out;
}

const SPLIT_CACHE_LIMIT = 100_000;

/** splitCategories memoised per distinct string cell (multi-valued cells repeat a lot, e.g. genre lists). */
function cachedSplitter(separator: string): (value: unknown) => string[] {
  const cache = new Map<string, string[]>();
  return (value) => {
    if (typeof value !== 'string') return splitCategories(value, separator);
    let hit = cache.get(value);
    if (hit === undefined) {
      hit = splitCategories(value, separator);
      if (cache.size < SPLIT_CACHE_LIMIT) cache.set(value, hit);
    }
    return hit;
  };
}

/** Options of {@link fitVocabulary}. */
export interface VocabularyOptions {
  /** Categories seen fewer times than this in training go to `<other>` (default 1). */
  minFrequency?: number;
  /** Keep at most this many categories, the most frequent first (default: no limit). */
  maxCategories?: number;
  /** Treat cells as multi-valued (arrays or `separator`-joined strings). */
  multi?: boolean;
  /** Separator for multi-valued string cells (default `'|'`). */
  separator?: string;
}

/**
 * Learns a vocabulary from training cells: categories ordered by descending training count,
 * ties broken by code-unit order so the result is deterministic; rare ones dropped (they map to
 * `<other>` at encode time).
 *
 * @param values - training column
 * @param options - see {@link VocabularyOptions}
 * @returns the vocabulary (index i ↦ category id i + 2) and each kept category's training count
 * @example
 * ```ts
 * fitVocabulary(['a', 'b', 'a', 'c', 'a', 'b'], { minFrequency: 2 });
 * // { vocabulary: ['a', 'b'], counts: [3, 2] }
 * ```
 */
export function fitVocabulary(values: Column, options: VocabularyOptions = {}): { vocabulary: string[]; counts: number[] } {
  const minFrequency = options.minFrequency ?? 1;
  const separator = options.separator ?? '|';
  const freq = new Map<string, number>();
  if (options.multi) {
    const split = cachedSplitter(separator);
    for (let i = 0; i < values.length; i++) for (const c of split(values[i])) freq.set(c, (freq.get(c) ?? 0) + 1);
  } else {
    for (let i = 0; i < values.length; i++) {
      const c = normalizeCategory(values[i]);
      if (c !== null) freq.set(c, (freq.get(c) ?? 0) + 1);
    }
  }
  const entries = [...freq.entries()]
    .filter(([, count]) => count >= minFrequency)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const kept = options.maxCategories === undefined ? entries : entries.slice(0, options.maxCategories);
  return { vocabulary: kept.map((e) => e[0]), counts: kept.map((e) => e[1]) };
}

/**
 * A lookup from category to id: 0 = unknown, 1 = other, 2 + i = `vocabulary[i]`.
 *
 * @param vocabulary - from {@link fitVocabulary}
 * @returns the map
 * @example
 * ```ts
 * vocabularyIndex(['a', 'b']).get('b'); // 3
 * ```
 */
export function vocabularyIndex(vocabulary: readonly string[]): Map<string, number> {
  return new Map(vocabulary.map((c, i) => [c, i + 2]));
}

/** Counts from encoding categories. */
export interface CategoryCounts {
  /** Missing cells (id 0). */
  unknown: number;
  /** Cells (or items) that fell into `<other>` (id 1). */
  other: number;
}

/**
 * Encodes a single-valued categorical column to ids.
 *
 * @param values - the column
 * @param index - from {@link vocabularyIndex}
 * @returns int32 [n] ids (0 unknown, 1 other, 2.. vocabulary) and the counts
 * @example
 * ```ts
 * encodeCategories(['b', null, 'z'], vocabularyIndex(['a', 'b'])).indices; // [3, 0, 1]
 * ```
 */
export function encodeCategories(values: Column, index: ReadonlyMap<string, number>): { indices: Int32Array; counts: CategoryCounts } {
  const n = values.length;
  const indices = new Int32Array(n);
  const counts: CategoryCounts = { unknown: 0, other: 0 };
  for (let i = 0; i < n; i++) {
    const c = normalizeCategory(values[i]);
    if (c === null) {
      counts.unknown++;
      continue;
    }
    const id = index.get(c);
    if (id === undefined) {
      indices[i] = OTHER_INDEX;
      counts.other++;
    } else indices[i] = id;
  }
  return { indices, counts };
}

/**
 * Encodes a multi-valued column to padded ids: row i holds its ids in
 * `indices[i * maxItems .. i * maxItems + lengths[i])`, the rest 0 (padding). Ids beyond
 * `maxItems` are left out of `indices` (first ones kept) but still passed to `onItem`; several
 * rare items produce one `<other>` id.
 *
 * @param values - the column (arrays or `separator`-joined strings)
 * @param index - from {@link vocabularyIndex}
 * @param options.separator - separator for string cells
 * @param options.maxItems - width of each row
 * @param options.onItem - called with (row, id) for every distinct id of every row, untruncated
 * @returns int32 [n, maxItems] ids, int32 [n] lengths, int32 [n] itemCounts (distinct categories
 *   in the row, rare ones included) and the counts (`unknown` = rows with no item, `other` = rare items)
 * @example
 * ```ts
 * encodeMultiCategories(['a|q'], vocabularyIndex(['a']), { separator: '|', maxItems: 3 }).indices; // [2, 1, 0]
 * ```
 */
export function encodeMultiCategories(
  values: Column,
  index: ReadonlyMap<string, number>,
  options: { separator: string; maxItems: number; onItem?: (row: number, id: number) => void },
): { indices: Int32Array; lengths: Int32Array; itemCounts: Int32Array; counts: CategoryCounts } {
  const n = values.length;
  const { maxItems, separator, onItem } = options;
  const indices = new Int32Array(n * maxItems);
  const lengths = new Int32Array(n);
  const itemCounts = new Int32Array(n);
  const counts: CategoryCounts = { unknown: 0, other: 0 };
  const split = cachedSplitter(separator);
  for (let i = 0; i < n; i++) {
    const cats = split(values[i]);
    itemCounts[i] = cats.length;
    if (cats.length === 0) {
      counts.unknown++;
      continue;
    }
    let len = 0;
    let sawOther = false;
    for (const c of cats) {
      let id = index.get(c);
      if (id === undefined) {
        counts.other++;
        if (sawOther) continue;
        sawOther = true;
        id = OTHER_INDEX;
      }
      if (len < maxItems) indices[i * maxItems + len++] = id;
      onItem?.(i, id);
    }
    lengths[i] = len;
  }
  return { indices, lengths, itemCounts, counts };
}

import { ModelsError } from '../errors';

/**
 * A high-cardinality categorical side feature (artist of a track, country of a user) given as one
 * id per row and embedded with its own sparse table of `cardinality + 1` rows (the last row is the
 * shared "unknown" vector), instead of a one-hot block thousands of columns wide.
 */
export interface EntityFeature {
  /** Feature name, e.g. `artist` or `country` (explanations say `artist=<value>`). */
  readonly name: string;
  /** int32 [rows]: index of each row's entity in [0, cardinality), or -1 when unknown / missing. */
  readonly ids: Int32Array;
  /** Number of known entities (the table has one more row, for unknown ones). */
  readonly cardinality: number;
  /** Optional raw value of each entity index (for explanations and cold-start lookups by value). */
  readonly values?: readonly string[];
}

/**
 * Encodes one raw value per row as an {@link EntityFeature}: values seen at least `minCount`
 * times get an index (most frequent first, ties by value), rarer and missing ones -1 ("unknown").
 *
 * @param name - feature name
 * @param values - raw value per row; null = missing
 * @param minCount - minimum frequency for an own embedding row (default 1)
 * @returns the entity feature with `values` set
 * @throws ModelsError `INVALID_INPUT` when minCount is not a positive integer
 * @example
 * ```ts
 * encodeEntity('artist', ['a', 'b', 'a', null]); // ids [0, 1, 0, -1], cardinality 2, values ['a', 'b']
 * ```
 */
export function encodeEntity(name: string, values: readonly (string | null)[], minCount = 1): EntityFeature {
  if (!(Number.isInteger(minCount) && minCount >= 1)) throw new ModelsError('INVALID_INPUT', `encodeEntity(${name}): minCount must be a positive integer, got ${minCount}.`, { context: { feature: name } });
  const counts = new Map<string, number>();
  for (const v of values) if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
  const kept = [...counts.entries()].filter(([, n]) => n >= minCount).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const index = new Map(kept.map(([v], k) => [v, k]));
  const ids = Int32Array.from(values, (v) => (v === null ? -1 : (index.get(v) ?? -1)));
  return { name, ids, cardinality: kept.length, values: kept.map(([v]) => v) };
}

/**
 * Checks entity features against the number of rows they describe.
 *
 * @param entities - entity features of one side
 * @param rows - rows of that side (users or items)
 * @param where - names the caller and side in the message
 * @throws ModelsError `INVALID_INPUT` when ids do not have one value per row, an id is outside
 *   [-1, cardinality), a cardinality is not a non-negative integer, or two entities share a name
 */
export function checkEntities(entities: readonly EntityFeature[], rows: number, where: string): void {
  const seen = new Set<string>();
  for (const e of entities) {
    if (seen.has(e.name)) throw new ModelsError('INVALID_INPUT', `${where}: entity feature "${e.name}" is given twice; entity names must be unique per side.`, { context: { feature: e.name } });
    seen.add(e.name);
    if (!(Number.isInteger(e.cardinality) && e.cardinality >= 0)) {
      throw new ModelsError('INVALID_INPUT', `${where}: entity feature "${e.name}" has cardinality ${e.cardinality}; it must be a non-negative integer.`, { context: { feature: e.name } });
    }
    if (e.ids.length !== rows) {
      throw new ModelsError('INVALID_INPUT', `${where}: entity feature "${e.name}" has ${e.ids.length} ids, expected one per row (${rows}).`, { context: { feature: e.name, rows } });
    }
    for (let r = 0; r < rows; r++) {
      const id = e.ids[r]!;
      if (id < -1 || id >= e.cardinality) {
        throw new ModelsError('INVALID_INPUT', `${where}: entity feature "${e.name}" row ${r} has id ${id}, outside [-1, ${e.cardinality}) (-1 = unknown).`, { context: { feature: e.name, row: r, id } });
      }
    }
  }
}

/** Table row of an entity id: -1 (unknown) maps to the last row. */
export function entityRow(id: number, cardinality: number): number {
  return id < 0 ? cardinality : id;
}

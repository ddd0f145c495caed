import { ModelsError } from '../errors';

/**
 * Dense side features of users or items: row-major float32 `[rows, names.length]`. Categorical
 * features arrive one-hot / multi-hot (see {@link encodeCategorical}), numeric ones already
 * scaled; the feature spec that produced them is the caller's.
 */
export interface FeatureMatrix {
  /** Column names, e.g. `tag=rock`, `gender=f`, `age_z`. */
  readonly names: readonly string[];
  /** float32 [rows · names.length] */
  readonly values: Float32Array;
}

/** Fitted vocabulary of one categorical feature: rare values grouped into `<other>`. */
export interface CategoricalVocabulary {
  /** Feature name (prefix of the column names). */
  readonly feature: string;
  /** Kept categories; columns are `<feature>=<category>` plus `<feature>=<other>` and `<feature>=<unknown>`. */
  readonly categories: readonly string[];
}

/**
 * Fits a vocabulary keeping categories seen at least `minCount` times (rare ones go to
 * `<other>`; missing or unseen values at serving time go to `<unknown>`).
 *
 * @param feature - feature name
 * @param values - one value (or list of values, for multi-valued features like tags) per row; null = missing
 * @param minCount - minimum frequency to get an own column
 * @param maxCategories - optional cap, most frequent first (ties by name)
 * @returns the fitted vocabulary
 * @example
 * ```ts
 * fitCategorical('gender', ['m', 'f', 'm', null], 1).categories; // ['m', 'f']
 * ```
 */
export function fitCategorical(feature: string, values: readonly (string | readonly string[] | null)[], minCount: number, maxCategories?: number): CategoricalVocabulary {
  const counts = new Map<string, number>();
  for (const v of values) {
    if (v === null) continue;
    for (const c of typeof v === 'string' ? [v] : v) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  const kept = [...counts.entries()].filter(([, n]) => n >= minCount).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return { feature, categories: (maxCategories === undefined ? kept : kept.slice(0, maxCategories)).map(([c]) => c) };
}

/**
 * Column names of a fitted vocabulary, in column order.
 *
 * @param vocab - fitted vocabulary
 * @returns `<feature>=<category>` for each kept category, then `=<other>` and `=<unknown>`
 */
export function categoricalColumns(vocab: CategoricalVocabulary): string[] {
  return [...vocab.categories.map((c) => `${vocab.feature}=${c}`), `${vocab.feature}=<other>`, `${vocab.feature}=<unknown>`];
}

/**
 * One-hot (or normalised multi-hot: each of a row's values gets 1/√count) encoding of rows with a
 * fitted vocabulary. Values never seen in fitting go to `<other>` only if they were seen but rare,
 * which the vocabulary cannot tell apart at serving time, so unseen values go to `<unknown>` as
 * missing ones do — except when `knownRare` says they were rare in training.
 *
 * @param vocab - fitted vocabulary
 * @param values - one value or list per row; null = missing
 * @param knownRare - optional set of values seen in training but grouped into `<other>`
 * @returns float32 [rows · columns]
 * @example
 * ```ts
 * encodeCategorical({ feature: 'g', categories: ['m', 'f'] }, ['f', null]); // [0,1,0,0, 0,0,0,1]
 * ```
 */
export function encodeCategorical(vocab: CategoricalVocabulary, values: readonly (string | readonly string[] | null)[], knownRare?: ReadonlySet<string>): Float32Array {
  const width = vocab.categories.length + 2;
  const index = new Map(vocab.categories.map((c, i) => [c, i]));
  const out = new Float32Array(values.length * width);
  values.forEach((v, r) => {
    const list = v === null ? [] : typeof v === 'string' ? [v] : v;
    if (list.length === 0) {
      out[r * width + width - 1] = 1;
      return;
    }
    const w = 1 / Math.sqrt(list.length);
    for (const c of list) {
      const i = index.get(c);
      const col = i !== undefined ? i : knownRare?.has(c) ? width - 2 : width - 1;
      out[r * width + col]! += w;
    }
  });
  return out;
}

/**
 * Concatenates feature blocks column-wise.
 *
 * @param rows - number of rows every block has
 * @param blocks - name lists with float32 [rows · names.length] values
 * @returns one {@link FeatureMatrix}
 * @throws ModelsError `INVALID_INPUT` when a block's size is not rows × its names
 */
export function concatFeatures(rows: number, blocks: readonly FeatureMatrix[]): FeatureMatrix {
  const names = blocks.flatMap((b) => b.names);
  const width = names.length;
  const values = new Float32Array(rows * width);
  let offset = 0;
  for (const b of blocks) {
    const w = b.names.length;
    if (b.values.length !== rows * w) throw new ModelsError('INVALID_INPUT', `concatFeatures: block starting with "${b.names[0] ?? '?'}" has ${b.values.length} values, expected ${rows} × ${w}.`);
    for (let r = 0; r < rows; r++) for (let c = 0; c < w; c++) values[r * width + offset + c] = b.values[r * w + c]!;
    offset += w;
  }
  return { names, values };
}

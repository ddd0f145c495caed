import type { DateDerive } from './date.transform';
import type { FittedNumericStep, NumericStep } from './numeric.transform';

/** Fields every feature shares. */
export interface FeatureBase {
  /** Output name (unique in the spec); prefixes the matrix column names. */
  name: string;
  /** Input column to read (default: `name`), so several features can read one column. */
  column?: string;
}

/**
 * A numeric feature. Give `steps` for full control, or `transform` for the default pipeline:
 * no `steps` ≡ `['coerce', 'impute:median', 'zscore']`; `transform: 'log1p'` ≡
 * `['coerce', 'impute:median', 'log1p', 'zscore']`. One output column.
 */
export interface NumericFeatureInput extends FeatureBase {
  kind: 'numeric';
  steps?: NumericStep[];
  transform?: 'log1p' | 'none';
}

/**
 * A date feature: derives `year`, `age` (years before `referenceDate`) and/or `month`, each
 * followed by `steps` (default `['impute:median', 'zscore']`). One output column per derived
 * quantity, named `<name>.<derive>`. `referenceDate` is required for `age` (never "now", so
 * results do not change with the clock).
 */
export interface DateFeatureInput extends FeatureBase {
  kind: 'date';
  derive: DateDerive[];
  referenceDate?: string;
  steps?: NumericStep[];
}

/**
 * A single-valued categorical feature: a vocabulary fitted on train; categories seen fewer than
 * `minFrequency` times (default 1) or beyond the `maxCategories` most frequent go to `<other>`;
 * missing values are `<unknown>`. Ids: 0 unknown/padding, 1 other, 2.. vocabulary.
 * `encoding: 'one-hot'` (default) writes vocabSize columns `<name>=<category>` into the matrix;
 * `'index'` keeps it out of the matrix (use the index column for an embedding layer).
 */
export interface CategoricalFeatureInput extends FeatureBase {
  kind: 'categorical';
  minFrequency?: number;
  maxCategories?: number;
  encoding?: 'one-hot' | 'index';
}

/**
 * A multi-valued categorical feature (e.g. genres): cells are string arrays or
 * `separator`-joined strings (default `'|'`). `encoding: 'multi-hot'` (default) writes
 * `<name>=<other>` plus one column per vocabulary entry, and with `count` (default true) a
 * `<name>.count` column holding the number of categories in the row. The index column is padded
 * to `maxItems` ids per row (default 8).
 */
export interface MultiCategoricalFeatureInput extends FeatureBase {
  kind: 'multi-categorical';
  minFrequency?: number;
  maxCategories?: number;
  separator?: string;
  count?: boolean;
  maxItems?: number;
  encoding?: 'multi-hot' | 'index';
}

/**
 * A bucketed feature: ids 1..B+1 for the B + 1 intervals cut by `boundaries` (0 = missing),
 * one-hot by default (missing → all zeros). `source: 'year'` reads the column as dates and
 * buckets their year; the default `'number'` coerces it to numbers (non-numeric → missing).
 */
export interface BucketFeatureInput extends FeatureBase {
  kind: 'bucket';
  boundaries: number[];
  source?: 'number' | 'year';
  encoding?: 'one-hot' | 'index';
}

/** Any feature as written in a spec. */
export type FeatureInput =
  | NumericFeatureInput
  | DateFeatureInput
  | CategoricalFeatureInput
  | MultiCategoricalFeatureInput
  | BucketFeatureInput;

/**
 * The regression target: `transform: 'log1p'` trains on ln(1 + y) and `inverseTarget` applies
 * expm1; `standardize` additionally z-scores it with train statistics (default false).
 */
export interface TargetInput {
  name: string;
  column?: string;
  transform?: 'log1p' | 'none';
  standardize?: boolean;
}

/** A whole declarative feature spec. */
export interface FeatureSpecInput {
  features: FeatureInput[];
  target?: TargetInput;
}

/** A numeric feature with defaults filled in. */
export interface NumericFeature {
  readonly kind: 'numeric';
  readonly name: string;
  readonly column: string;
  readonly steps: readonly NumericStep[];
}

/** A date feature with defaults filled in. */
export interface DateFeature {
  readonly kind: 'date';
  readonly name: string;
  readonly column: string;
  readonly derive: readonly DateDerive[];
  readonly referenceDate: string | null;
  readonly steps: readonly NumericStep[];
}

/** A categorical feature with defaults filled in. */
export interface CategoricalFeature {
  readonly kind: 'categorical';
  readonly name: string;
  readonly column: string;
  readonly minFrequency: number;
  readonly maxCategories: number | null;
  readonly encoding: 'one-hot' | 'index';
}

/** A multi-categorical feature with defaults filled in. */
export interface MultiCategoricalFeature {
  readonly kind: 'multi-categorical';
  readonly name: string;
  readonly column: string;
  readonly minFrequency: number;
  readonly maxCategories: number | null;
  readonly separator: string;
  readonly count: boolean;
  readonly maxItems: number;
  readonly encoding: 'multi-hot' | 'index';
}

/** A bucket feature with defaults filled in. */
export interface BucketFeature {
  readonly kind: 'bucket';
  readonly name: string;
  readonly column: string;
  readonly boundaries: readonly number[];
  readonly source: 'number' | 'year';
  readonly encoding: 'one-hot' | 'index';
}

/** Any feature with defaults filled in (what fitted state stores). */
export type Feature = NumericFeature | DateFeature | CategoricalFeature | MultiCategoricalFeature | BucketFeature;

/** The target with defaults filled in. */
export interface Target {
  readonly name: string;
  readonly column: string;
  readonly transform: 'log1p' | 'none';
  readonly standardize: boolean;
}

/** Fitted parameters of one feature (plain JSON). */
export type FittedFeatureParams =
  | { readonly kind: 'numeric'; readonly steps: readonly FittedNumericStep[] }
  | { readonly kind: 'date'; readonly derived: readonly (readonly FittedNumericStep[])[] }
  | { readonly kind: 'categorical'; readonly vocabulary: readonly string[]; readonly counts: readonly number[] }
  | { readonly kind: 'multi-categorical'; readonly vocabulary: readonly string[]; readonly counts: readonly number[] }
  | { readonly kind: 'bucket' };

/** Per-feature report of what preprocessing found and did; every count is over rows (or items). */
export interface FeatureReport {
  readonly feature: string;
  readonly column: string;
  readonly kind: Feature['kind'];
  /** Rows processed. */
  rows: number;
  /** Non-numeric strings coerced to missing (numeric and number-bucket features). */
  nonNumeric: number;
  /** NaN / ±Infinity / empty-string cells. */
  nan: number;
  /** null / undefined cells. */
  null: number;
  /** Unparseable dates (treated as missing). */
  invalidDate: number;
  /** Year-only dates (age and month missing). */
  partialDate: number;
  /** Values filled by an impute step (summed over derived columns for dates). */
  imputed: number;
  /** Values clipped by a cap step. */
  capped: number;
  /** Rows with a missing category (id 0), or a missing bucket value. */
  unknownCategory: number;
  /** Values mapped to `<other>` (rare in train, or unseen). */
  otherCategory: number;
}

/** What a fit or transform found, per feature name. */
export interface PreprocessingReport {
  readonly rows: number;
  readonly features: Readonly<Record<string, FeatureReport>>;
}

/** Integer ids of one categorical / multi-categorical / bucket feature, for embedding layers. */
export interface IndexColumn {
  /** int32 [rows, itemsPerRow] ids: 0 unknown/padding, 1 other (categorical), then vocabulary/buckets. */
  readonly indices: Int32Array;
  /** Number of distinct ids (embedding input dimension). */
  readonly vocabSize: number;
  /** 1 for single-valued features, `maxItems` for multi-categorical ones. */
  readonly itemsPerRow: number;
}

/** Output of `FittedFeatureSpec.transform`. */
export interface TransformResult {
  /** float32 [rows, width], row-major. */
  readonly matrix: Float32Array;
  /** width names, one per matrix column. */
  readonly featureNames: readonly string[];
  readonly width: number;
  readonly rows: number;
  /** Index columns of every categorical, multi-categorical and bucket feature, by feature name. */
  readonly indices: Readonly<Record<string, IndexColumn>>;
  /** Coercion / imputation / capping / category report for these rows. */
  readonly report: PreprocessingReport;
}

/** The fitted target state. */
export interface FittedTarget {
  readonly spec: Target;
  readonly mean: number;
  readonly std: number;
}

/** Serialized fitted state (`FittedFeatureSpec.toJSON()`), saved as `preprocessing.json`. */
export interface FittedFeatureSpecJSON {
  readonly format: 'tunekit.preprocessing';
  readonly version: 1;
  readonly trainRows: number;
  readonly features: readonly { readonly spec: Feature; readonly fitted: FittedFeatureParams }[];
  readonly target: FittedTarget | null;
  readonly fitReport: PreprocessingReport;
}

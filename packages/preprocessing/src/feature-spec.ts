import { bucketize, bucketLabels } from './bucket.transform';
import { requireColumn, rowCount } from './columns';
import type { Column, Columns } from './columns';
import { deriveDates, parseReferenceDate } from './date.transform';
import { PreprocessingError } from './errors';
import { normalizeFeature, normalizeFeatureSpec, normalizeTarget, validateFittedParams } from './feature-spec.validate';
import type {
  Feature,
  FeatureReport,
  FeatureSpecInput,
  FittedFeatureParams,
  FittedFeatureSpecJSON,
  FittedTarget,
  IndexColumn,
  PreprocessingReport,
  Target,
  TransformResult,
} from './feature-spec.types';
import { applyNumericSteps, coerceNumeric, fitNumericSteps, meanStd, parseNumericSteps } from './numeric.transform';
import type { FittedNumericStep } from './numeric.transform';
import { expectArray, expectFinite, expectObject, expectPositive, fail } from './spec-validation';
import {
  OTHER_TOKEN,
  UNKNOWN_TOKEN,
  encodeCategories,
  encodeMultiCategories,
  fitVocabulary,
  vocabularyIndex,
} from './vocabulary';

const FORMAT = 'tunekit.preprocessing';

function emptyReport(f: Feature, rows: number): FeatureReport {
  return {
    feature: f.name,
    column: f.column,
    kind: f.kind,
    rows,
    nonNumeric: 0,
    nan: 0,
    null: 0,
    invalidDate: 0,
    partialDate: 0,
    imputed: 0,
    capped: 0,
    unknownCategory: 0,
    otherCategory: 0,
  };
}

function assertNoMissing(values: Float64Array, feature: string, output: string): void {
  let count = 0;
  let first = -1;
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i] as number)) {
      if (first < 0) first = i;
      count++;
    }
  }
  if (count > 0) {
    throw new PreprocessingError(
      'MISSING_VALUES',
      `Feature "${feature}" (${output}): ${count} missing value(s), first at row ${first}, and no impute step; ` +
        `add 'impute:median' (or 'impute:mean' / 'impute:zero') to its steps, or drop those rows.`,
      { context: { feature, output, count, row: first, firstRow: first } },
    );
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Numeric values for one feature (a bucket's source), counting coercion into the report. */
function bucketSource(f: Feature & { kind: 'bucket' }, col: Column, report: FeatureReport): Float64Array {
  if (f.source === 'year') {
    const { derived, counts } = deriveDates(col, ['year'], null);
    report.null += counts.null;
    report.invalidDate += counts.invalidDate;
    report.partialDate += counts.partialDate;
    return derived[0] as Float64Array;
  }
  const { values, counts } = coerceNumeric(col, { coerce: true, column: f.column });
  report.nonNumeric += counts.nonNumeric;
  report.nan += counts.nan;
  report.null += counts.null;
  return values;
}

function fitFeature(f: Feature, col: Column, rows: number): { params: FittedFeatureParams; report: FeatureReport } {
  const report = emptyReport(f, rows);
  switch (f.kind) {
    case 'numeric': {
      const { coerce, ops } = parseNumericSteps(f.steps, `feature "${f.name}" steps`);
      const { values, counts } = coerceNumeric(col, { coerce, column: f.column });
      Object.assign(report, counts);
      const fitted = fitNumericSteps(values, ops, f.column);
      report.imputed = fitted.counts.imputed;
      report.capped = fitted.counts.capped;
      assertNoMissing(values, f.name, f.name);
      return { params: { kind: 'numeric', steps: fitted.steps }, report };
    }
    case 'date': {
      const ref = f.referenceDate === null ? null : parseReferenceDate(f.referenceDate, `feature "${f.name}" referenceDate`);
      const { derived, counts } = deriveDates(col, f.derive, ref);
      report.null = counts.null;
      report.invalidDate = counts.invalidDate;
      report.partialDate = counts.partialDate;
      const { ops } = parseNumericSteps(f.steps, `feature "${f.name}" steps`);
      const steps = derived.map((values, k) => {
        const fitted = fitNumericSteps(values, ops, f.column);
        report.imputed += fitted.counts.imputed;
        report.capped += fitted.counts.capped;
        assertNoMissing(values, f.name, `${f.name}.${f.derive[k]}`);
        return fitted.steps;
      });
      return { params: { kind: 'date', derived: steps }, report };
    }
    case 'categorical':
    case 'multi-categorical': {
      const multi = f.kind === 'multi-categorical';
      const { vocabulary, counts } = fitVocabulary(col, {
        minFrequency: f.minFrequency,
        ...(f.maxCategories === null ? {} : { maxCategories: f.maxCategories }),
        multi,
        ...(multi ? { separator: f.separator } : {}),
      });
      const params = { kind: f.kind, vocabulary, counts } as FittedFeatureParams;
      encodeFeature(f, params, vocabularyIndex(vocabulary), col, report);
      return { params, report };
    }
    case 'bucket': {
      const ids = bucketize(bucketSource(f, col, report), f.boundaries);
      for (let i = 0; i < ids.length; i++) if (ids[i] === 0) report.unknownCategory++;
      return { params: { kind: 'bucket' }, report };
    }
  }
}

/** Index column of a categorical / multi-categorical / bucket feature (null for dense kinds). */
function encodeFeature(
  f: Feature,
  params: FittedFeatureParams,
  index: ReadonlyMap<string, number> | undefined,
  col: Column,
  report: FeatureReport,
  multiHot?: (row: number, id: number) => void,
): (IndexColumn & { itemCounts?: Int32Array }) | null {
  if (f.kind === 'categorical' && params.kind === 'categorical' && index) {
    const { indices, counts } = encodeCategories(col, index);
    report.unknownCategory += counts.unknown;
    report.otherCategory += counts.other;
    return { indices, vocabSize: params.vocabulary.length + 2, itemsPerRow: 1 };
  }
  if (f.kind === 'multi-categorical' && params.kind === 'multi-categorical' && index) {
    const { indices, itemCounts, counts } = encodeMultiCategories(col, index, {
      separator: f.separator,
      maxItems: f.maxItems,
      ...(multiHot ? { onItem: multiHot } : {}),
    });
    report.unknownCategory += counts.unknown;
    report.otherCategory += counts.other;
    return { indices, itemCounts, vocabSize: params.vocabulary.length + 2, itemsPerRow: f.maxItems };
  }
  if (f.kind === 'bucket') {
    const indices = bucketize(bucketSource(f, col, report), f.boundaries);
    for (let i = 0; i < indices.length; i++) if (indices[i] === 0) report.unknownCategory++;
    return { indices, vocabSize: f.boundaries.length + 2, itemsPerRow: 1 };
  }
  return null;
}

function featureNamesOf(f: Feature, params: FittedFeatureParams): string[] {
  switch (f.kind) {
    case 'numeric':
      return [f.name];
    case 'date':
      return f.derive.map((d) => `${f.name}.${d}`);
    case 'categorical':
      if (f.encoding === 'index' || params.kind !== 'categorical') return [];
      return [`${f.name}=${UNKNOWN_TOKEN}`, `${f.name}=${OTHER_TOKEN}`, ...params.vocabulary.map((v) => `${f.name}=${v}`)];
    case 'multi-categorical':
      if (f.encoding === 'index' || params.kind !== 'multi-categorical') return [];
      return [`${f.name}=${OTHER_TOKEN}`, ...params.vocabulary.map((v) => `${f.name}=${v}`), ...(f.count ? [`${f.name}.count`] : [])];
    case 'bucket':
      return f.encoding === 'index' ? [] : bucketLabels(f.boundaries).map((l) => `${f.name}=${l}`);
  }
}

/**
 * An unfitted, validated feature spec; {@link FeatureSpec.fit} learns its statistics.
 * Create it with {@link featureSpec}.
 */
export class FeatureSpec {
  /** Features with defaults filled in, in output order. */
  readonly features: readonly Feature[];
  /** The target with defaults filled in, or null. */
  readonly target: Target | null;

  /** @internal use {@link featureSpec}. */
  constructor(features: readonly Feature[], target: Target | null) {
    this.features = deepFreeze([...features]);
    this.target = target === null ? null : deepFreeze({ ...target });
  }

  /**
   * Learns every statistic (medians, means/stds, caps, vocabularies, target scale) from the
   * training rows only.
   *
   * @param columns - training columns; every feature column and the target column (if any), same length
   * @returns the fitted spec
   * @throws PreprocessingError `UNKNOWN_COLUMN`, `LENGTH_MISMATCH`, `NON_NUMERIC`, `MISSING_VALUES`,
   *   `INVALID_VALUE`, or `INVALID_ARGUMENT` when there are no rows
   * @example
   * ```ts
   * const fitted = spec.fit(selectRows(columns, split.train));
   * ```
   */
  fit(columns: Columns): FittedFeatureSpec {
    const needed = [...new Set([...this.features.map((f) => f.column), ...(this.target ? [this.target.column] : [])])];
    const rows = rowCount(columns, needed);
    if (rows === 0) throw new PreprocessingError('INVALID_ARGUMENT', 'Cannot fit a feature spec on 0 rows; pass the training rows.', { context: { rows } });
    const features: { spec: Feature; fitted: FittedFeatureParams }[] = [];
    const reports: Record<string, FeatureReport> = {};
    for (const f of this.features) {
      const { params, report } = fitFeature(f, requireColumn(columns, f.column, `feature "${f.name}"`), rows);
      features.push({ spec: f, fitted: params });
      reports[f.name] = report;
    }
    let target: FittedTarget | null = null;
    if (this.target) {
      const y = targetValues(this.target, requireColumn(columns, this.target.column, `target "${this.target.name}"`));
      let mean = 0;
      let std = 1;
      if (this.target.standardize) {
        const s = meanStd(y);
        mean = s.mean;
        std = s.std > 0 ? s.std : 1;
      }
      target = { spec: this.target, mean, std };
    }
    return new FittedFeatureSpec({ format: FORMAT, version: 1, trainRows: rows, features, target, fitReport: { rows, features: reports } });
  }
}

/** Target values after coercion (strict) and log1p, before standardization. */
function targetValues(t: Target, col: Column): Float64Array {
  const { values } = coerceNumeric(col, { coerce: false, column: t.column });
  assertNoMissing(values, t.name, 'target');
  if (t.transform === 'log1p') applyNumericSteps(values, [{ op: 'log1p' }], t.column);
  return values;
}

/**
 * Validates a declarative feature spec and fills its defaults.
 *
 * @param input - `{ features, target? }`, see {@link FeatureSpecInput}
 * @returns an unfitted {@link FeatureSpec}
 * @throws PreprocessingError `INVALID_SPEC` naming the path of the first problem (e.g. `spec.features[2].referenceDate`)
 * @example
 * ```ts
 * const spec = featureSpec({
 *   features: [
 *     { name: 'duration_s', kind: 'numeric', steps: ['coerce', 'impute:median', 'log1p', 'cap:3', 'zscore'] },
 *     { name: 'country', kind: 'categorical', minFrequency: 5 },
 *   ],
 *   target: { name: 'listens', transform: 'log1p' },
 * });
 * ```
 */
export function featureSpec(input: FeatureSpecInput): FeatureSpec {
  const { features, target } = normalizeFeatureSpec(input);
  return new FeatureSpec(features, target);
}

/**
 * A fitted feature spec: plain-JSON state (medians, means, stds, caps, vocabularies), applied
 * to any rows by {@link FittedFeatureSpec.transform} without ever changing. Round-trips exactly
 * through {@link FittedFeatureSpec.toJSON} / {@link FittedFeatureSpec.fromJSON}.
 */
export class FittedFeatureSpec {
  private readonly state: FittedFeatureSpecJSON;
  private readonly indexes: (Map<string, number> | undefined)[];
  /** One name per matrix column. */
  readonly featureNames: readonly string[];
  /** Matrix width (number of dense columns). */
  readonly width: number;
  /** Number of distinct ids of each categorical / multi-categorical / bucket feature (embedding input dim). */
  readonly vocabSizes: Readonly<Record<string, number>>;

  /** @internal use {@link FeatureSpec.fit} or {@link FittedFeatureSpec.fromJSON}. */
  constructor(state: FittedFeatureSpecJSON) {
    this.state = deepFreeze(structuredClone(state));
    this.indexes = this.state.features.map(({ fitted }) =>
      fitted.kind === 'categorical' || fitted.kind === 'multi-categorical' ? vocabularyIndex(fitted.vocabulary) : undefined,
    );
    this.featureNames = Object.freeze(this.state.features.flatMap(({ spec, fitted }) => featureNamesOf(spec, fitted)));
    this.width = this.featureNames.length;
    const sizes: Record<string, number> = {};
    for (const { spec, fitted } of this.state.features) {
      if (fitted.kind === 'categorical' || fitted.kind === 'multi-categorical') sizes[spec.name] = fitted.vocabulary.length + 2;
      else if (spec.kind === 'bucket') sizes[spec.name] = spec.boundaries.length + 2;
    }
    this.vocabSizes = Object.freeze(sizes);
  }

  /** Features with defaults filled in. */
  get features(): readonly Feature[] {
    return this.state.features.map((f) => f.spec);
  }

  /** The fitted target (transform, mean, std), or null. */
  get target(): FittedTarget | null {
    return this.state.target;
  }

  /** Rows the spec was fitted on. */
  get trainRows(): number {
    return this.state.trainRows;
  }

  /** What fitting found in the training rows (coerced, imputed, capped, rare categories). */
  get fitReport(): PreprocessingReport {
    return this.state.fitReport;
  }

  /**
   * Labels of a categorical / multi-categorical / bucket feature's ids (index i = id i).
   *
   * @param name - feature name
   * @returns labels: `<unknown>`, `<other>`, then the vocabulary (buckets: `<unknown>`, then intervals)
   * @throws PreprocessingError `INVALID_ARGUMENT` when the feature is not categorical or bucketed
   * @example
   * ```ts
   * fitted.vocabulary('country'); // ['<unknown>', '<other>', 'US', 'GB', ...]
   * ```
   */
  vocabulary(name: string): string[] {
    const entry = this.state.features.find((f) => f.spec.name === name);
    if (entry?.fitted.kind === 'categorical' || entry?.fitted.kind === 'multi-categorical') {
      return [UNKNOWN_TOKEN, OTHER_TOKEN, ...entry.fitted.vocabulary];
    }
    if (entry?.spec.kind === 'bucket') return [UNKNOWN_TOKEN, ...bucketLabels(entry.spec.boundaries)];
    throw new PreprocessingError('INVALID_ARGUMENT', `vocabulary("${name}"): no categorical or bucket feature has that name; known: ${Object.keys(this.vocabSizes).join(', ')}.`, {
      context: { feature: name },
    });
  }

  /**
   * Applies the fitted state to any rows (train, validation, test, serving). Never learns.
   *
   * @param columns - every feature column (the target column is not needed), same length
   * @returns float32 [rows, width] row-major matrix, featureNames, int32 index columns of the
   *   categorical/bucket features and a report of what was coerced, imputed, capped or unseen
   * @throws PreprocessingError `UNKNOWN_COLUMN` naming a missing column, `LENGTH_MISMATCH`,
   *   `NON_NUMERIC`, `MISSING_VALUES`, `INVALID_VALUE`
   * @example
   * ```ts
   * const { matrix, width, indices } = fitted.transform(testColumns);
   * ```
   */
  transform(columns: Columns): TransformResult {
    const rows = rowCount(columns, [...new Set(this.state.features.map((f) => f.spec.column))]);
    const width = this.width;
    const matrix = new Float32Array(rows * width);
    const indices: Record<string, IndexColumn> = {};
    const reports: Record<string, FeatureReport> = {};
    let offset = 0;
    this.state.features.forEach(({ spec: f, fitted }, fi) => {
      const col = requireColumn(columns, f.column, `feature "${f.name}"`);
      const report = emptyReport(f, rows);
      reports[f.name] = report;
      if (f.kind === 'numeric' && fitted.kind === 'numeric') {
        const { coerce } = parseNumericSteps(f.steps, `feature "${f.name}" steps`);
        const { values, counts } = coerceNumeric(col, { coerce, column: f.column });
        Object.assign(report, counts);
        Object.assign(report, applyNumericSteps(values, fitted.steps, f.column));
        assertNoMissing(values, f.name, f.name);
        writeColumn(matrix, width, offset, values);
        offset += 1;
        return;
      }
      if (f.kind === 'date' && fitted.kind === 'date') {
        const ref = f.referenceDate === null ? null : parseReferenceDate(f.referenceDate, `feature "${f.name}" referenceDate`);
        const { derived, counts } = deriveDates(col, f.derive, ref);
        report.null = counts.null;
        report.invalidDate = counts.invalidDate;
        report.partialDate = counts.partialDate;
        derived.forEach((values, k) => {
          const c = applyNumericSteps(values, fitted.derived[k] as readonly FittedNumericStep[], f.column);
          report.imputed += c.imputed;
          report.capped += c.capped;
          assertNoMissing(values, f.name, `${f.name}.${f.derive[k]}`);
          writeColumn(matrix, width, offset + k, values);
        });
        offset += derived.length;
        return;
      }
      // Multi-hot columns: <other> then the vocabulary (ids 1.. shifted by −1), then the optional count.
      const multiHot =
        f.kind === 'multi-categorical' && f.encoding === 'multi-hot'
          ? (row: number, id: number): void => {
              matrix[row * width + offset + id - 1] = 1;
            }
          : undefined;
      const encoded = encodeFeature(f, fitted, this.indexes[fi], col, report, multiHot);
      if (encoded === null) return;
      indices[f.name] = { indices: encoded.indices, vocabSize: encoded.vocabSize, itemsPerRow: encoded.itemsPerRow };
      if (f.kind === 'categorical' && f.encoding === 'one-hot') {
        const ids = encoded.indices;
        for (let i = 0; i < rows; i++) matrix[i * width + offset + (ids[i] as number)] = 1;
        offset += encoded.vocabSize;
      } else if (f.kind === 'multi-categorical' && f.encoding === 'multi-hot' && encoded.itemCounts) {
        const hot = encoded.vocabSize - 1;
        if (f.count) {
          const itemCounts = encoded.itemCounts;
          for (let i = 0; i < rows; i++) matrix[i * width + offset + hot] = itemCounts[i] as number;
        }
        offset += hot + (f.count ? 1 : 0);
      } else if (f.kind === 'bucket' && f.encoding === 'one-hot') {
        const ids = encoded.indices;
        for (let i = 0; i < rows; i++) {
          const id = ids[i] as number;
          if (id > 0) matrix[i * width + offset + id - 1] = 1;
        }
        offset += f.boundaries.length + 1;
      }
    });
    return { matrix, featureNames: this.featureNames, width, rows, indices, report: { rows, features: reports } };
  }

  /**
   * The training target: coerced (numeric strings allowed), log1p if configured, then
   * standardized if configured.
   *
   * @param column - the raw target column [n]
   * @returns float32 [n]
   * @throws PreprocessingError `INVALID_ARGUMENT` when the spec has no target; `NON_NUMERIC`,
   *   `MISSING_VALUES` (targets are never imputed), `INVALID_VALUE` (log1p of y ≤ −1)
   * @example
   * ```ts
   * const y = fitted.transformTarget(columns.listens); // ln(1 + listens)
   * ```
   */
  transformTarget(column: Column): Float32Array {
    const t = this.requireTarget();
    const values = targetValues(t.spec, column);
    const out = new Float32Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = ((values[i] as number) - t.mean) / t.std;
    return out;
  }

  /**
   * Maps model outputs back to the target's original scale (un-standardize, then expm1 for log1p).
   *
   * @param predictions - [n] model outputs in the transformed space
   * @returns float64 [n] predictions on the original scale
   * @throws PreprocessingError `INVALID_ARGUMENT` when the spec has no target
   * @example
   * ```ts
   * const listens = fitted.inverseTarget(model.predict(x)); // expm1(pred)
   * ```
   */
  inverseTarget(predictions: ArrayLike<number>): Float64Array {
    const t = this.requireTarget();
    const out = new Float64Array(predictions.length);
    const log = t.spec.transform === 'log1p';
    for (let i = 0; i < predictions.length; i++) {
      const v = (predictions[i] as number) * t.std + t.mean;
      out[i] = log ? Math.expm1(v) : v;
    }
    return out;
  }

  /**
   * The fitted state as plain JSON (save it as `preprocessing.json` beside the model).
   *
   * @returns a deep copy of the state
   * @example
   * ```ts
   * writeFileSync(tmp, JSON.stringify(fitted.toJSON()));
   * ```
   */
  toJSON(): FittedFeatureSpecJSON {
    return structuredClone(this.state) as FittedFeatureSpecJSON;
  }

  /**
   * Restores a fitted spec from {@link FittedFeatureSpec.toJSON} output (object or JSON text),
   * validating every field; transforms are identical to the original's.
   *
   * @param json - the state or its JSON text
   * @returns the fitted spec
   * @throws PreprocessingError `INVALID_SPEC` naming the path of the first problem
   * @example
   * ```ts
   * const fitted = FittedFeatureSpec.fromJSON(readFileSync('preprocessing.json', 'utf8'));
   * ```
   */
  static fromJSON(json: unknown): FittedFeatureSpec {
    let value = json;
    if (typeof json === 'string') {
      try {
        value = JSON.parse(json);
      } catch (cause) {
        throw new PreprocessingError('INVALID_SPEC', `Fitted preprocessing state is not valid JSON: ${(cause as Error).message}`, { cause });
      }
    }
    const obj = expectObject(value, 'state');
    if (obj['format'] !== FORMAT) fail('state.format', `expected '${FORMAT}', got ${JSON.stringify(obj['format'])}; is this a preprocessing.json file?`);
    if (obj['version'] !== 1) fail('state.version', `expected 1, got ${JSON.stringify(obj['version'])}; this version of @tunekit/preprocessing reads version 1.`);
    const trainRows = expectFinite(obj['trainRows'], 'state.trainRows');
    const list = expectArray(obj['features'], 'state.features');
    const features = list.map((entry, i) => {
      const e = expectObject(entry, `state.features[${i}]`);
      const spec = normalizeFeature(e['spec'], `state.features[${i}].spec`);
      return { spec, fitted: validateFittedParams(spec, e['fitted'], `state.features[${i}].fitted`) };
    });
    // Re-validate the whole spec (unique names etc.) through the public path.
    normalizeFeatureSpec({ features: features.map((f) => f.spec) });
    let target: FittedTarget | null = null;
    if (obj['target'] !== null && obj['target'] !== undefined) {
      const t = expectObject(obj['target'], 'state.target');
      target = {
        spec: normalizeTarget(t['spec'], 'state.target.spec'),
        mean: expectFinite(t['mean'], 'state.target.mean'),
        std: expectPositive(t['std'], 'state.target.std'),
      };
    }
    const report = expectObject(obj['fitReport'], 'state.fitReport');
    return new FittedFeatureSpec({
      format: FORMAT,
      version: 1,
      trainRows,
      features,
      target,
      fitReport: report as unknown as PreprocessingReport,
    });
  }

  private requireTarget(): FittedTarget {
    if (this.state.target === null) {
      throw new PreprocessingError('INVALID_ARGUMENT', 'This feature spec has no target; add `target: { name, transform }` to the spec.');
    }
    return this.state.target;
  }
}

function writeColumn(matrix: Float32Array, width: number, offset: number, values: Float64Array): void {
  for (let i = 0, p = offset; i < values.length; i++, p += width) matrix[p] = values[i] as number;
}

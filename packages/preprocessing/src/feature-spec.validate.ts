import { validateBoundaries } from './bucket.transform';
import { parseReferenceDate } from './date.transform';
import type { DateDerive } from './date.transform';
import { parseNumericSteps } from './numeric.transform';
import type { FittedNumericStep, NumericStep } from './numeric.transform';
import type { Feature, FittedFeatureParams, Target } from './feature-spec.types';
import {
  expectArray,
  expectFinite,
  expectKeys,
  expectObject,
  expectOneOf,
  expectPositive,
  expectString,
  fail,
  optionalBoolean,
  optionalInt,
  optionalString,
} from './spec-validation';

const KINDS = ['numeric', 'date', 'categorical', 'multi-categorical', 'bucket'] as const;
const DERIVES: readonly DateDerive[] = ['year', 'age', 'month'];

function checkSteps(value: unknown, path: string): NumericStep[] {
  const steps = expectArray(value, path) as string[];
  parseNumericSteps(steps, path);
  return steps as NumericStep[];
}

/**
 * Validates one feature (as written, or as stored in fitted state) and fills its defaults.
 *
 * @param value - the feature object
 * @param path - spec path, e.g. `features[3]`
 * @returns the normalized feature
 * @throws PreprocessingError `INVALID_SPEC` naming the offending path
 * @example
 * ```ts
 * normalizeFeature({ name: 'x', kind: 'numeric' }, 'features[0]').steps; // ['coerce', 'impute:median', 'zscore']
 * ```
 */
export function normalizeFeature(value: unknown, path: string): Feature {
  const obj = expectObject(value, path);
  const name = expectString(obj['name'], `${path}.name`);
  const column = optionalString(obj['column'], `${path}.column`) ?? name;
  const kind = expectOneOf(obj['kind'], KINDS, `${path}.kind`);
  const common = ['name', 'column', 'kind'];
  switch (kind) {
    case 'numeric': {
      expectKeys(obj, [...common, 'steps', 'transform'], path);
      if (obj['steps'] !== undefined && obj['transform'] !== undefined) {
        fail(path, `give either 'steps' or 'transform', not both (put 'log1p' into the steps).`);
      }
      let steps: NumericStep[];
      if (obj['steps'] !== undefined) steps = checkSteps(obj['steps'], `${path}.steps`);
      else {
        const t = obj['transform'] === undefined ? 'none' : expectOneOf(obj['transform'], ['log1p', 'none'] as const, `${path}.transform`);
        steps = t === 'log1p' ? ['coerce', 'impute:median', 'log1p', 'zscore'] : ['coerce', 'impute:median', 'zscore'];
      }
      return { kind, name, column, steps };
    }
    case 'date': {
      expectKeys(obj, [...common, 'derive', 'referenceDate', 'steps'], path);
      const derive = expectArray(obj['derive'], `${path}.derive`).map((d, i) => expectOneOf(d, DERIVES, `${path}.derive[${i}]`));
      if (derive.length === 0) fail(`${path}.derive`, `name at least one of 'year', 'age', 'month'.`);
      if (new Set(derive).size !== derive.length) fail(`${path}.derive`, 'lists a quantity twice.');
      const referenceDate = optionalString(obj['referenceDate'] ?? undefined, `${path}.referenceDate`) ?? null;
      if (referenceDate !== null) parseReferenceDate(referenceDate, `${path}.referenceDate`);
      if (derive.includes('age') && referenceDate === null) {
        fail(`${path}.referenceDate`, `deriving 'age' needs a referenceDate such as '2017-04-01' (never the current clock, so results are reproducible).`);
      }
      const steps = obj['steps'] === undefined ? (['impute:median', 'zscore'] as NumericStep[]) : checkSteps(obj['steps'], `${path}.steps`);
      if (steps.includes('coerce')) fail(`${path}.steps`, `'coerce' does not apply to dates (unparseable dates are always reported as invalidDate).`);
      return { kind, name, column, derive, referenceDate, steps };
    }
    case 'categorical': {
      expectKeys(obj, [...common, 'minFrequency', 'maxCategories', 'encoding'], path);
      return {
        kind,
        name,
        column,
        minFrequency: optionalInt(obj['minFrequency'], `${path}.minFrequency`, 1) ?? 1,
        maxCategories: optionalInt(obj['maxCategories'] ?? undefined, `${path}.maxCategories`, 1) ?? null,
        encoding: obj['encoding'] === undefined ? 'one-hot' : expectOneOf(obj['encoding'], ['one-hot', 'index'] as const, `${path}.encoding`),
      };
    }
    case 'multi-categorical': {
      expectKeys(obj, [...common, 'minFrequency', 'maxCategories', 'separator', 'count', 'maxItems', 'encoding'], path);
      return {
        kind,
        name,
        column,
        minFrequency: optionalInt(obj['minFrequency'], `${path}.minFrequency`, 1) ?? 1,
        maxCategories: optionalInt(obj['maxCategories'] ?? undefined, `${path}.maxCategories`, 1) ?? null,
        separator: optionalString(obj['separator'], `${path}.separator`) ?? '|',
        count: optionalBoolean(obj['count'], `${path}.count`) ?? true,
        maxItems: optionalInt(obj['maxItems'], `${path}.maxItems`, 1) ?? 8,
        encoding: obj['encoding'] === undefined ? 'multi-hot' : expectOneOf(obj['encoding'], ['multi-hot', 'index'] as const, `${path}.encoding`),
      };
    }
    case 'bucket': {
      expectKeys(obj, [...common, 'boundaries', 'source', 'encoding'], path);
      const boundaries = obj['boundaries'];
      validateBoundaries(boundaries, `${path}.boundaries`);
      return {
        kind,
        name,
        column,
        boundaries: [...boundaries],
        source: obj['source'] === undefined ? 'number' : expectOneOf(obj['source'], ['number', 'year'] as const, `${path}.source`),
        encoding: obj['encoding'] === undefined ? 'one-hot' : expectOneOf(obj['encoding'], ['one-hot', 'index'] as const, `${path}.encoding`),
      };
    }
  }
}

/**
 * Validates the target and fills its defaults.
 *
 * @param value - the target object
 * @param path - spec path
 * @returns the normalized target
 * @throws PreprocessingError `INVALID_SPEC` naming the offending path
 * @example
 * ```ts
 * normalizeTarget({ name: 'listens', transform: 'log1p' }, 'target');
 * ```
 */
export function normalizeTarget(value: unknown, path: string): Target {
  const obj = expectObject(value, path);
  expectKeys(obj, ['name', 'column', 'transform', 'standardize'], path);
  const name = expectString(obj['name'], `${path}.name`);
  return {
    name,
    column: optionalString(obj['column'], `${path}.column`) ?? name,
    transform: obj['transform'] === undefined ? 'none' : expectOneOf(obj['transform'], ['log1p', 'none'] as const, `${path}.transform`),
    standardize: optionalBoolean(obj['standardize'], `${path}.standardize`) ?? false,
  };
}

/**
 * Validates a whole spec: features non-empty, names unique, every feature and the target valid.
 *
 * @param value - the spec object
 * @returns normalized features and target
 * @throws PreprocessingError `INVALID_SPEC` naming the offending path
 * @example
 * ```ts
 * normalizeFeatureSpec({ features: [{ name: 'x', kind: 'numeric' }] });
 * ```
 */
export function normalizeFeatureSpec(value: unknown): { features: Feature[]; target: Target | null } {
  const obj = expectObject(value, 'spec');
  expectKeys(obj, ['features', 'target'], 'spec');
  const list = expectArray(obj['features'], 'spec.features');
  if (list.length === 0) fail('spec.features', 'needs at least one feature.');
  const features = list.map((f, i) => normalizeFeature(f, `spec.features[${i}]`));
  const seen = new Map<string, number>();
  features.forEach((f, i) => {
    const prev = seen.get(f.name);
    if (prev !== undefined) fail(`spec.features[${i}].name`, `"${f.name}" is already used by spec.features[${prev}]; feature names must be unique (use 'column' to read one column twice).`);
    seen.set(f.name, i);
  });
  const target = obj['target'] === undefined ? null : normalizeTarget(obj['target'], 'spec.target');
  return { features, target };
}

function validateFittedSteps(value: unknown, path: string): FittedNumericStep[] {
  return expectArray(value, path).map((s, i) => {
    const p = `${path}[${i}]`;
    const step = expectObject(s, p);
    const op = expectOneOf(step['op'], ['impute', 'log1p', 'cap', 'zscore', 'minmax'] as const, `${p}.op`);
    switch (op) {
      case 'impute':
        return { op, strategy: expectOneOf(step['strategy'], ['median', 'mean', 'zero'] as const, `${p}.strategy`), value: expectFinite(step['value'], `${p}.value`) };
      case 'log1p':
        return { op };
      case 'cap':
        return { op, sigma: expectFinite(step['sigma'], `${p}.sigma`), lo: expectFinite(step['lo'], `${p}.lo`), hi: expectFinite(step['hi'], `${p}.hi`) };
      case 'zscore':
        return { op, mean: expectFinite(step['mean'], `${p}.mean`), std: expectPositive(step['std'], `${p}.std`) };
      case 'minmax':
        return { op, min: expectFinite(step['min'], `${p}.min`), max: expectFinite(step['max'], `${p}.max`) };
    }
  });
}

/**
 * Validates the fitted parameters of one feature from JSON against its spec.
 *
 * @param feature - the normalized feature
 * @param value - the stored parameters
 * @param path - JSON path
 * @returns the parameters
 * @throws PreprocessingError `INVALID_SPEC` naming the offending path
 * @example
 * ```ts
 * validateFittedParams(feature, { kind: 'bucket' }, 'features[0].fitted');
 * ```
 */
export function validateFittedParams(feature: Feature, value: unknown, path: string): FittedFeatureParams {
  const obj = expectObject(value, path);
  if (obj['kind'] !== feature.kind) fail(`${path}.kind`, `expected '${feature.kind}' to match the feature spec, got ${JSON.stringify(obj['kind'])}.`);
  switch (feature.kind) {
    case 'numeric':
      return { kind: feature.kind, steps: validateFittedSteps(obj['steps'], `${path}.steps`) };
    case 'date': {
      const derived = expectArray(obj['derived'], `${path}.derived`).map((s, i) => validateFittedSteps(s, `${path}.derived[${i}]`));
      if (derived.length !== feature.derive.length) fail(`${path}.derived`, `expected ${feature.derive.length} entries (one per derived quantity), got ${derived.length}.`);
      return { kind: feature.kind, derived };
    }
    case 'categorical':
    case 'multi-categorical': {
      const vocabulary = expectArray(obj['vocabulary'], `${path}.vocabulary`).map((v, i) => expectString(v, `${path}.vocabulary[${i}]`));
      const counts = expectArray(obj['counts'], `${path}.counts`).map((v, i) => expectFinite(v, `${path}.counts[${i}]`));
      if (counts.length !== vocabulary.length) fail(`${path}.counts`, `expected ${vocabulary.length} counts (one per vocabulary entry), got ${counts.length}.`);
      if (new Set(vocabulary).size !== vocabulary.length) fail(`${path}.vocabulary`, 'contains a duplicate category.');
      return { kind: feature.kind, vocabulary, counts };
    }
    case 'bucket':
      return { kind: feature.kind };
  }
}

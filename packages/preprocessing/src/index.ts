export { PreprocessingError } from './errors';
export type { PreprocessingErrorCode } from './errors';
export { requireColumn, rowCount, selectRows } from './columns';
export type { Column, Columns } from './columns';
export { coerceNumeric, median, meanStd, parseNumericSteps, fitNumericSteps, applyNumericSteps, log1p, expm1 } from './numeric.transform';
export type { NumericStep, NumericOp, FittedNumericStep, CoercionCounts, NumericApplyCounts } from './numeric.transform';
export { parseDate, parseReferenceDate, deriveDates } from './date.transform';
export type { DateDerive, ParsedDate, DateCounts } from './date.transform';
export {
  UNKNOWN_INDEX,
  OTHER_INDEX,
  UNKNOWN_TOKEN,
  OTHER_TOKEN,
  normalizeCategory,
  splitCategories,
  fitVocabulary,
  vocabularyIndex,
  encodeCategories,
  encodeMultiCategories,
} from './vocabulary';
export type { VocabularyOptions, CategoryCounts } from './vocabulary';
export { bucketize, bucketLabels, validateBoundaries } from './bucket.transform';
export { featureSpec, FeatureSpec, FittedFeatureSpec } from './feature-spec';
export { normalizeFeatureSpec } from './feature-spec.validate';
export type {
  FeatureBase,
  NumericFeatureInput,
  DateFeatureInput,
  CategoricalFeatureInput,
  MultiCategoricalFeatureInput,
  BucketFeatureInput,
  FeatureInput,
  TargetInput,
  FeatureSpecInput,
  NumericFeature,
  DateFeature,
  CategoricalFeature,
  MultiCategoricalFeature,
  BucketFeature,
  Feature,
  Target,
  FittedFeatureParams,
  FeatureReport,
  PreprocessingReport,
  IndexColumn,
  TransformResult,
  FittedTarget,
  FittedFeatureSpecJSON,
} from './feature-spec.types';
export { splitLabels } from './split.types';
export type { SplitIndices, SplitName } from './split.types';
export { randomSplit } from './random-split';
export type { RandomSplitOptions } from './random-split';
export { timeSplit } from './time-split';
export type { TimeSplitOptions } from './time-split';
export { perUserHoldout } from './per-user-holdout';
export type { PerUserHoldoutOptions } from './per-user-holdout';
export { groupedSplit } from './grouped-split';
export type { GroupedSplitOptions } from './grouped-split';
export { readSplitFile, parseSplitFile, applySplitMap } from './split-file';
export type { SplitFileOptions } from './split-file';
export { userProfileColumns } from './interaction-profiles';
export type { InteractionProfileInput } from './interaction-profiles';
export { holdoutInteractions } from './interaction-holdout';
export type { InteractionHoldoutOptions, InteractionHoldout } from './interaction-holdout';

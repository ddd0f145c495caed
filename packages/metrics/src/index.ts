export { MetricsError } from './metrics-error';
export type { MetricsErrorCode } from './metrics-error';
export type { Relevance, RelevanceInput } from './relevance';
export { toRankedLists } from './ranked-lists';
export type { RankedLists, RankedListsInput } from './ranked-lists';
export {
  dcgAtK,
  ndcgAtK,
  averagePrecisionAtK,
  reciprocalRank,
  hitAtK,
  precisionAtK,
  recallAtK,
  f1AtK,
  rPrecision,
  listAuc,
} from './ranking-metrics';
export type { GainKind, ApDenominator, DcgOptions, ApOptions } from './ranking-metrics';
export { topK, topKBatch, rankOfFirstRelevant } from './top-k';
export type { Exclusion } from './top-k';
export { userAuc, gauc } from './auc';
export type { GaucResult } from './auc';
export { parseMetricSpec, parseMetricSpecs, METRIC_NAMES } from './metric-spec';
export type { MetricSpec, RankingMetricName } from './metric-spec';
export { evaluateRanking } from './evaluate-ranking';
export type { EvaluateRankingInput, EvaluateRankingResult, RankingPopulation } from './evaluate-ranking';
export { rocAuc, logLoss, confusionMatrix, classificationMetrics } from './classification';
export type { ConfusionMatrix, ClassificationMetrics } from './classification';
export { rmse, mae, r2, mape, regressionMetrics, INVERSE_TRANSFORMS } from './regression';
export type { RegressionScores, RegressionMetrics } from './regression';
export {
  catalogueCoverage,
  intraListDiversity,
  novelty,
  serendipity,
  exposureCounts,
  giniIndex,
  averageRecommendedPopularity,
} from './beyond-accuracy';
export type { CoverageUniverse, CoverageResult, PerUserMetric } from './beyond-accuracy';
export { lnGamma, regularizedIncompleteBeta, studentTCdf } from './special-functions';
export {
  bootstrapCI,
  pairedPermutationTest,
  pairedTTest,
  pairedValues,
  compareSystems,
} from './significance';
export type {
  ResamplingOptions,
  BootstrapOptions,
  ConfidenceInterval,
  PairedTestResult,
  PairedTTestResult,
  PermutationTestResult,
  SystemComparison,
} from './significance';
export { parseQrels, parseRun, evaluateTrec } from './trec';
export type { Qrels, Run, RunEntry, TrecTieBreak, TrecEvalOptions, TrecEvalResult } from './trec';

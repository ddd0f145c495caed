import { mannWhitneyAuc } from './auc';
import { checkSameLength, MetricsError } from './metrics-error';

function checkLabels(labels: ArrayLike<number>, scores: ArrayLike<number>, where: string): void {
  checkSameLength(labels.length, scores.length, where, 'labels and scores');
  if (labels.length === 0) throw new MetricsError('EMPTY_INPUT', `${where}: no examples`);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i] as number;
    if (y !== 0 && y !== 1) {
      throw new MetricsError('INVALID_ARGUMENT', `${where}: label at index ${i} is ${y}; labels must be 0 or 1`, { context: { index: i } });
    }
    const s = scores[i] as number;
    if (s !== s) throw new MetricsError('INVALID_ARGUMENT', `${where}: score at index ${i} is NaN`, { context: { index: i } });
  }
}

/**
 * Global ROC AUC as the Mann–Whitney statistic: the probability that a random positive scores
 * higher than a random negative, ties counted ½ (equal to the trapezoidal ROC area; sklearn
 * `roc_auc_score`). O(n log n).
 *
 * @param labels - int/float [n] of 0/1.
 * @param scores - float [n], higher = more likely positive; NaN rejected.
 * @returns AUC in [0, 1].
 * @throws MetricsError `EMPTY_INPUT` when there is no positive or no negative; `INVALID_ARGUMENT`
 *   on labels other than 0/1 or NaN scores; `SHAPE_MISMATCH` on different lengths.
 * @example
 * ```ts
 * rocAuc([1, 0, 1, 0], [0.9, 0.5, 0.5, 0.1]); // (1 + 1 + 0.5 + 1) / 4 = 0.875
 * ```
 */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  checkLabels(labels, scores, 'rocAuc');
  const pos: number[] = [];
  const neg: number[] = [];
  for (let i = 0; i < labels.length; i++) ((labels[i] as number) === 1 ? pos : neg).push(scores[i] as number);
  if (pos.length === 0 || neg.length === 0) {
    throw new MetricsError('EMPTY_INPUT', `rocAuc: needs both classes, got ${pos.length} positives and ${neg.length} negatives`);
  }
  return mannWhitneyAuc(Float64Array.from(pos), Float64Array.from(neg));
}

/**
 * Binary log loss (cross-entropy): −(1/n) Σ [y ln p + (1 − y) ln(1 − p)], with p clipped to
 * [eps, 1 − eps] so a confident mistake costs −ln(eps) instead of ∞ (sklearn's convention).
 *
 * @param labels - [n] of 0/1.
 * @param probabilities - float [n] in [0, 1].
 * @param eps - clipping, default 1e-15.
 * @returns mean log loss in nats, ≥ 0.
 * @throws MetricsError `INVALID_ARGUMENT` on probabilities outside [0, 1] or bad labels.
 * @example
 * ```ts
 * logLoss([1, 0], [0.8, 0.4]); // −(ln 0.8 + ln 0.6) / 2 = 0.3670
 * ```
 */
export function logLoss(labels: ArrayLike<number>, probabilities: ArrayLike<number>, eps = 1e-15): number {
  checkLabels(labels, probabilities, 'logLoss');
  let s = 0;
  for (let i = 0; i < labels.length; i++) {
    const p0 = probabilities[i] as number;
    if (p0 < 0 || p0 > 1) {
      throw new MetricsError('INVALID_ARGUMENT', `logLoss: probability at index ${i} is ${p0}, outside [0, 1]`, { context: { index: i } });
    }
    const p = Math.min(1 - eps, Math.max(eps, p0));
    s += (labels[i] as number) === 1 ? -Math.log(p) : -Math.log(1 - p);
  }
  return s / labels.length;
}

/** Counts of a binary confusion matrix. */
export interface ConfusionMatrix {
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
}

/**
 * Binary confusion matrix at a threshold: predicted positive when score ≥ threshold.
 *
 * @param labels - [n] of 0/1. @param scores - float [n]. @param threshold - default 0.5.
 * @returns tp, fp, tn, fn.
 * @throws MetricsError `INVALID_ARGUMENT` on bad labels or NaN scores.
 * @example
 * ```ts
 * confusionMatrix([1, 0, 1, 0], [0.9, 0.6, 0.4, 0.1]); // { tp: 1, fp: 1, tn: 1, fn: 1 }
 * ```
 */
export function confusionMatrix(labels: ArrayLike<number>, scores: ArrayLike<number>, threshold = 0.5): ConfusionMatrix {
  checkLabels(labels, scores, 'confusionMatrix');
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < labels.length; i++) {
    const pred = (scores[i] as number) >= threshold;
    if ((labels[i] as number) === 1) {
      if (pred) tp++;
      else fn++;
    } else if (pred) fp++;
    else tn++;
  }
  return { tp, fp, tn, fn };
}

/** Threshold metrics of {@link classificationMetrics}. */
export interface ClassificationMetrics {
  /** tp / (tp + fp); 0 when nothing is predicted positive. */
  readonly precision: number;
  /** tp / (tp + fn); 0 when there is no positive. */
  readonly recall: number;
  /** 2·P·R / (P + R); 0 when both are 0. */
  readonly f1: number;
  /** (tp + tn) / n. */
  readonly accuracy: number;
  /** The counts. */
  readonly confusion: ConfusionMatrix;
  /** The threshold used. */
  readonly threshold: number;
}

/**
 * Precision, recall, F1 and accuracy at a threshold (score ≥ threshold → positive). Undefined
 * ratios (0/0) are reported as 0, like sklearn's `zero_division=0`.
 *
 * @param labels - [n] of 0/1. @param scores - float [n]. @param threshold - default 0.5.
 * @returns the four rates, the confusion matrix and the threshold.
 * @throws MetricsError `INVALID_ARGUMENT` on bad labels or NaN scores.
 * @example
 * ```ts
 * classificationMetrics([1, 0, 1, 0], [0.9, 0.6, 0.4, 0.1]).f1; // P = R = 0.5 → 0.5
 * ```
 */
export function classificationMetrics(labels: ArrayLike<number>, scores: ArrayLike<number>, threshold = 0.5): ClassificationMetrics {
  const c = confusionMatrix(labels, scores, threshold);
  const precision = c.tp + c.fp > 0 ? c.tp / (c.tp + c.fp) : 0;
  const recall = c.tp + c.fn > 0 ? c.tp / (c.tp + c.fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1, accuracy: (c.tp + c.tn) / labels.length, confusion: c, threshold };
}

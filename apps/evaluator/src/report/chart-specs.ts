import type { ReportChart } from '../task';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/**
 * Training curves: one line per series (e.g. `loss`, `val_loss`), optionally one per run member.
 * @param points - `{ epoch, series, value, member? }` rows
 * @param options.metric - y-axis title (e.g. `MSE of log1p(listens)`)
 * @returns a {@link ReportChart} (Vega-Lite, data inlined)
 * @example
 * ```ts
 * trainingCurvesChart([{ epoch: 1, series: 'loss', value: 0.9 }, { epoch: 1, series: 'val_loss', value: 1.1 }], { metric: 'MSE' });
 * ```
 */
export function trainingCurvesChart(
  points: readonly { epoch: number; series: string; value: number; member?: string }[],
  options: { metric: string; title?: string; caption?: string },
): ReportChart {
  return {
    title: options.title ?? 'Training curves',
    caption: options.caption ?? 'Loss per epoch; the gap between training and validation shows over-fitting.',
    spec: {
      $schema: SCHEMA,
      width: 520,
      height: 260,
      data: { values: points },
      mark: { type: 'line', point: points.length <= 60 },
      encoding: {
        x: { field: 'epoch', type: 'quantitative' },
        y: { field: 'value', type: 'quantitative', title: options.metric, scale: { zero: false } },
        color: { field: 'series', type: 'nominal', title: null },
        ...(points.some((p) => p.member !== undefined) ? { detail: { field: 'member', type: 'nominal' } } : {}),
      },
    },
  };
}

/**
 * Metric comparison of the model against baselines with confidence intervals: one point per
 * system and metric, with an error bar from `lo` to `hi` (e.g. a bootstrap 95 % CI).
 * @param rows - `{ system, metric, value, lo?, hi? }`
 * @returns a {@link ReportChart}
 */
export function metricComparisonChart(
  rows: readonly { system: string; metric: string; value: number; lo?: number; hi?: number }[],
  options: { title?: string; caption?: string } = {},
): ReportChart {
  const values = rows.map((r) => ({ ...r, lo: r.lo ?? r.value, hi: r.hi ?? r.value }));
  return {
    title: options.title ?? 'Model vs baselines (95 % confidence intervals)',
    caption: options.caption ?? 'Overlapping intervals mean the difference may be noise; see the significance section.',
    spec: {
      $schema: SCHEMA,
      data: { values },
      facet: { column: { field: 'metric', type: 'nominal', title: null } },
      resolve: { scale: { x: 'independent' } },
      spec: {
        width: 220,
        height: { step: 22 },
        layer: [
          { mark: { type: 'rule', strokeWidth: 2 }, encoding: { y: { field: 'system', type: 'nominal', title: null }, x: { field: 'lo', type: 'quantitative', title: null, scale: { zero: false } }, x2: { field: 'hi' } } },
          { mark: { type: 'point', filled: true, size: 60 }, encoding: { y: { field: 'system', type: 'nominal' }, x: { field: 'value', type: 'quantitative' }, color: { field: 'system', type: 'nominal', legend: null } } },
        ],
      },
    },
  };
}

/**
 * Predicted vs actual for a regressor, with the diagonal of perfect predictions.
 * @param points - `{ actual, predicted, system? }`
 * @returns a {@link ReportChart}
 */
export function predictedVsActualChart(points: readonly { actual: number; predicted: number; system?: string }[], options: { unit: string; title?: string; caption?: string }): ReportChart {
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of points) {
    lo = Math.min(lo, p.actual, p.predicted);
    hi = Math.max(hi, p.actual, p.predicted);
  }
  return {
    title: options.title ?? `Predicted vs actual ${options.unit}`,
    caption: options.caption ?? 'Points on the dashed diagonal are perfect predictions.',
    spec: {
      $schema: SCHEMA,
      width: 420,
      height: 420,
      data: { values: points.map((p) => ({ system: 'model', ...p })) },
      layer: [
        { mark: { type: 'point', filled: true, opacity: 0.5, size: 18 }, encoding: { x: { field: 'actual', type: 'quantitative', title: `actual ${options.unit}`, scale: { zero: false } }, y: { field: 'predicted', type: 'quantitative', title: `predicted ${options.unit}`, scale: { zero: false } }, color: { field: 'system', type: 'nominal', title: null } } },
        { mark: { type: 'rule', color: '#888', strokeDash: [4, 4] }, encoding: { x: { datum: lo }, y: { datum: lo }, x2: { datum: hi }, y2: { datum: hi } } },
      ],
    },
  };
}

/**
 * Cluster map: 2-D coordinates (e.g. the first two principal components or two audio features),
 * coloured by cluster.
 * @param points - `{ x, y, cluster }`
 * @returns a {@link ReportChart}
 */
export function clusterMapChart(points: readonly { x: number; y: number; cluster: number | string }[], options: { xTitle: string; yTitle: string; title?: string; caption?: string }): ReportChart {
  return {
    title: options.title ?? 'Cluster map',
    caption: options.caption ?? 'Each point is a track, coloured by its k-means cluster.',
    spec: {
      $schema: SCHEMA,
      width: 420,
      height: 380,
      data: { values: points.map((p) => ({ ...p, cluster: String(p.cluster) })) },
      mark: { type: 'circle', opacity: 0.6, size: 20 },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: options.xTitle, scale: { zero: false } },
        y: { field: 'y', type: 'quantitative', title: options.yTitle, scale: { zero: false } },
        color: { field: 'cluster', type: 'nominal', title: 'cluster' },
      },
    },
  };
}

/**
 * Popularity / coverage curve: the share of interactions (or recommendations) covered by the
 * top fraction of items, per system — the long-tail view of a recommender.
 * @param points - `{ system, itemShare, coverage }` with both shares in [0, 1]
 * @returns a {@link ReportChart}
 */
export function coverageCurveChart(points: readonly { system: string; itemShare: number; coverage: number }[], options: { title?: string; caption?: string } = {}): ReportChart {
  return {
    title: options.title ?? 'Popularity / coverage curve',
    caption: options.caption ?? 'How much of the total the most popular items take; a flatter curve spreads recommendations over the long tail.',
    spec: {
      $schema: SCHEMA,
      width: 420,
      height: 300,
      data: { values: points },
      mark: { type: 'line' },
      encoding: {
        x: { field: 'itemShare', type: 'quantitative', title: 'share of items (most popular first)', axis: { format: '%' } },
        y: { field: 'coverage', type: 'quantitative', title: 'cumulative share', axis: { format: '%' } },
        color: { field: 'system', type: 'nominal', title: null },
      },
    },
  };
}

import { z } from 'zod';
import { getTrackStats } from '@tunekit/data-access';
import { bootstrapCI, compareSystems, regressionMetrics, INVERSE_TRANSFORMS } from '@tunekit/metrics';
import {
  fitLinearRegression,
  listensColumns,
  loadListensPredictor,
  predictLinear,
  resolveListensSplit,
  ListensTaskConfigSchema,
} from '@tunekit/models';
import { selectRows } from '@tunekit/preprocessing';
import { initRuntime } from '@tunekit/runtime';
import { findRunDir, readRunConfig, readRunEpochs } from '../runs';
import { defineEvalTask, type ReportChart } from '../task';

const ListensEvalSchema = z
  .object({
    /** Trained model name: artifacts/models/<model>/. */
    model: z.string(),
    /** Run id, or `latest`. */
    run: z.string().default('latest'),
    /** Reference numbers to print next to ours (system → metric → value). */
    references: z.record(z.string(), z.record(z.string(), z.number())).default({}),
    /** Seed of the significance tests. */
    seed: z.number().int().default(42),
  })
  .strict();

function scores(yLog: Float32Array, predLog: Float32Array): Record<string, number> {
  const m = regressionMetrics(yLog, predLog, INVERSE_TRANSFORMS.expm1);
  return { rmse_log: m.rmse, mae_log: m.mae, r2: m.r2, rmse: m.original!.rmse, mae: m.original!.mae, r2_listens: m.original!.r2 };
}

/**
 * Evaluates the latest listens run on its test split against a train-median and a linear
 * regression baseline (same features, same preprocessing), on the log1p and the listens scale.
 */
export const listensEvalTask = defineEvalTask({
  family: 'listens',
  description: 'RMSE/MAE/R² of the listens MLP vs train-median and linear regression',
  schema: ListensEvalSchema,
  async run(ctx) {
    const runDir = findRunDir(ctx.modelsRoot, ctx.config.model, ctx.config.run);
    const trained = ListensTaskConfigSchema.parse(Object.fromEntries(Object.entries(readRunConfig(runDir)).filter(([k]) => k !== 'task')));
    await initRuntime({ log: false });
    const predictor = await loadListensPredictor(runDir);
    try {
      const rows = await getTrackStats(ctx.db.db, { source: trained.data.source, withListens: true });
      const split = await resolveListensSplit(trained.data.split, rows.map((r) => r.external_id), ctx.workspaceRoot);
      if (split.test.length === 0) throw new Error(`The split of ${runDir} has no test rows`);
      const cols = { ...listensColumns(rows), [trained.target.name]: rows.map((r) => r.listens) };
      const trainCols = selectRows(cols, split.train);
      const testCols = selectRows(cols, split.test);
      const fitted = predictor.preprocessing;
      // Everything is scored on log1p(listens) and on listens, whatever the model's target scaling.
      const toLog = (raw: ArrayLike<number>) => Float32Array.from(raw, (v) => Math.log1p(Math.max(0, v)));
      const yTest = toLog(testCols[trained.target.name] as number[]);
      const yTrainLog = toLog(trainCols[trained.target.name] as number[]);
      const testRows = Array.from(split.test, (i) => rows[i]!);
      const model = toLog(predictor.predict(testRows).listens);

      const sorted = Float32Array.from(yTrainLog).sort();
      const median = new Float32Array(yTest.length).fill(sorted[Math.floor(sorted.length / 2)] as number);
      const xTrain = fitted.transform(trainCols).matrix;
      const xTest = fitted.transform(testCols).matrix;
      const yTrainModelScale = fitted.transformTarget(trainCols[trained.target.name]!);
      const linear = toLog(fitted.inverseTarget(predictLinear(fitLinearRegression(xTrain, yTrainModelScale, fitted.width), xTest, fitted.width)));

      const sqErr = (p: Float32Array) => Float64Array.from(yTest, (y, i) => ((p[i] as number) - y) ** 2);
      const vsLinear = compareSystems(sqErr(linear), sqErr(model), { seed: ctx.config.seed });
      const vsMedian = compareSystems(sqErr(median), sqErr(model), { seed: ctx.config.seed });

      const scatter = Array.from(yTest, (y, i) => ({ actual: y, predicted: model[i] as number, system: 'tunekit MLP' })).concat(
        Array.from(yTest, (y, i) => ({ actual: y, predicted: linear[i] as number, system: 'linear' })),
      );
      const epochs = readRunEpochs(runDir).flatMap((e) =>
        Object.entries(e)
          .filter(([k]) => /^m\d+\/(loss|val_loss)$/.test(k))
          .map(([k, v]) => ({ epoch: (e['epoch'] as number) % 10_000, member: k.split('/')[0], kind: k.split('/')[1], value: v })),
      );
      const charts: ReportChart[] = [
        {
          title: 'Predicted vs actual log1p(listens), test tracks',
          caption: 'Points on the diagonal are perfect predictions.',
          spec: {
            $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
            width: 420,
            height: 420,
            data: { values: scatter },
            layer: [
              { mark: { type: 'point', opacity: 0.5, filled: true, size: 20 }, encoding: { x: { field: 'actual', type: 'quantitative', title: 'actual', scale: { zero: false } }, y: { field: 'predicted', type: 'quantitative', title: 'predicted', scale: { zero: false } }, color: { field: 'system', type: 'nominal' } } },
              { mark: { type: 'rule', color: '#888', strokeDash: [4, 4] }, encoding: { x: { datum: Math.min(...yTest) }, y: { datum: Math.min(...yTest) }, x2: { datum: Math.max(...yTest) }, y2: { datum: Math.max(...yTest) } } },
            ],
          },
        },
      ];
      if (epochs.length > 0) {
        charts.push({
          title: 'Training curves (MSE of the model\'s target: log1p(listens), z-scored when target.standardize)',
          caption: 'Per ensemble member: train loss and validation loss by epoch; early stopping restores the best validation epoch.',
          spec: {
            $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
            width: 520,
            height: 260,
            data: { values: epochs },
            mark: { type: 'line' },
            encoding: {
              x: { field: 'epoch', type: 'quantitative' },
              y: { field: 'value', type: 'quantitative', title: 'MSE', scale: { zero: false } },
              color: { field: 'kind', type: 'nominal' },
              detail: { field: 'member', type: 'nominal' },
            },
          },
        });
      }
      // 95% bootstrap intervals of RMSE on log1p: resample per-track squared errors, then sqrt.
      const rmseCi = (p: Float32Array): Record<string, [number, number]> => {
        const ci = bootstrapCI(sqErr(p), { seed: ctx.config.seed });
        return { rmse_log: [Math.sqrt(ci.lower), Math.sqrt(ci.upper)] };
      };
      return {
        runDir,
        headline: ['rmse_log', 'mae_log', 'r2'],
        intervals: { model: rmseCi(model), 'train-median': rmseCi(median), linear: rmseCi(linear) },
        model: scores(yTest, model),
        baselines: { 'train-median': scores(yTest, median), linear: scores(yTest, linear) },
        references: ctx.config.references,
        population: { test_tracks: split.test.length, train_tracks: split.train.length, validation_tracks: split.validation.length },
        significance: {
          'squared-error model vs linear': vsLinear,
          'squared-error model vs train-median': vsMedian,
        },
        charts,
        notes: [
          `Data: tracks.source = ${trained.data.source}; split ${trained.data.split.kind === 'file' ? trained.data.split.path : `random (seed ${trained.data.split.seed})`}.`,
          'Hyper-parameters were chosen on the validation split (never on test); the test split is only read here.',
          'Significance: paired tests on per-track squared errors (a positive mean difference means the model has lower error).',
        ],
      };
    } finally {
      predictor.dispose();
    }
  },
});

import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { CliError, writeJsonAtomic } from '@tunekit/cli-kit';
import { ListensModel, ListensTaskConfigSchema, fitLinearRegression, listensColumns, predictLinear, resolveListensSplit } from '@tunekit/models';
import { featureSpec, selectRows } from '@tunekit/preprocessing';
import { initRuntime, saveModel } from '@tunekit/runtime';
import { ensureDataset } from '../data/datasets';
import { getTrackStats } from '@tunekit/data-access';
import { defineTrainTask } from '../task';

/**
 * The listens regressor: FMA-style track statistics → log1p(listens), an ensemble of MLPs with a
 * linear path, early-stopped on the validation split.
 */
export const listensTask = defineTrainTask({
  family: 'listens',
  description: 'MLP regressor of a track\'s listens from its statistics (trained on log1p)',
  schema: ListensTaskConfigSchema,
  async run(ctx) {
    const { config, db, log, workspaceRoot } = ctx;
    if (config.data.load) await ensureDataset(db, config.data.load, { workspaceRoot, log });
    const runtime = await initRuntime({ log: (m) => log.info(m) });
    const rows = await getTrackStats(db.db, { source: config.data.source, withListens: true });
    if (rows.length === 0) {
      throw new CliError('CONFIG_INVALID', `No tracks with listens for source "${config.data.source}" in the database: load a dataset first (data.load in the config)`, {
        context: { key: 'data.source' },
      });
    }
    const split = await resolveListensSplit(config.data.split, rows.map((r) => r.external_id), workspaceRoot);
    log.info(`tracks: ${rows.length}; split train ${split.train.length} / validation ${split.validation.length} / test ${split.test.length}`);
    if (split.train.length === 0 || split.validation.length === 0) {
      throw new CliError('CONFIG_INVALID', 'data.split gives an empty train or validation part: both are needed (early stopping uses validation)', { context: { key: 'data.split' } });
    }
    const columns = { ...listensColumns(rows), [config.target.name]: rows.map((r) => r.listens) };
    const spec = featureSpec({
      features: config.features as never,
      target: { name: config.target.name, column: config.target.name, transform: config.target.transform, standardize: config.target.standardize },
    });
    const trainCols = selectRows(columns, split.train);
    const valCols = selectRows(columns, split.validation);
    const fitted = spec.fit(trainCols);
    const xTrain = fitted.transform(trainCols);
    const xVal = fitted.transform(valCols);
    const train = { x: xTrain.matrix, y: fitted.transformTarget(trainCols[config.target.name]!), width: xTrain.width };
    const validation = { x: xVal.matrix, y: fitted.transformTarget(valCols[config.target.name]!), width: xVal.width };
    log.info(`features (${fitted.width}): ${fitted.featureNames.join(', ')}`);

    const { model, report } = await ListensModel.train(train, validation, config.model, config.training, {
      onEpoch: async (member, e) => {
        await ctx.recordEpoch(member * 10_000 + e.epoch, { [`m${member}/loss`]: e.loss, [`m${member}/val_loss`]: e.val_loss, [`m${member}/val_mae`]: e.val_mae, [`m${member}/lr`]: e.lr });
        if (e.epoch % 10 === 0) log.info(`member ${member} epoch ${e.epoch}: loss ${e.loss.toFixed(4)} val_loss ${e.val_loss.toFixed(4)} (${e.seconds.toFixed(2)} s)`);
      },
      checkpoint: (member, _epoch, m) => saveModel(m, join(ctx.runDir, 'checkpoints', `member-${member}`)).then(() => undefined),
    });
    try {
      await model.save(join(ctx.runDir, 'model'));
      writeJsonAtomic(join(ctx.runDir, 'preprocessing.json'), fitted.toJSON());
      const ids = (idx: Int32Array) => Array.from(idx, (i) => rows[i]!.id);
      writeJsonAtomic(join(ctx.runDir, 'split.json'), { train: ids(split.train), validation: ids(split.validation), test: ids(split.test) });
      writeJsonAtomic(join(ctx.runDir, 'training-report.json'), report);
      const valPred = model.predict(validation.x);
      let se = 0;
      for (let i = 0; i < valPred.length; i++) se += ((valPred[i] as number) - (validation.y[i] as number)) ** 2;
      // The linear model on the same features, for context while tuning (validation only).
      const lin = predictLinear(fitLinearRegression(train.x, train.y, train.width), validation.x, validation.width);
      let seLin = 0;
      for (let i = 0; i < lin.length; i++) seLin += ((lin[i] as number) - (validation.y[i] as number)) ** 2;
      const sd = fitted.target?.std ?? 1;
      const dataHash = createHash('sha256').update(JSON.stringify(rows.map((r) => [r.id, r.listens]))).digest('hex').slice(0, 16);
      return {
        metrics: {
          // On the log1p scale: undo the target z-score (std) when the target is standardised.
          val_rmse_log: Math.sqrt(se / Math.max(valPred.length, 1)) * (config.target.standardize ? sd : 1),
          val_rmse_log_linear: Math.sqrt(seLin / Math.max(lin.length, 1)) * (config.target.standardize ? sd : 1),
          best_epoch_mean: report.members.reduce((s, m) => s + m.bestEpoch, 0) / report.members.length,
          train_rows: split.train.length,
        },
        dataHash,
        backend: runtime.backend,
        extra: { features: fitted.featureNames },
      };
    } finally {
      model.dispose();
    }
  },
});

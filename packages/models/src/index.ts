export { ModelsError } from './errors';
export type { ModelsErrorCode } from './errors';
export { fitLinearRegression, predictLinear } from './linear/linear-regression';
export type { LinearModel } from './linear/linear-regression';
export { choleskySolve } from './linear/cholesky';
export { LrScheduleSchema, LrScheduler } from './training/lr-schedule';
export type { LrSchedule } from './training/lr-schedule';
export { fitDenseRegressor, evaluateDense } from './training/fit-dense';
export type { DenseData, EpochLog, FitDenseOptions, FitResult } from './training/fit-dense';
export { ListensModelConfigSchema, ListensTrainingConfigSchema } from './listens/listens.config';
export type { ListensModelConfig, ListensTrainingConfig } from './listens/listens.config';
export { ListensModel, buildListensNetwork, readJsonArtifact } from './listens/listens.model';
export type { ListensTrainingReport } from './listens/listens.model';
export { ListensTaskConfigSchema, ListensSplitSchema, resolveListensSplit } from './listens/listens.task-config';
export type { ListensTaskConfig, ListensSplit } from './listens/listens.task-config';
export { LISTENS_INPUT_COLUMNS, listensColumns, loadListensPredictor, predictListens } from './listens/listens.pipeline';
export type { ListensInputRow, ListensPredictor } from './listens/listens.pipeline';

// Model families owned by their own folders; each folder's index.ts is its public surface.
export * from './two-tower/index';
export * from './baselines/index';
export * from './content-embedding/index';
export * from './nearest-neighbors/index';
export * from './metadata-audio/index';
export * from './kmeans/index';
export * from './knn/index';

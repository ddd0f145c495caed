export { kmeansConfigSchema } from './kmeans.config';
export type { KMeansConfig, KMeansConfigInput } from './kmeans.config';
export { fitKMeans, assignNearest, kmeansFromJson, saveKMeans, loadKMeans } from './kmeans.model';
export type { KMeansModel } from './kmeans.model';
export { fitStandardScaler, applyStandardScaler } from './standard-scaler';
export type { StandardScalerState } from './standard-scaler';

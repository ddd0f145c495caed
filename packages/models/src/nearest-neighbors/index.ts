export { TopK } from './top-k';
export type { Neighbors } from './top-k';
export { normalizeRows } from './vectors';
export { ExactCosineIndex } from './exact-index';
export type { CosineIndex, SearchOptions } from './exact-index';
export { HnswIndex } from './hnsw-index';
export type { HnswOptions } from './hnsw-index';
export { buildCosineIndex, recallAgainstExact } from './cosine-index';
export type { CosineIndexOptions } from './cosine-index';

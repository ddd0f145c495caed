export { KnnIndex } from './knn.index';
export type { Neighbour } from './knn.index';

/**
 * The one contract every recommender here keeps (RecBole's `full_sort_predict`): write the score
 * of every item for one user into `out`. Higher is better; masking of seen items is the caller's.
 */
export interface FullSortScorer {
  /** Display name (kebab-case, as in `metrics.json` baselines: `most-popular`, `itemknn`, `ease`). */
  readonly name: string;
  readonly nItems: number;
  /**
   * @param user - user index in the training matrix
   * @param out - float32 [nItems], overwritten
   */
  scoreUser(user: number, out: Float32Array): void;
}

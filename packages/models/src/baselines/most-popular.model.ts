import { itemDegrees, type InteractionMatrix } from './interaction-matrix';
import type { FullSortScorer } from './scorer';

/**
 * Most-popular baseline: every user gets the items ranked by their number of training users.
 *
 * @param x - binary training matrix
 * @returns a scorer whose score for item i is |U_i|
 * @example
 * ```ts
 * const pop = mostPopular(x); const s = new Float32Array(x.nItems); pop.scoreUser(0, s);
 * ```
 */
export function mostPopular(x: InteractionMatrix): FullSortScorer {
  const deg = Float32Array.from(itemDegrees(x));
  return {
    name: 'most-popular',
    nItems: x.nItems,
    scoreUser(_user: number, out: Float32Array): void {
      out.set(deg);
    },
  };
}

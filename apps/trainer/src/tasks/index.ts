import type { TrainTask } from '../task';
import { listensTask } from './listens.task';

/**
 * Every training task, by the `task:` key used in `configs/trainer/*.yaml`. Frozen: adding a model
 * family means adding one line here, never a string branch elsewhere.
 */
export const TRAIN_TASKS: Readonly<Record<string, TrainTask>> = Object.freeze({
  // registered tasks (one line each):
  listens: listensTask,
});

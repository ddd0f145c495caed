import type { EvalTask } from '../task';
import { listensEvalTask } from './listens.task';

/** Every evaluation task, by the `task:` key used in `configs/evaluator/*.yaml`. */
export const EVAL_TASKS: Readonly<Record<string, EvalTask>> = Object.freeze({
  // registered tasks (one line each):
  listens: listensEvalTask,
});

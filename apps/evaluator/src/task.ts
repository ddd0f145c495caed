import type { Logger } from '@tunekit/cli-kit';
import type { TunekitDb } from '@tunekit/data-access';
import type { z } from 'zod';

/** What an evaluation task gets from the evaluator app. */
export interface EvalContext<C> {
  /** Config name (`listens-fma`): output goes to `artifacts/evaluations/<name>/`. */
  readonly name: string;
  readonly config: C;
  readonly db: TunekitDb;
  readonly workspaceRoot: string;
  /** `artifacts/models`: where trained runs live (`<name>/latest`). */
  readonly modelsRoot: string;
  /** Directory the report is being written into (extra files may go here). */
  readonly outDir: string;
  readonly flags: Readonly<Record<string, string | boolean>>;
  readonly log: Logger;
}

/** A chart for the report: a Vega-Lite spec (data inlined), rendered to SVG by the report writer. */
export interface ReportChart {
  title: string;
  /** One sentence saying what to look at. */
  caption?: string;
  spec: Record<string, unknown>;
}

/** A table for the report. */
export interface ReportTable {
  title: string;
  columns: string[];
  rows: (string | number | null)[][];
}

/**
 * What an evaluation returns. `model`, `baselines`, `population`, `significance` become
 * `metrics.json` exactly (DESIGN.md: "Where results land"); charts/tables/notes go to the reports.
 */
export interface EvaluationResult {
  model: Record<string, number>;
  baselines: Record<string, Record<string, number>>;
  population?: Record<string, unknown>;
  significance?: Record<string, unknown>;
  /** Other top-level keys for metrics.json (e.g. per-split results). */
  extra?: Record<string, unknown>;
  /** Metrics to chart model vs baselines for (default: up to 6 metrics the model and every baseline share). */
  headline?: string[];
  /** 95% confidence intervals, system (`model` or a baseline name) → metric → [lo, hi]. */
  intervals?: Record<string, Record<string, [number, number]>>;
  /** Reference numbers to print next to ours (e.g. from ../shared/data/README.md). */
  references?: Record<string, Record<string, number>>;
  charts?: ReportChart[];
  tables?: ReportTable[];
  notes?: string[];
  /** Which trained run was evaluated. */
  runDir?: string;
}

/** One model family's evaluation entry point, looked up by the YAML `task:` key. */
export interface EvalTask<S extends z.ZodType = z.ZodType> {
  readonly family: string;
  readonly description: string;
  readonly schema: S;
  run(ctx: EvalContext<z.infer<S>>): Promise<EvaluationResult>;
}

/** Helper giving a task literal its precise type. */
export function defineEvalTask<S extends z.ZodType>(task: EvalTask<S>): EvalTask<S> {
  return task;
}

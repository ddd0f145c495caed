/**
 * `nx run evaluator:evaluate --configuration=<name>`: evaluates a trained model family against
 * baselines as `configs/evaluator/<name>.yaml` says, writing
 * `artifacts/evaluations/<name>/{metrics.json,report.md,report.html}`.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isTunekitError } from '@tunekit/core';
import { createLogger, parseAppArgs } from '@tunekit/cli-kit';
import { evaluate } from './evaluate';

const workspaceRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const log = createLogger('evaluator');

try {
  const { outDir, result } = await evaluate({ args: parseAppArgs(process.argv.slice(2)), workspaceRoot, log });
  log.info(`wrote ${outDir}/metrics.json, report.md, report.html`);
  console.log(JSON.stringify({ model: result.model, baselines: result.baselines }, null, 2));
} catch (e) {
  if (isTunekitError(e)) log.error(`${e.name} ${e.code}: ${e.message}`);
  else log.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exitCode = 1;
}

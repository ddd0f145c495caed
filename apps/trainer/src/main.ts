/**
 * `nx run trainer:train --configuration=<name>`: trains the model family named by the YAML's
 * `task:` key in `configs/trainer/<name>.yaml` and writes `artifacts/models/<name>/<run-id>/`.
 *
 * Flags: `--config <path>`, `--set key=value` (repeatable), `--database <url>`, plus task flags.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isTunekitError } from '@tunekit/core';
import { createLogger, parseAppArgs } from '@tunekit/cli-kit';
import { train } from './train';

const workspaceRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const log = createLogger('trainer');

try {
  const args = parseAppArgs(process.argv.slice(2));
  const result = await train({ args, workspaceRoot, artifactsRoot: process.env['TUNEKIT_MODELS_ROOT'] ?? join(workspaceRoot, 'artifacts', 'models'), log });
  log.info(`done: ${result.runDir}`, result.metrics);
} catch (e) {
  if (isTunekitError(e)) log.error(`${e.name} ${e.code}: ${e.message}`);
  else log.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exitCode = 1;
}

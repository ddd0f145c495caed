import { loadConfig, resolveConfigFile, type CommonArgs } from '@tunekit/cli-kit';
import { CliError } from '@tunekit/cli-kit';
import { recommenderConfigSchema, type RecommenderConfig } from './recommender.config';

/** The configuration `nx run recommender:serve` uses when none is named. */
export const DEFAULT_CONFIGURATION = 'default';

/**
 * Loads `configs/recommender/<name>.yaml` (default {@link DEFAULT_CONFIGURATION}) with the usual
 * layers: schema defaults < YAML < environment (`PORT`, `HOST`) < flags (`--port`, `--host`,
 * `--database`) < `--set key=value`.
 *
 * @param workspaceRoot - where `configs/` lives
 * @param args - parsed command line
 * @param env - process environment (injectable for tests)
 * @returns the validated config and the file it came from
 * @throws CliError `CONFIG_NOT_FOUND`, `CONFIG_SYNTAX`, `CONFIG_INVALID` (with file:line:column), `BAD_ARGUMENT`
 */
export function loadRecommenderConfig(
  workspaceRoot: string,
  args: Pick<CommonArgs, 'config' | 'configuration' | 'set' | 'database' | 'extra'>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): { config: RecommenderConfig; file: string; name: string } {
  const { file, name } = resolveConfigFile(workspaceRoot, 'recommender', {
    config: args.config,
    configuration: args.config ? null : (args.configuration ?? DEFAULT_CONFIGURATION),
  });
  const layered: Record<string, unknown> = {};
  const port = (value: string, where: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new CliError('BAD_ARGUMENT', `${where} must be a port number 0–65535, got "${value}"`, { context: { key: where } });
    return n;
  };
  if (env['PORT']) layered['port'] = port(env['PORT'], 'PORT');
  if (env['HOST']) layered['host'] = env['HOST'];
  if (typeof args.extra['port'] === 'string') layered['port'] = port(args.extra['port'], '--port');
  if (typeof args.extra['host'] === 'string') layered['host'] = args.extra['host'];
  if (args.database) layered['database'] = args.database;
  const { value } = loadConfig({ file, schema: recommenderConfigSchema, env: layered, overrides: args.set });
  return { config: value, file, name };
}

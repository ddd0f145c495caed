import { parseArgs as nodeParseArgs } from 'node:util';
import { CliError } from './errors';

/** Options every tunekit app accepts. */
export interface CommonArgs {
  /** `--configuration <name>` (nx passes it): reads `configs/<app>/<name>.yaml`. */
  configuration: string | null;
  /** `--config <path>`: an explicit YAML file (wins over --configuration). */
  config: string | null;
  /** `--set key=value`, repeatable; dotted keys, YAML-typed values. */
  set: string[];
  /** `--database <url>` (else DATABASE_URL, else the embedded PGlite file). */
  database: string | null;
  /** Everything else, as `--flag value` / `--flag` pairs, for app-specific flags. */
  extra: Record<string, string | boolean>;
  positionals: string[];
}

/**
 * Parses an app's argv. Known flags are typed; unknown `--kebab-flags` are returned in `extra`
 * so a task can map them (e.g. `--epochs 50`) onto its config.
 * @throws CliError `BAD_ARGUMENT` on a malformed flag.
 */
export function parseAppArgs(argv: readonly string[]): CommonArgs {
  const out: CommonArgs = { configuration: null, config: null, set: [], database: null, extra: {}, positionals: [] };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) throw new CliError('BAD_ARGUMENT', `${flag} needs a value`, { context: { flag } });
      i++;
      return v;
    };
    switch (flag) {
      case '--configuration':
      case '-c':
        out.configuration = value();
        break;
      case '--config':
        out.config = value();
        break;
      case '--set':
        out.set.push(value());
        break;
      case '--database':
        out.database = value();
        break;
      default:
        rest.push(a);
    }
  }
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] as string;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) {
        out.extra[a.slice(2, eq)] = a.slice(eq + 1);
      } else {
        const next = rest[i + 1];
        if (next !== undefined && !next.startsWith('--')) {
          out.extra[a.slice(2)] = next;
          i++;
        } else out.extra[a.slice(2)] = true;
      }
    } else out.positionals.push(a);
  }
  return out;
}

/** Re-export of node's parseArgs for apps with fixed flag sets. */
export const parseArgs = nodeParseArgs;

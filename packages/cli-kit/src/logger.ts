/** Log levels, most verbose first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A small structured logger: human lines on a TTY, JSON lines otherwise (or when asked). */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
}

/**
 * Creates a logger writing to stderr.
 * @param scope - prefix naming the component (e.g. `trainer:listens`).
 * @param options.level - minimum level (default `TUNEKIT_LOG_LEVEL` or `info`).
 * @param options.json - JSON lines (default: when stderr is not a TTY and `TUNEKIT_LOG_JSON=1`).
 */
export function createLogger(scope: string, options: { level?: LogLevel; json?: boolean; write?: (line: string) => void } = {}): Logger {
  const level = options.level ?? ((process.env['TUNEKIT_LOG_LEVEL'] as LogLevel | undefined) ?? 'info');
  const json = options.json ?? process.env['TUNEKIT_LOG_JSON'] === '1';
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const emit = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
    if (ORDER[lvl] < (ORDER[level] ?? 20)) return;
    if (json) {
      write(JSON.stringify({ time: new Date().toISOString(), level: lvl, scope, msg, ...fields }));
    } else {
      const extra = fields && Object.keys(fields).length > 0 ? ' ' + Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'number' ? fmt(v) : JSON.stringify(v)}`).join(' ') : '';
      write(`[${scope}] ${lvl === 'info' ? '' : lvl.toUpperCase() + ' '}${msg}${extra}`);
    }
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (sub) => createLogger(`${scope}:${sub}`, { level, json, write }),
  };
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : Math.abs(v) >= 1000 ? v.toFixed(1) : v.toPrecision(5);
}

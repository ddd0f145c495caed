import cliProgress from 'cli-progress';

/** A progress reporter: a bar on a TTY, periodic log lines otherwise, nothing when silent. */
export interface Progress {
  update(done: number, info?: Record<string, string | number>): void;
  stop(): void;
}

/**
 * Creates a progress reporter for `total` units of work labelled `label`.
 * On a TTY it draws a bar; elsewhere it prints a line at most every 10% of the work.
 */
export function createProgress(label: string, total: number, options: { stream?: NodeJS.WriteStream; silent?: boolean } = {}): Progress {
  const stream = options.stream ?? process.stderr;
  if (options.silent) return { update: () => undefined, stop: () => undefined };
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {percentage}% {value}/{total} {info}`, stream, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { info: '' });
    return {
      update: (done, info) => bar.update(done, { info: info ? Object.entries(info).map(([k, v]) => `${k}=${v}`).join(' ') : '' }),
      stop: () => bar.stop(),
    };
  }
  let lastDecile = -1;
  return {
    update: (done, info) => {
      const decile = total > 0 ? Math.floor((done / total) * 10) : 10;
      if (decile !== lastDecile) {
        lastDecile = decile;
        const extra = info ? ' ' + Object.entries(info).map(([k, v]) => `${k}=${v}`).join(' ') : '';
        stream.write(`${label}: ${done}/${total}${extra}\n`);
      }
    },
    stop: () => undefined,
  };
}

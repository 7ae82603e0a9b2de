/** CLI entry: the only place that writes to the terminal's exit code. */
import { STRATA_VERSION } from '../artifacts/versions.js';
import { InternalError, RunFailure, UserError } from '../errors.js';
import { createReporter, type Output, type Reporter } from './reporter.js';

/** Run the CLI with argv (without node and script); resolves to the exit code. */
export async function main(argv: string[], output: Output = defaultOutput()): Promise<number> {
  // A bare `--version` (what scripts probe) needs neither commander nor any command module.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    output.out(STRATA_VERSION);
    return 0;
  }
  // Commands load their own modules when they run (see program.ts).
  const { createProgram } = await import('./program.js');
  const { CommanderError } = await import('commander');
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  let reporter: Reporter | undefined;
  const program = createProgram({
    signal: controller.signal,
    reporter: () => {
      if (!reporter) {
        const opts = program.opts<{ logFormat?: string; color?: boolean }>();
        reporter = createReporter(opts.logFormat ?? 'text', output, opts.color !== false && !process.env.NO_COLOR && process.stdout.isTTY === true);
      }
      return reporter;
    },
  });
  program.configureOutput({ writeOut: (s) => output.out(s.trimEnd()), writeErr: (s) => output.err(s.trimEnd()) });
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    // commander already printed the message; help and version exit 0.
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    const r = reporter ?? createReporter(argv.includes('json') ? 'json' : 'text', output, false);
    return handleError(err, r, debug);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

function handleError(err: unknown, reporter: Reporter, debug: boolean): number {
  if (err instanceof UserError) {
    reporter.error(`error: ${err.format()}`);
    if (debug && err.stack) reporter.error(err.stack);
    return 2;
  }
  if (err instanceof RunFailure) {
    reporter.error(`error: ${err.message}`);
    return 1;
  }
  const message = err instanceof Error ? err.message : String(err);
  reporter.error(`internal error: ${message}\n  this is a bug in strata; rerun with --debug for details`);
  if (debug && err instanceof Error && err.stack) reporter.error(err.stack);
  return err instanceof InternalError ? err.exitCode : 2;
}

/**
 * Lines to stdout and stderr. A reader that goes away (`strata ls | head`) is not an error:
 * output stops, the command finishes its work and exits with its own code.
 */
function defaultOutput(): Output {
  let closed = false;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
    closed = true;
  });
  return {
    out: (line) => {
      if (!closed) process.stdout.write(line + '\n');
    },
    err: (line) => process.stderr.write(line + '\n'),
  };
}

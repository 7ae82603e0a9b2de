/** The commander program: commands, their flags (from the one flag table) and their actions. */
// Each action imports its api module when it runs (`await import(...)`), so `--version`,
// `--help` and every command load only what they use (nunjucks, ajv, yaml, the adapters).
import { Command, Option } from 'commander';
import { STRATA_VERSION } from '../artifacts/versions.js';
import type { RunSummary } from '../api/execute-selection.js';
import type { RunOptions } from '../api/options.js';
import type { ResourceType } from '../compiler/types.js';
import { RunFailure, UserError } from '../errors.js';
import { COMMON_FLAGS, FLAGS, GLOBAL_FLAGS, type FlagName, type FlagSpec, type ParsedFlags } from './options.js';
import type { Reporter } from './reporter.js';

export interface ProgramContext {
  /** Created once global flags are known. */
  reporter: () => Reporter;
  signal: AbortSignal;
}

function addFlag(cmd: Command, spec: FlagSpec): void {
  const opt = new Option(spec.flags, spec.description);
  if (spec.parse) opt.argParser(spec.parse as (v: string, p: unknown) => unknown);
  if (spec.defaultValue !== undefined) opt.default(spec.defaultValue);
  cmd.addOption(opt);
}

function command(program: Command, name: string, description: string, flags: FlagName[]): Command {
  const cmd = program.command(name).description(description);
  for (const flag of [...COMMON_FLAGS, ...flags]) addFlag(cmd, FLAGS[flag]);
  return cmd;
}

function toOptions(flags: ParsedFlags, ctx: ProgramContext): RunOptions {
  const reporter = ctx.reporter();
  return {
    projectDir: flags.projectDir,
    profilesDir: flags.profilesDir,
    target: flags.target,
    vars: flags.vars,
    threads: flags.threads,
    select: flags.select,
    exclude: flags.exclude,
    fullRefresh: flags.fullRefresh,
    failFast: flags.failFast,
    junitXml: flags.junitXml,
    signal: ctx.signal,
    onEvent: (e) => reporter.event(e),
  };
}

function finish(summary: RunSummary): void {
  if (summary.cancelled) throw new RunFailure('interrupted: the run was cancelled; relations not yet swapped in were left as they were');
  if (!summary.success) {
    const failed = summary.results.filter((r) => r.status === 'error' || r.status === 'fail').length;
    const report = summary.reportPath ? ` (validation report: ${summary.reportPath})` : '';
    throw new RunFailure(`${failed} node${failed === 1 ? '' : 's'} failed${report}`);
  }
}

const RUN_FLAGS: FlagName[] = ['threads', 'select', 'exclude', 'fullRefresh', 'failFast'];

/** Build the program. Actions throw typed errors; only main.ts turns them into exit codes. */
export function createProgram(ctx: ProgramContext): Command {
  const program = new Command('strata')
    .description('Declarative SQL models for analytics and ML feature pipelines')
    .version(STRATA_VERSION)
    .showSuggestionAfterError(true)
    .exitOverride();
  for (const spec of Object.values(GLOBAL_FLAGS)) addFlag(program, spec);

  command(program, 'build', 'load seeds, build models and run their tests in DAG order', [...RUN_FLAGS, 'junitXml']).action(
    async (flags: ParsedFlags) => finish(await (await import('../api/build.js')).build(toOptions(flags, ctx))),
  );
  command(program, 'test', 'run the selected data and unit tests (builds nothing)', [...RUN_FLAGS, 'junitXml']).action(
    async (flags: ParsedFlags) => finish(await (await import('../api/test.js')).test(toOptions(flags, ctx))),
  );
  command(program, 'run', 'build models (no seeds)', RUN_FLAGS).action(async (flags: ParsedFlags) =>
    finish(await (await import('../api/build.js')).run(toOptions(flags, ctx))),
  );
  command(program, 'seed', 'load seed CSV files', RUN_FLAGS).action(async (flags: ParsedFlags) =>
    finish(await (await import('../api/build.js')).seed(toOptions(flags, ctx))),
  );
  command(program, 'compile', 'render models to SQL under target/compiled (no warehouse access)', ['select', 'exclude']).action(
    async (flags: ParsedFlags) => {
      const { compile } = await import('../api/compile.js');
      const summary = await compile(toOptions(flags, ctx));
      ctx.reporter().line(`Compiled ${summary.count} nodes; manifest at ${summary.manifestPath}`);
    },
  );
  command(program, 'ls', 'list selected nodes', ['select', 'exclude', 'output', 'resourceType'])
    .alias('list')
    .action(async (flags: ParsedFlags) => {
      const format = flags.output ?? 'name';
      if (!['name', 'path', 'json'].includes(format)) {
        throw new UserError(`unknown --output '${format}'`, { hint: 'use one of: name, path, json' });
      }
      const { list } = await import('../api/list.js');
      const { formatListing } = await import('./list-format.js');
      const nodes = await list({ ...toOptions(flags, ctx), resourceTypes: flags.resourceType as ResourceType[] | undefined });
      ctx.reporter().lines(formatListing(nodes, format));
    });
  command(program, 'debug', 'show the resolved configuration and test the connection', []).action(async (flags: ParsedFlags) => {
    const { debug } = await import('../api/debug.js');
    const report = await debug(toOptions(flags, ctx));
    const r = ctx.reporter();
    r.line(`project:  ${report.projectDir} (${report.projectFile})`);
    r.line(`profiles: ${report.profilesFile} (profile ${report.profile}, target ${report.target})`);
    r.line(`adapter:  ${report.adapter}`);
    for (const [k, v] of Object.entries(report.settings)) if (v !== undefined) r.line(`  ${k}: ${String(v)}`);
    if (report.connection.ok) r.line(`connection: OK (${report.connection.server})`);
    else throw new UserError(`connection test failed: ${report.connection.error}`, { file: report.profilesFile, hint: 'check the target settings in profiles.yml' });
  });
  command(program, 'clean', 'delete the clean-targets (default: target/)', []).action(async (flags: ParsedFlags) => {
    const { clean } = await import('../api/clean.js');
    const removed = await clean(toOptions(flags, ctx));
    ctx.reporter().line(removed.length ? `Removed ${removed.join(', ')}` : 'Nothing to clean');
  });
  const source = program.command('source').description('commands on sources');
  command(source, 'freshness', 'check how recently each source was loaded; writes target/sources.json', ['select', 'exclude']).action(
    async (flags: ParsedFlags) => {
      const { sourceFreshness } = await import('../sources/freshness.js');
      const { formatFreshness } = await import('../sources/freshness-format.js');
      const summary = await sourceFreshness(toOptions(flags, ctx));
      for (const line of formatFreshness(summary)) ctx.reporter().line(line);
      const bad = summary.results.filter((r) => r.status === 'error' || r.status === 'runtime error').length;
      if (!summary.success) throw new RunFailure(`${bad} source${bad === 1 ? '' : 's'} stale or not checked`);
    },
  );
  return program;
}

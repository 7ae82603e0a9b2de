/** Every CLI flag, declared once; commands list the flags they take. */
import { InvalidArgumentError } from 'commander';

export interface FlagSpec {
  flags: string;
  description: string;
  parse?: (value: string, previous: unknown) => unknown;
  defaultValue?: unknown;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

/** Repeatable flags collect their values; each value may hold several space-separated selectors. */
function collect(value: string, previous: unknown): string[] {
  return [...((previous as string[] | undefined) ?? []), value];
}

export const FLAGS = {
  projectDir: { flags: '--project-dir <dir>', description: 'project directory (default: current directory)' },
  profilesDir: { flags: '--profiles-dir <dir>', description: 'where to look for profiles.yml first' },
  target: { flags: '-t, --target <name>', description: 'profile target to use' },
  vars: { flags: '--vars <yaml>', description: "variables as YAML or JSON, e.g. '{start: 2025-01-01}'" },
  threads: { flags: '--threads <n>', description: 'number of nodes to run at once', parse: positiveInt },
  select: { flags: '-s, --select <selector...>', description: 'nodes to include (dbt selection syntax)', parse: collect },
  exclude: { flags: '--exclude <selector...>', description: 'nodes to leave out', parse: collect },
  fullRefresh: { flags: '--full-refresh', description: 'rebuild incremental models from scratch' },
  failFast: { flags: '-x, --fail-fast', description: 'stop at the first failure' },
  output: { flags: '--output <format>', description: 'name | path | json', defaultValue: 'name' },
  resourceType: { flags: '--resource-type <type...>', description: 'only these resource types', parse: collect },
  junitXml: { flags: '--junit-xml <path>', description: 'also write the results as JUnit XML (for CI)' },
} satisfies Record<string, FlagSpec>;

export type FlagName = keyof typeof FLAGS;

/** Options every command takes (besides its own). */
export const COMMON_FLAGS: FlagName[] = ['projectDir', 'profilesDir', 'target', 'vars'];

/** Global flags, declared on the program. */
export const GLOBAL_FLAGS = {
  debug: { flags: '--debug', description: 'print stack traces for errors' },
  logFormat: { flags: '--log-format <format>', description: 'text | json (one JSON event per line)', defaultValue: 'text' },
  noColor: { flags: '--no-color', description: 'plain output' },
} satisfies Record<string, FlagSpec>;

/** Parsed flag values, as commander gives them (camelCase). */
export interface ParsedFlags {
  projectDir?: string;
  profilesDir?: string;
  target?: string;
  vars?: string;
  threads?: number;
  select?: string[];
  exclude?: string[];
  fullRefresh?: boolean;
  failFast?: boolean;
  output?: string;
  resourceType?: string[];
  junitXml?: string;
}

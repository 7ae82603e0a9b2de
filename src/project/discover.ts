/**
 * Find and read the project's files: one directory walk per configured path, each file
 * read once, results sorted so every run sees the same order.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FileStamps } from './file-stamps.js';
import type { Project, ProjectConfig, ProjectFile } from './types.js';

/** Every file the later stages need, by kind (the shape of Project['files']). */
export type DiscoveredFiles = Required<Project['files']>;

type Kind = keyof DiscoveredFiles;
/** Extension → kind, per path list. */
type Rules = Record<string, Kind>;

const YAML_RULES: Rules = { '.yml': 'propertyFiles', '.yaml': 'propertyFiles' };

/**
 * Walk model, seed, macro, test, snapshot and docs paths and read what they hold. Files whose
 * stat facts match `<target>/.strata-cache/file-stamps.json` are not read until their content
 * is asked for (see file-stamps.ts).
 */
export function discoverFiles(root: string, config: ProjectConfig): DiscoveredFiles {
  const plan: Array<[string[], Rules]> = [
    [config.modelPaths, { '.sql': 'models', '.md': 'docs', ...YAML_RULES }],
    [config.seedPaths, { '.csv': 'seeds', ...YAML_RULES }],
    [config.macroPaths, { '.sql': 'macros', ...YAML_RULES }],
    [config.testPaths, { '.sql': 'tests', ...YAML_RULES }],
    [config.snapshotPaths, { '.sql': 'snapshots', ...YAML_RULES }],
    [config.docsPaths, { '.md': 'docs' }],
  ];
  const out: DiscoveredFiles = { models: [], seeds: [], macros: [], tests: [], snapshots: [], docs: [], propertyFiles: [] };
  // A folder listed under two path kinds (docs-paths: [models]) must not yield a file twice.
  const seen = new Set<string>();
  const skip = new Set([resolve(root, config.targetPath)]);
  const rootSlash = root.endsWith('/') ? root : `${root}/`; // join() per file costs ~1 µs: root is already resolved
  const stamps = FileStamps.read(join(resolve(root, config.targetPath), '.strata-cache', 'file-stamps.json'));
  for (const [dirs, rules] of plan) {
    for (const dir of dirs) {
      const base = dir === '.' ? '' : `${dir}/`;
      for (const relPath of listFiles(resolve(root, dir), skip)) {
        const kind = rules[extensionOf(relPath)];
        if (!kind) continue;
        const path = base + relPath;
        const key = `${kind}:${path}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out[kind].push(stamps.file(path, path.startsWith('.') || path.includes('/.') ? join(root, path) : `${rootSlash}${path}`, relPath));
      }
    }
  }
  for (const list of Object.values(out) as ProjectFile[][]) list.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  stamps.save();
  return out;
}

/**
 * Files under `dir` as forward-slash paths relative to it, skipping dotfiles,
 * node_modules and the target folder. A missing folder yields nothing.
 */
function listFiles(dir: string, skip: Set<string>): string[] {
  const out: string[] = [];
  const walk = (abs: string, rel: string): void => {
    let entries;
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const childAbs = `${abs}/${e.name}`;
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      const isDir = e.isDirectory() || (e.isSymbolicLink() && isDirectory(childAbs));
      if (isDir) {
        if (!skip.has(childAbs)) walk(childAbs, childRel);
      } else {
        out.push(childRel);
      }
    }
  };
  walk(dir, '');
  return out;
}

/** The lower-cased extension with its dot ('' when none), like path.extname. */
function extensionOf(path: string): string {
  const dot = path.lastIndexOf('.');
  const slash = path.lastIndexOf('/');
  return dot > slash + 1 ? path.slice(dot).toLowerCase() : '';
}

function isDirectory(abs: string): boolean {
  try {
    return statSync(abs).isDirectory();
  } catch {
    return false;
  }
}

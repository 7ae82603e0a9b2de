/** Writing compiled SQL under target/compiled. */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { sha256 } from '../util/hash.js';
import type { CompiledRef } from './node-facts.js';
import type { Manifest } from './types.js';
import { WrittenIndex } from './written-index.js';


/**
 * Write the compiled_code of `ids` (default: every node) to
 * `<targetPath>/compiled/<project>/<original_file_path>`; tests declared in YAML carry their own
 * compiled_path. Files whose content is unchanged since the last write are left alone (see
 * written-index.ts: `.written.json` remembers hashes and settled directories).
 * `targetPath` is relative to `projectRoot` (or absolute). Returns the number of files written.
 * `facts.compiled` (compiled_path and SQL hash per node, null = no SQL) spares reading unchanged nodes;
 * `token` names that whole set (a compile cache entry id): once every file of it is written and
 * its directories are unchanged, a later call with the same token checks nothing file by file;
 * `since` (a patched entry: its base and the nodes that differ) lets it check only those.
 */
export function writeCompiled(
  manifest: Manifest,
  projectRoot: string,
  targetPath: string,
  ids?: Iterable<string>,
  facts?: { readonly compiled: ReadonlyMap<string, CompiledRef | null> },
  token?: string,
  since?: { token: string; changed: readonly string[] },
): number {
  const compiledRoot = resolve(projectRoot, targetPath, 'compiled');
  const base = resolve(compiledRoot, manifest.projectName);
  const index = new WrittenIndex(compiledRoot);
  const complete = facts && token !== undefined ? token : undefined;
  if (complete !== undefined && index.isComplete(complete)) return 0;
  const known = facts?.compiled; // read only now: on a cache hit it is parsed on first read
  let covered = 0;
  let todo: Iterable<string> = ids ?? Object.keys(manifest.nodes);
  // `token` is `since.token` with only `since.changed` different: when every file of that compile
  // is in place and all of them are wanted, only the changed ones need a look.
  let inherited = false;
  if (complete !== undefined && since && index.isComplete(since.token)) {
    const wanted = ids === undefined ? undefined : new Set(ids);
    let all = true;
    if (wanted) for (const [id, fact] of known!) if (fact && !wanted.has(id)) all = false;
    if (all) {
      index.inherit(since.token);
      todo = since.changed;
      inherited = true;
    }
  }
  // A compile with another token (a cold compile, say) whose files and SQL are those of the
  // recorded complete compile: confirmed by directory mtimes, as a token match is.
  let digest: string | undefined;
  if (complete !== undefined && !inherited && index.completeDigest() !== undefined) {
    digest = compiledDigest(known!);
    if (digest !== undefined && index.adoptIfSame(complete, digest)) return 0;
  }
  const made = new Set<string>();
  // compiled_path is usually `<targetPath>/compiled/<key>`: its key is then a slice, not two path resolutions.
  const prefix = isPlainRelative(targetPath) ? `${targetPath.replace(/\/+$/, '')}/compiled/` : undefined;
  let written = 0;
  for (const id of todo) {
    const fact = known?.get(id);
    if (fact === null) continue;
    if (fact) covered += 1;
    const node = fact ? undefined : manifest.nodes[id];
    if (!fact && node?.compiled_code === undefined) continue;
    const compiledPath = fact ? fact.path : node!.compiled_path;
    let key: string;
    let file: string;
    const rest = prefix !== undefined && compiledPath?.startsWith(prefix) ? compiledPath.slice(prefix.length) : undefined;
    if (rest !== undefined && isPlainKey(rest)) {
      key = rest;
      file = `${compiledRoot}/${key}`;
    } else {
      file = compiledPath ? resolve(projectRoot, compiledPath) : resolve(base, (node ?? manifest.nodes[id]!).original_file_path);
      key = relative(compiledRoot, file);
    }
    const hash = fact ? fact.hash : sha256(node!.compiled_code!);
    if (inherited) index.assumeChanged(key, hash, file); // patched since a complete compile: rewrite
    else if (index.unchanged(key, hash, file)) continue;
    const code = (node ?? manifest.nodes[id]!).compiled_code!;
    const dir = dirname(file);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    writeFileSync(file, code);
    index.wrote(file);
    written += 1;
  }
  const all = complete !== undefined && (inherited || covered === countWithSql(known!));
  // A patched compile (inherited) records no digest: computing it would read every node's facts.
  if (all && !inherited) digest ??= compiledDigest(known!);
  index.save(all ? complete : undefined, all && !inherited ? digest : undefined);
  return written;
}

/** A relative POSIX path without empty, `.` or `..` segments (so slicing equals resolving). */
function isPlainRelative(path: string): boolean {
  if (isAbsolute(path) || path.includes('\\')) return false;
  return path.replace(/\/+$/, '').split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

/** No empty, `.` or `..` segment, no backslash: `<compiledRoot>/<key>` is then already resolved. */
function isPlainKey(key: string): boolean {
  return key !== '' && !key.startsWith('.') && !key.endsWith('/') && !key.includes('/.') && !key.includes('//') && !key.includes('\\');
}

/**
 * sha256 over every compiled_path and SQL hash of a compile, in order (undefined when a node has
 * SQL but no compiled_path: its file is found through the node). Equal digests: the same files
 * with the same SQL.
 */
export function compiledDigest(known: ReadonlyMap<string, CompiledRef | null>): string | undefined {
  const hash = createHash('sha256');
  // Joined in batches: one string of 40k concatenations costs more to flatten than it takes to hash.
  let parts: string[] = [];
  let size = 0;
  for (const fact of known.values()) {
    if (!fact) continue;
    if (fact.path === undefined) return undefined;
    parts.push(fact.path, fact.hash);
    size += fact.path.length;
    if (size > DIGEST_BATCH) {
      hash.update(`${parts.join('\0')}\n`);
      parts = [];
      size = 0;
    }
  }
  return hash.update(parts.join('\0')).digest('hex');
}

/** Path characters joined per update() in compiledDigest. */
const DIGEST_BATCH = 1 << 16;

function countWithSql(known: ReadonlyMap<string, CompiledRef | null>): number {
  let n = 0;
  for (const fact of known.values()) if (fact) n += 1;
  return n;
}

/**
 * A compile cache miss where only model files' SQL changed: instead of compiling the project
 * again, the stored entry is patched. Each changed model is rendered again (parse, then execute
 * mode) in a context built from the stored manifest; the patch applies only when what the model
 * tells the rest of the project is unchanged — its refs and sources (so the graph), its own
 * config() calls (so its config and relation, hence every dependent's SQL and every test on it) —
 * and it is not ephemeral, reads no ephemeral model and has no unit test (those embed its SQL
 * elsewhere). Then its raw code, checksum, macros and compiled SQL are replaced, and the entry is
 * written again by copying every other node's bytes. Anything else (a new file, a YAML, macro,
 * seed, var, config, profile or env change, a new ref, an unknown one, a render error) returns
 * false: the caller compiles the whole project, which also reports errors the usual way.
 */
import { readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { nodeArtifact } from '../artifacts/manifest.js';
import { writeFileAtomic } from '../artifacts/write.js';
import type { Project } from '../project/types.js';
import { FORMAT, readEntry, readHeader, rewriteIndex, type EntryHeader } from './cache-entry.js';
import { recordingEnv, type KeyParts } from './cache.js';
import type { CompileOptions } from './compile.js';
import { installContext, type RenderNode, type RenderState } from './context.js';
import { parseDocBlocks, docText } from './docs.js';
import { compileTemplate, createEnvironment, renderTemplate } from './environment.js';
import { loadMacros, macrosCalledIn, type MacroRegistry } from './macros.js';
import { relationValue } from './relations.js';
import type { ManifestNode } from './types.js';

const INPUTS = 'inputs.json';
/** More changed files than this: compile the project (a patch re-reads the body per file). */
const MAX_CHANGED = 50;

/** Remember the key parts of entry `id` (what a later patch compares with). */
export function writeInputs(cacheDir: string, id: string, parts: KeyParts): void {
  try {
    writeFileAtomic(join(cacheDir, INPUTS), (fd) => writeSync(fd, JSON.stringify({ id, global: parts.global, models: parts.models })));
  } catch {
    // only loses patching
  }
}

/** Thrown inside a render to abandon the patch (a ref or source the stored manifest cannot answer); caught with any render error. */
class NoPatch extends Error {}

/**
 * Patch the entry in `cacheDir` to `parts`; true when the entry for `parts.key` is now stored.
 * `project` may have lazy properties: a patch never reads them.
 */
export function patchEntry(cacheDir: string, parts: KeyParts, project: Project, options: CompileOptions & { targetPath: string }): boolean {
  const env = options.env ?? process.env;
  const found = readHeader(cacheDir);
  if (!found) return false;
  let stored: { id: string; global: string; models: Record<string, string> };
  try {
    stored = JSON.parse(readFileSync(join(cacheDir, INPUTS), 'utf8')) as typeof stored;
  } catch {
    return false;
  }
  const { header } = found;
  if (stored.id !== header.id || stored.global !== parts.global) return false;
  const paths = Object.keys(parts.models);
  if (paths.length !== Object.keys(stored.models).length) return false;
  const changed = paths.filter((p) => stored.models[p] !== parts.models[p]);
  if (changed.length === 0 || changed.length > MAX_CHANGED || changed.some((p) => stored.models[p] === undefined)) return false;
  for (const [name, value] of Object.entries(header.env)) if ((env[name] ?? null) !== value) return false;
  const entry = readEntry(cacheDir, header, found.rest);
  if (!entry) return false;
  const { manifest, facts } = entry;
  const parsed = new Map<string, ManifestNode>();
  const nodeOf = (id: string): ManifestNode => {
    let node = parsed.get(id);
    if (!node) parsed.set(id, (node = entry.node(id)!));
    return node;
  };

  const byPath = new Map<string, string>();
  const byName = new Map<string, string>();
  for (const [id, s] of facts.summaries) {
    byPath.set(s.original_file_path, id);
    const type = facts.info.get(id)!.resource_type;
    if (type === 'model' || type === 'seed') byName.set(s.name, id);
  }
  const unitTested = new Set<string>();
  for (const info of facts.info.values()) if (info.resource_type === 'unit_test' && info.attached_node) unitTested.add(info.attached_node);
  const isEphemeral = (id: string) => facts.summaries.get(id)?.materialized === 'ephemeral';
  const sourceIds = new Map(Object.values(manifest.sources).map((s) => [`${s.source_name}.${s.name}`, s.unique_id]));

  const reads: Record<string, string | null> = { ...header.env };
  const recording = recordingEnv(env, reads);
  const nunjucksEnv = createEnvironment();
  const state: RenderState = { mode: 'parse' };
  const docs = parseDocBlocks(project);
  let macros: MacroRegistry = { nodes: new Map(), functions: new Map() };
  installContext(nunjucksEnv, {
    project,
    dialect: options.dialect,
    invocationId: options.invocationId,
    runStartedAt: options.runStartedAt,
    env: recording,
    resolveRef: (name, pkgName) => {
      const id = pkgName === undefined || pkgName === project.config.name ? byName.get(name) : undefined;
      if (id === undefined || isEphemeral(id)) throw new NoPatch();
      return relationValue(nodeOf(id).relation, options.dialect);
    },
    resolveSource: (src, table) => {
      const id = sourceIds.get(`${src}.${table}`);
      if (id === undefined) throw new NoPatch();
      return relationValue(manifest.sources[id]!.relation, options.dialect);
    },
    macro: (name) => macros.functions.get(name),
    macroNames: () => macros.functions.keys(),
    doc: (name, from) => docText(docs, name, from?.file),
  }, state);
  const replaced = new Map<string, ManifestNode>();
  try {
    macros = loadMacros(nunjucksEnv, project);
    for (const path of changed) {
      const id = byPath.get(path);
      if (id === undefined || facts.info.get(id)?.resource_type !== 'model' || isEphemeral(id) || unitTested.has(id)) return false;
      if (facts.info.get(id)!.depends_on.some(isEphemeral)) return false;
      const file = project.files.models.find((f) => f.path === path)!;
      const node = patchedNode(nodeOf(id), file.content, file.checksum, nunjucksEnv, state, macros, options);
      if (!node) return false;
      replaced.set(id, node);
    }
  } catch {
    return false; // NoPatch, or a render error: the full compile reports it with its usual context
  } finally {
    state.current = undefined;
    entry.release();
  }
  const next: EntryHeader = {
    format: FORMAT, key: parts.key, id: randomUUID(), env: reads, diagnostics: header.diagnostics, since: { token: header.id, changed: [...replaced.keys()] },
  };
  const artifacts = new Map([...replaced].map(([id, node]) => [id, JSON.stringify(nodeArtifact(node, options.dialect))]));
  if (!rewriteIndex(cacheDir, found, next, artifacts, replaced)) return false;
  writeInputs(cacheDir, next.id, parts);
  return true;
}

/** The stored node with its new code, or undefined when more than its code changed. */
function patchedNode(
  previous: ManifestNode,
  raw: string,
  checksum: string,
  env: ReturnType<typeof createEnvironment>,
  state: RenderState,
  macros: MacroRegistry,
  options: CompileOptions,
): ManifestNode | undefined {
  const work: RenderNode = {
    name: previous.name, uniqueId: previous.unique_id, resourceType: 'model', file: previous.original_file_path, raw,
    refs: [], sources: [], inlineConfig: {},
  };
  const template = compileTemplate(env, raw, previous.original_file_path);
  state.mode = 'parse';
  state.current = work;
  renderTemplate(template, work.file);
  const names = (refs: ManifestNode['refs']) => JSON.stringify(refs.map((r) => [r.name, r.package ?? null]));
  if (names(work.refs) !== names(previous.refs)) return undefined;
  if (JSON.stringify(work.sources) !== JSON.stringify(previous.sources)) return undefined;
  // Key order too: the resolved config keeps the order of the calls.
  if (previous.inline_config === undefined || JSON.stringify(work.inlineConfig) !== JSON.stringify(previous.inline_config)) return undefined;
  work.config = previous.config;
  work.self = relationValue(previous.relation, options.dialect);
  state.mode = 'execute';
  const compiled = renderTemplate(template, work.file);
  return {
    ...previous,
    raw_code: raw,
    checksum: { name: 'sha256', checksum },
    refs: work.refs,
    depends_on: { nodes: previous.depends_on.nodes, macros: macrosCalledIn(raw, macros) },
    inline_config: work.inlineConfig,
    compiled_code: compiled,
  };
}


import { createAdapter } from '../adapters/registry.js';
import { loadProject } from '../project/load.js';
import type { CommonOptions } from './options.js';

export interface DebugReport {
  projectDir: string;
  projectFile: string;
  profilesFile: string;
  profile: string;
  target: string;
  adapter: string;
  /** Target settings safe to print (no password). */
  settings: Record<string, unknown>;
  connection: { ok: true; server: string } | { ok: false; error: string };
}

/** `strata debug`: show the resolved config and check the warehouse connection. */
export async function debug(options: CommonOptions = {}): Promise<DebugReport> {
  const project = await loadProject(options);
  const { password: _password, extra: _extra, file, ...settings } = project.target;
  let connection: DebugReport['connection'];
  try {
    const adapter = await createAdapter(project.target);
    try {
      connection = { ok: true, server: await adapter.ping() };
    } finally {
      await adapter.close();
    }
  } catch (err) {
    connection = { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  return {
    projectDir: project.root,
    projectFile: project.config.file,
    profilesFile: file,
    profile: project.target.profile,
    target: project.target.name,
    adapter: project.target.type,
    settings: { ...settings, password: project.target.password ? '********' : undefined },
    connection,
  };
}

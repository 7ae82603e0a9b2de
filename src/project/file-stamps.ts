/**
 * File stamps: per project file, the stat facts (size, mtime, ctime, inode) under which its
 * checksum was computed, kept in `<target>/.strata-cache/file-stamps.json`. A file whose stat
 * facts are unchanged gets its checksum from the stamp and its content read only when asked
 * for, so an unchanged 10,000-model project is checked with 10,000 stats instead of 10,000
 * reads and hashes (git's index works the same way).
 *
 * A file modified less than RACY_MS before it was stamped is not stamped: an edit within the
 * same clock tick would keep every stat fact (git's "racily clean" problem). Content read later
 * is checked against the stamped checksum; a file that changed in between is an error, never a
 * silently mixed-up compile.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from '../errors.js';
import { sha256 } from '../util/hash.js';
import type { ProjectFile } from './types.js';

const FORMAT = 'strata-file-stamps/1';
const RACY_MS = 2000;
/** Names whose values differ on every run (see compiler/cache.ts): recorded per file. */
const PER_RUN = /\b(run_started_at|invocation_id)\b/;

/** size, mtimeMs, ctimeMs, ino, checksum, per-run flag (0/1). */
type Stamp = [number, number, number, number, string, number];

export class FileStamps {
  private readonly stamps: Record<string, Stamp>;
  private readonly next: Record<string, Stamp> = {};
  private changed = false;

  private constructor(
    private readonly stampFile: string,
    stamps: Record<string, Stamp> | undefined,
  ) {
    this.stamps = stamps ?? {};
    this.changed = stamps === undefined;
  }

  /** The stamps stored at `file` (none when missing or unreadable). */
  static read(file: string): FileStamps {
    try {
      const stored = JSON.parse(readFileSync(file, 'utf8')) as { format: string; files: Record<string, Stamp> };
      return new FileStamps(file, stored.format === FORMAT ? stored.files : undefined);
    } catch {
      return new FileStamps(file, undefined);
    }
  }

  /** A ProjectFile for `absPath`: from its stamp when its stat facts match, else read and hashed. */
  file(path: string, absPath: string, relPath: string): ProjectFile {
    let stats: Stats | undefined;
    try {
      stats = statSync(absPath);
    } catch {
      stats = undefined; // vanished since listed: reading reports it
    }
    const stamp = this.stamps[path];
    if (stats && stamp && stamp[0] === stats.size && stamp[1] === stats.mtimeMs && stamp[2] === stats.ctimeMs && stamp[3] === stats.ino) {
      this.next[path] = stamp;
      return lazyFile(path, absPath, relPath, stamp[4], stamp[5] === 1);
    }
    const content = readFileSync(absPath, 'utf8');
    const checksum = sha256(content);
    const perRun = PER_RUN.test(content);
    if (stats && stats.mtimeMs < Date.now() - RACY_MS) this.next[path] = [stats.size, stats.mtimeMs, stats.ctimeMs, stats.ino, checksum, perRun ? 1 : 0];
    this.changed = true;
    return { path, absPath, relPath, content, checksum, perRun };
  }

  /** Write the stamps of the files seen, when they differ from what was read. Failure only loses speed. */
  save(): void {
    if (!this.changed && Object.keys(this.next).length === Object.keys(this.stamps).length) return;
    try {
      mkdirSync(dirname(this.stampFile), { recursive: true });
      writeFileSync(this.stampFile, JSON.stringify({ format: FORMAT, files: this.next }));
    } catch {
      // read-only target: stamps are an optimisation
    }
  }
}

/** A ProjectFile whose content is read on first access and checked against its checksum. */
function lazyFile(path: string, absPath: string, relPath: string, checksum: string, perRun: boolean): ProjectFile {
  const file = { path, absPath, relPath, checksum, perRun } as ProjectFile;
  Object.defineProperty(file, 'content', {
    enumerable: true,
    configurable: true,
    get() {
      const content = readFileSync(absPath, 'utf8');
      if (sha256(content) !== checksum) {
        throw new UserError(`${path} changed while Strata was reading the project`, { file: path, hint: 'run the command again' });
      }
      Object.defineProperty(file, 'content', { value: content, writable: true, enumerable: true, configurable: true });
      return content;
    },
    set(value: string) {
      Object.defineProperty(file, 'content', { value, writable: true, enumerable: true, configurable: true });
    },
  });
  return file;
}

/**
 * `target/compiled/.written.json`: what writeCompiled wrote (file key → sha256 of its SQL) and,
 * per directory, its mtime once settled. A directory whose mtime is unchanged has lost no file
 * since (removing or renaming an entry changes it), so an unchanged compile checks a directory
 * with one stat instead of listing it. A directory modified less than RACY_MS before it was
 * recorded is not recorded (a later change within the same clock tick would go unseen): it is
 * listed again next time.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

const FILE = '.written.json';
const RACY_MS = 2000;
/** A directory whose recorded files all still exist. */
const SETTLED = true;

interface Stored {
  files: Record<string, string>;
  /** Directory (relative to the compiled root, or absolute outside it) → mtimeMs when recorded. */
  dirs: Record<string, number>;
}

export class WrittenIndex {
  private readonly path: string;
  private readonly stored: Stored;
  private readonly found: boolean;
  /** Files written or re-hashed this run (key → hash). */
  private readonly updates = new Map<string, string>();
  /** Directories looked at this run: settled, or their listing. */
  private readonly seen = new Map<string, typeof SETTLED | Set<string>>();
  /** Directories written into (or listed) this run. */
  private readonly touched = new Set<string>();
  /** Files written this run. */
  private readonly writtenFiles = new Set<string>();

  constructor(private readonly root: string) {
    this.path = `${root}/${FILE}`;
    let stored: Stored | undefined;
    try {
      const raw = JSON.parse(readFileSync(this.path, 'utf8')) as Partial<Stored> | Record<string, string>;
      // The first format was the plain file map.
      stored = typeof raw.files === 'object' && raw.files !== null ? { files: raw.files as Record<string, string>, dirs: (raw as Stored).dirs ?? {} } : { files: raw as Record<string, string>, dirs: {} };
    } catch {
      stored = undefined;
    }
    this.found = stored !== undefined;
    this.stored = stored ?? { files: {}, dirs: {} };
  }

  /** Whether `key` was last written with `hash` and its file (absolute path) is still there. */
  unchanged(key: string, hash: string, file: string): boolean {
    if (this.stored.files[key] !== hash) {
      this.updates.set(key, hash);
      return false;
    }
    const dir = dirname(file);
    let state = this.seen.get(dir);
    if (state === undefined) {
      state = this.settled(dir) ? SETTLED : this.list(dir);
      this.seen.set(dir, state);
    }
    return state === SETTLED || state.has(basename(file));
  }

  /** Record that `file` was written (after `unchanged` said no). */
  wrote(file: string): void {
    this.touched.add(dirname(file));
    this.writtenFiles.add(file);
  }

  /** Save when anything changed (or there was no index). */
  save(): void {
    let dirty = !this.found || this.updates.size > 0;
    const now = Date.now();
    const listed = new Map<string, Set<string>>();
    for (const [dir, state] of this.seen) {
      if (state === SETTLED) continue;
      listed.set(dir, state);
      this.touched.add(dir);
    }
    // A listed directory is recorded as complete below: forget files it no longer holds (not
    // selected this run, so not rewritten), or a later run would trust them to exist.
    if (listed.size > 0) {
      for (const key of Object.keys(this.stored.files)) {
        const file = resolve(this.root, key);
        const names = listed.get(dirname(file));
        if (names && !names.has(basename(file)) && !this.updates.has(key) && !this.writtenFiles.has(file)) {
          delete this.stored.files[key];
          dirty = true;
        }
      }
    }
    for (const dir of this.touched) {
      const key = this.dirKey(dir);
      const mtime = mtimeOf(dir);
      const settled = mtime !== undefined && mtime < now - RACY_MS ? mtime : undefined;
      if (this.stored.dirs[key] === settled) continue;
      dirty = true;
      if (settled === undefined) delete this.stored.dirs[key];
      else this.stored.dirs[key] = settled;
    }
    if (!dirty) return;
    for (const [key, hash] of this.updates) this.stored.files[key] = hash;
    mkdirSync(this.root, { recursive: true });
    writeFileSync(this.path, JSON.stringify(this.stored));
  }

  private settled(dir: string): boolean {
    const recorded = this.stored.dirs[this.dirKey(dir)];
    return recorded !== undefined && mtimeOf(dir) === recorded;
  }

  private list(dir: string): Set<string> {
    try {
      return new Set(readdirSync(dir));
    } catch {
      return new Set();
    }
  }

  private dirKey(dir: string): string {
    return dir.startsWith(`${this.root}/`) ? dir.slice(this.root.length + 1) : dir;
  }
}

function mtimeOf(dir: string): number | undefined {
  try {
    return statSync(dir).mtimeMs;
  } catch {
    return undefined;
  }
}

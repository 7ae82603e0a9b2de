/**
 * `target/compiled/.written.json`: what writeCompiled wrote (file key → sha256 of its SQL) and,
 * per directory, its mtime once settled. A directory whose mtime is unchanged has lost no file
 * since (removing or renaming an entry changes it), so an unchanged compile checks a directory
 * with one stat instead of listing it. A directory modified less than RACY_MS before it was
 * recorded is not recorded (a later change within the same clock tick would go unseen): it is
 * listed again next time. Line 1 holds the directories (and which compile was written
 * completely), line 2 the file hashes, line 3 (optional) hashes written since line 2 was last
 * rewritten: `isComplete` reads no file hash, and a run that writes a few files rewrites none.
 */
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

const FILE = '.written.json';
const RACY_MS = 2000;
/** Hashes kept on line 3 before they are folded into line 2. */
const MAX_OVERRIDES = 1000;
/** A directory whose recorded files all still exist. */
const SETTLED = true;

interface Header {
  /** Directory (relative to the compiled root, or absolute outside it) → mtimeMs when recorded. */
  dirs: Record<string, number>;
  /**
   * Directories still within the racy window when recorded: mtimeMs and entry count then. Trusted
   * later once the mtime is old enough and both are unchanged (a removal in the same clock tick as
   * the recording keeps the mtime but not the count).
   */
  pending?: Record<string, [number, number]>;
  /**
   * Every file of the compile `token` names was written, into these directories. `digest`
   * (compiledDigest of that compile, when known) lets a later compile with another token but
   * the same files and SQL be confirmed by directory mtimes alone (a cold compile of an
   * unchanged project).
   */
  complete?: { token: string; dirs: string[]; digest?: string };
}

interface Stored extends Header {
  files: Record<string, string>;
}

export class WrittenIndex {
  private readonly path: string;
  private stored: Stored;
  private found: boolean;
  /** Files written or re-hashed this run (key → hash). */
  private readonly updates = new Map<string, string>();
  /** Directories looked at this run: settled, or their listing. */
  private readonly seen = new Map<string, typeof SETTLED | Set<string>>();
  /** Directories written into (or listed) this run. */
  private readonly touched = new Set<string>();
  /** Files written this run. */
  private readonly writtenFiles = new Set<string>();
  /** Directories of every file checked this run. */
  private readonly dirsOfRun = new Set<string>();
  /** The directory of the previous file checked, and its state: files come grouped by directory. */
  private lastDir?: string;
  private lastState?: typeof SETTLED | Set<string>;
  /** Stored keys in their order, and where the next lookup is expected: compiles check files in the order they were recorded. */
  private order?: { keys: string[]; next: number; at?: Map<string, number> };
  /** Line 3 as stored (hashes written since line 2), once parsed. */
  private storedOverrides?: Record<string, string>;
  /** The file's bytes after line 1, read once: [line 2 start, line 2 end (line 3 start - 1), end]. */
  private raw?: { bytes: Buffer; first: number; second: number };

  constructor(private readonly root: string) {
    this.path = `${root}/${FILE}`;
    this.stored = { dirs: {}, files: {} };
    const head = readHead(this.path);
    this.found = head !== undefined;
    if (head === undefined) return;
    try {
      if (head.complete) {
        this.stored = { ...(JSON.parse(head.line) as Header), files: {} };
        this.lines = true;
        // Lines 2 and 3 are parsed only when a file must be checked one by one.
        this.parseFiles = () => {
          const { base, overrides } = this.rest();
          this.storedOverrides = { ...overrides };
          return Object.assign(JSON.parse(base) as Record<string, string>, overrides);
        };
      } else {
        const files = JSON.parse(head.line) as Record<string, string>; // the first format: the file map alone
        this.parseFiles = () => files;
      }
    } catch {
      this.found = false;
    }
  }

  /** Parses the file hashes on first need. */
  private parseFiles?: () => Record<string, string>;
  /** The file has the line layout (not the first format's single map). */
  private lines = false;

  /** Line 2 (base hashes) as text and line 3 (hashes written since) parsed. */
  private rest(): { base: string; overrides: Record<string, string> } {
    const { bytes, first, second } = this.readRaw();
    const base = bytes.toString('utf8', first + 1, second < 0 ? bytes.length : second);
    const overrides = second < 0 ? {} : (JSON.parse(bytes.toString('utf8', second + 1)) as Record<string, string>);
    return { base, overrides };
  }

  /** The stored bytes (read once per run; this run writes the file only in save). */
  private readRaw(): { bytes: Buffer; first: number; second: number } {
    if (!this.raw) {
      const bytes = readFileSync(this.path);
      const first = bytes.indexOf(10);
      this.raw = { bytes, first, second: first < 0 ? -1 : bytes.indexOf(10, first + 1) };
    }
    return this.raw;
  }

  /** The bytes after line 1 (lines 2 and 3, as stored), or undefined when there is no line 2. */
  private restBytes(): Buffer | undefined {
    const { bytes, first } = this.readRaw();
    return first < 0 ? undefined : bytes.subarray(first + 1);
  }

  /** Line 2 as stored (without its newline), or undefined when there is no line 2. */
  private baseBytes(): Buffer | undefined {
    const { bytes, first, second } = this.readRaw();
    return first < 0 ? undefined : bytes.subarray(first + 1, second < 0 ? bytes.length : second);
  }

  /**
   * The stored hash of `key`. Keys are looked up in the order they were stored when they come in
   * that order (an equal-string test instead of a dictionary lookup by a fresh string).
   */
  private storedHash(key: string): string | undefined {
    const files = this.files;
    const order = (this.order ??= { keys: Object.keys(files), next: 0 });
    const { keys } = order;
    if (keys[order.next] === key) return files[keys[order.next++]!];
    const hash = files[key];
    if (hash !== undefined) {
      order.at ??= new Map(keys.map((k, i) => [k, i]));
      const i = order.at.get(key);
      if (i !== undefined) order.next = i + 1;
    }
    return hash;
  }

  /** Record `key` as written with `hash` by a caller that knows its content changed (no lookup). */
  assumeChanged(key: string, hash: string, file: string): void {
    this.dirsOfRun.add(dirname(file));
    this.updates.set(key, hash);
  }
  private get files(): Record<string, string> {
    if (this.parseFiles) {
      this.stored.files = this.parseFiles();
      this.parseFiles = undefined;
    }
    return this.stored.files;
  }

  /**
   * Whether every file of the compile `token` was written by an earlier run and no directory
   * holding them has changed since: then nothing needs checking file by file.
   */
  /**
   * Take over the directories of the complete compile `token` (see isComplete) for this run's
   * record: a run that checks only what changed since `token` still leaves a complete record.
   */
  inherit(token: string): void {
    if (this.stored.complete?.token !== token) return;
    for (const dir of this.stored.complete.dirs) this.dirsOfRun.add(this.absolute(dir));
  }

  isComplete(token: string): boolean {
    const complete = this.stored.complete;
    if (complete?.token !== token) return false;
    return complete.dirs.every((dir) => this.settled(this.absolute(dir)));
  }

  /** The digest the recorded complete compile was written with, if any (see Header.complete). */
  completeDigest(): string | undefined {
    return this.stored.complete?.digest;
  }

  /**
   * Whether the recorded complete compile had exactly these files and SQL (`digest`) and no
   * directory holding them has changed since: then record the compile `token` as complete in
   * its place (saved at once) and nothing needs checking file by file.
   */
  adoptIfSame(token: string, digest: string): boolean {
    const complete = this.stored.complete;
    if (complete?.digest !== digest || !complete.dirs.every((dir) => this.settled(this.absolute(dir)))) return false;
    for (const dir of complete.dirs) this.dirsOfRun.add(this.absolute(dir));
    this.save(token, digest);
    return true;
  }

  /** Whether `key` was last written with `hash` and its file (absolute path) is still there. */
  unchanged(key: string, hash: string, file: string): boolean {
    const dir = parentOf(file);
    if (dir !== this.lastDir) {
      this.dirsOfRun.add(dir);
      this.lastDir = dir;
      this.lastState = undefined;
    }
    if (this.storedHash(key) !== hash) {
      this.updates.set(key, hash);
      return false;
    }
    let state = this.lastState ?? this.seen.get(dir);
    if (state === undefined) {
      state = this.settled(dir) ? SETTLED : this.list(dir);
      this.seen.set(dir, state);
    }
    this.lastState = state;
    return state === SETTLED || state.has(basename(file));
  }

  /** Record that `file` was written (after `unchanged` said no). */
  wrote(file: string): void {
    this.touched.add(dirname(file));
    this.writtenFiles.add(file);
  }

  /**
   * Save when anything changed (or there was no index). `completeToken`: this run checked every
   * file of that compile (see isComplete); `digest`: that compile's compiledDigest, when known.
   */
  save(completeToken?: string, digest?: string): void {
    let filesChanged = this.updates.size > 0;
    let removed = false;
    let dirty = !this.found || filesChanged;
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
      for (const key of Object.keys(this.files)) {
        const file = resolve(this.root, key);
        const names = listed.get(dirname(file));
        if (names && !names.has(basename(file)) && !this.updates.has(key) && !this.writtenFiles.has(file)) {
          delete this.files[key];
          dirty = filesChanged = removed = true;
        }
      }
    }
    const pending = (this.stored.pending ??= {});
    for (const dir of this.touched) {
      const key = this.dirKey(dir);
      const mtime = mtimeOf(dir);
      const settled = mtime !== undefined && mtime < now - RACY_MS ? mtime : undefined;
      if (settled === undefined && mtime !== undefined) {
        const count = this.list(dir).size;
        if (pending[key]?.[0] !== mtime || pending[key]?.[1] !== count) {
          pending[key] = [mtime, count];
          dirty = true;
        }
      } else if (pending[key] !== undefined) {
        delete pending[key];
        dirty = true;
      }
      if (this.stored.dirs[key] === settled) continue;
      dirty = true;
      if (settled === undefined) delete this.stored.dirs[key];
      else this.stored.dirs[key] = settled;
    }
    if (completeToken !== undefined) {
      const dirs = [...this.dirsOfRun].map((d) => this.dirKey(d)).sort();
      const was = this.stored.complete;
      if (was?.token !== completeToken || was.digest !== digest || was.dirs.join('\0') !== dirs.join('\0')) {
        this.stored.complete = digest === undefined ? { token: completeToken, dirs } : { token: completeToken, dirs, digest };
        dirty = true;
      }
    } else if (filesChanged && this.stored.complete) {
      delete this.stored.complete; // some file changed under it
    }
    if (!dirty) return;
    const { files: _files, ...header } = this.stored;
    mkdirSync(this.root, { recursive: true });
    if (this.parseFiles && this.lines && this.updates.size === 0) {
      // Hashes never parsed and none written: lines 2 and 3 are kept byte for byte (not decoded).
      const rest = this.restBytes();
      if (rest) {
        writeFileSync(this.path, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), rest]));
        return;
      }
    }
    if (this.parseFiles && this.lines) {
      // Hashes never parsed this run: keep line 2 as it is and add the updates to line 3
      // (folded into line 2 once it holds more than MAX_OVERRIDES).
      const { base, overrides } = this.rest();
      for (const [key, hash] of this.updates) overrides[key] = hash;
      if (Object.keys(overrides).length <= MAX_OVERRIDES) {
        writeFileSync(this.path, `${JSON.stringify(header)}\n${base}\n${JSON.stringify(overrides)}`);
        return;
      }
    }
    const base = this.lines && !this.parseFiles && !removed ? this.baseBytes() : undefined;
    if (base && this.storedOverrides) {
      // Parsed, nothing forgotten: line 2 kept byte for byte, what changed goes to line 3 as above.
      const overrides = this.storedOverrides;
      for (const [key, hash] of this.updates) overrides[key] = hash;
      if (Object.keys(overrides).length <= MAX_OVERRIDES) {
        writeFileSync(this.path, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), base, Buffer.from(`\n${JSON.stringify(overrides)}`)]));
        return;
      }
    }
    const files = this.files;
    for (const [key, hash] of this.updates) files[key] = hash;
    writeFileSync(this.path, `${JSON.stringify(header)}\n${JSON.stringify(files)}`);
  }

  private absolute(key: string): string {
    return key.startsWith('/') ? key : `${this.root}/${key}`;
  }

  private settled(dir: string): boolean {
    const key = this.dirKey(dir);
    const recorded = this.stored.dirs[key];
    const mtime = mtimeOf(dir);
    if (recorded !== undefined) return mtime === recorded;
    const pending = this.stored.pending?.[key];
    if (!pending || mtime !== pending[0] || mtime >= Date.now() - RACY_MS) return false;
    let count: number;
    try {
      count = readdirSync(dir).length;
    } catch {
      return false;
    }
    if (count !== pending[1]) return false;
    this.touched.add(dir); // recorded as settled at save
    return true;
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

/** dirname of an absolute, resolved path (a slice: no normalization needed). */
function parentOf(file: string): string {
  const at = file.lastIndexOf('/');
  return at > 0 ? file.slice(0, at) : '/';
}

function mtimeOf(dir: string): number | undefined {
  try {
    return statSync(dir).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Line 1 of `file` (complete: a newline followed), or the whole text when it has none; undefined when unreadable. */
function readHead(file: string): { line: string; complete: boolean } | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const chunks: Buffer[] = [];
    const chunk = Buffer.allocUnsafe(1 << 16);
    for (let position = 0; ; ) {
      const n = readSync(fd, chunk, 0, chunk.length, position);
      if (n === 0) return { line: Buffer.concat(chunks).toString('utf8'), complete: false };
      const newline = chunk.subarray(0, n).indexOf(10);
      if (newline >= 0) {
        chunks.push(Buffer.from(chunk.subarray(0, newline)));
        return { line: Buffer.concat(chunks).toString('utf8'), complete: true };
      }
      chunks.push(Buffer.from(chunk.subarray(0, n)));
      position += n;
    }
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

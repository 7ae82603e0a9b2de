import { closeSync, linkSync, mkdirSync, openSync, renameSync, rmSync, unlink, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Write JSON atomically (temp file + rename), so a crash never leaves half an artifact.
 * `indent` 0 writes compact JSON (manifest.json, like dbt's: tens of MB at 10k models).
 */
export function writeJsonAtomic(absPath: string, value: unknown, indent = 2): void {
  writeFileAtomic(absPath, (fd) => {
    writeJsonTo(fd, value, indent);
    writeSync(fd, '\n');
  });
}

/**
 * Create `absPath` atomically: `fill` writes a temp file, which is renamed into place.
 * `freeOldLater`: the replaced file (tens of MB: manifest.json) is kept by a hard link and
 * unlinked in the background, so freeing its blocks overlaps with what the command does next
 * instead of stalling the rename. A link left by a killed process is removed on the next write.
 */
export function writeFileAtomic(absPath: string, fill: (fd: number) => void, options: { freeOldLater?: boolean } = {}): void {
  mkdirSync(dirname(absPath), { recursive: true });
  const tmp = `${absPath}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    fill(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  if (!options.freeOldLater) {
    renameSync(tmp, absPath);
    return;
  }
  const old = `${absPath}.old`;
  rmSync(old, { force: true });
  let linked = true;
  try {
    linkSync(absPath, old);
  } catch {
    linked = false; // no previous file (or no hard links here): a plain rename
  }
  renameSync(tmp, absPath);
  if (linked) unlink(old, () => {});
}

/**
 * Writes text to `fd` through one ~1 MB buffer, encoding each piece straight into it (one UTF-8
 * pass, no string concatenation); `write` returns the piece's length in bytes. Call flush() at the end.
 */
export function chunkedWriter(fd: number): { write: (text: string) => number; flush: () => void } {
  const buffer = Buffer.allocUnsafe(CHUNK);
  let used = 0;
  const flush = () => {
    if (used > 0) writeSync(fd, buffer, 0, used);
    used = 0;
  };
  return {
    write: (text: string) => {
      // A UTF-16 code unit takes at most 3 bytes in UTF-8.
      if (text.length * 3 > CHUNK - used) {
        flush();
        if (text.length * 3 > CHUNK) {
          const bytes = Buffer.from(text);
          writeSync(fd, bytes);
          return bytes.length;
        }
      }
      const n = buffer.write(text, used);
      used += n;
      return n;
    },
    flush,
  };
}

/** Streamed levels: the artifact, then its big maps (nodes, parent_map, ...); deeper values are stringified whole. */
const STREAM_DEPTH = 2;
/** Pieces are buffered up to this many characters per write. */
const CHUNK = 1 << 20;

/**
 * Write exactly `JSON.stringify(value, null, indent)` to an open file, without ever holding the
 * whole text: a manifest at 10,000 models is ~90 MB of JSON, and building it as one string more
 * than doubled the peak memory of a compile. Plain objects and arrays of the first levels are
 * written entry by entry; anything else is stringified as JSON.stringify would.
 */
export function writeJsonTo(fd: number, value: unknown, indent: number): void {
  let buffer = '';
  const out = (text: string) => {
    buffer += text;
    if (buffer.length >= CHUNK) {
      writeSync(fd, buffer);
      buffer = '';
    }
  };
  const pad = (depth: number) => (indent ? `\n${' '.repeat(indent * depth)}` : '');
  const write = (v: unknown, depth: number): boolean => {
    if (depth >= STREAM_DEPTH || !isPlainContainer(v)) {
      const text = JSON.stringify(v, null, indent) as string | undefined;
      if (text === undefined) return false;
      out(indent && depth ? text.replaceAll('\n', pad(depth)) : text);
      return true;
    }
    const array = Array.isArray(v);
    const keys = array ? undefined : Object.keys(v);
    const count = array ? (v as unknown[]).length : keys!.length;
    const inner = pad(depth + 1);
    let first = true;
    out(array ? '[' : '{');
    for (let i = 0; i < count; i++) {
      const key = array ? String(i) : keys![i]!;
      let child = (v as Record<string, unknown>)[key];
      if (child !== null && typeof child === 'object' && typeof (child as { toJSON?: unknown }).toJSON === 'function') {
        child = (child as { toJSON(key: string): unknown }).toJSON(key);
      }
      const skipped = child === undefined || typeof child === 'function' || typeof child === 'symbol';
      if (skipped && !array) continue;
      out(`${first ? '' : ','}${inner}${array ? '' : `${JSON.stringify(key)}:${indent ? ' ' : ''}`}`);
      first = false;
      if (skipped) out('null');
      else write(child, depth + 1);
    }
    out(first ? (array ? ']' : '}') : `${pad(depth)}${array ? ']' : '}'}`);
    return true;
  };
  let root = value;
  if (root !== null && typeof root === 'object' && typeof (root as { toJSON?: unknown }).toJSON === 'function') root = (root as { toJSON(key: string): unknown }).toJSON('');
  if (!write(root, 0)) throw new TypeError('value is not representable as JSON');
  writeSync(fd, buffer);
}

function isPlainContainer(v: unknown): v is object {
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return true;
  const proto = Object.getPrototypeOf(v);
  return (proto === Object.prototype || proto === null) && typeof (v as { toJSON?: unknown }).toJSON !== 'function';
}

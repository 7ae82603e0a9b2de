/**
 * nodes.json of a compile cache entry: the entry id on its first line, then manifest.json's body.
 * Opened and checked when a hit is decided, read whole on the first node read, copied into
 * manifest.json without being parsed.
 */
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** The file name of an entry's body. */
export const BODY = 'nodes.json';

/** Closes a body (or index) descriptor whose manifest (or index lines) was dropped without reading it (long-lived processes). */
export const unread = new FinalizationRegistry<{ fd?: number }>((held) => {
  if (held.fd !== undefined) closeSync(held.fd);
});

/**
 * The body file opened for reading, when it has the expected size and belongs to entry `id`
 * (a torn pair is a miss). The descriptor stays open until the body is read.
 */
export function openBody(file: string, id: string, size: number): number | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const head = Buffer.alloc(Buffer.byteLength(id) + 1);
    if (fstatSync(fd).size === size && readSync(fd, head, 0, head.length, 0) === head.length && head.toString('utf8') === `${id}\n`) return fd;
  } catch {
    // unreadable: a miss
  }
  if (fd !== undefined) closeSync(fd);
  return undefined;
}

/** Bytes [at, at + length) of an open body. */
export function readRange(fd: number, at: number, length: number): Buffer {
  const buffer = Buffer.allocUnsafe(length);
  for (let done = 0; done < length; ) {
    const n = readSync(fd, buffer, done, length - done, at + done);
    if (n === 0) throw new Error('compile cache body shrank while in use');
    done += n;
  }
  return buffer;
}

/**
 * Copy bytes [from, to) of the open file `input` to the open file `out`, at most 1 MB at a time
 * (a patch copies thousands of small gaps between replaced nodes: no 1 MB buffer for each).
 */
export function copyRange(input: number, from: number, to: number, out: number): void {
  if (to <= from) return;
  const buffer = Buffer.allocUnsafe(Math.min(1 << 20, to - from));
  for (let position = from; position < to; ) {
    const n = readSync(input, buffer, 0, Math.min(buffer.length, to - position), position);
    if (n === 0) throw new Error('compile cache body shrank while in use');
    writeSync(out, buffer, 0, n);
    position += n;
  }
}

/** The whole body, then the descriptor is closed. */
export function readAll(fd: number, size: number): Buffer {
  const buffer = Buffer.allocUnsafe(size);
  try {
    for (let at = 0; at < size; ) {
      const n = readSync(fd, buffer, at, size - at, at);
      if (n === 0) throw new Error('compile cache body shrank while in use');
      at += n;
    }
  } finally {
    closeSync(fd);
  }
  return buffer;
}

/**
 * Append manifest.json's body stored with entry `id` to the open file `out`. False (nothing
 * written) when the stored body belongs to another entry: the caller then serializes it.
 */
export function copyEntryBody(dir: string, id: string, out: number): boolean {
  let input: number;
  try {
    input = openSync(join(dir, BODY), 'r');
  } catch {
    return false;
  }
  try {
    const head = Buffer.alloc(Buffer.byteLength(id) + 1);
    if (readSync(input, head, 0, head.length, 0) !== head.length || head.toString('utf8') !== `${id}\n`) return false;
    copyRange(input, head.length, fstatSync(input).size, out);
    return true;
  } finally {
    closeSync(input);
  }
}

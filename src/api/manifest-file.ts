/**
 * target/manifest.json, compact as dbt writes it. Everything after its `metadata` (the first key,
 * the only per-run part) is stored as the compile cache entry's body, so it is serialized once per
 * compile and copied from the entry (on a hit, or right after storing one); without an entry it is
 * written here.
 *
 * On a hit whose manifest.json is still the one written from the same entry, only the metadata
 * changes (generated_at, invocation_id): the file is updated in place instead of copying its tens
 * (50,000 models: hundreds) of MB. That takes a stamp, written after each full write, and holds
 * only when the new metadata has the old one's byte length and differs from it only in letters and
 * digits, so even a write torn by a crash leaves valid JSON with the same structure.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync, statSync, writeSync, type BigIntStats } from 'node:fs';
import { join } from 'node:path';
import type { Dialect } from '../adapters/adapter.js';
import { manifestPrefix, writeManifestBody } from '../artifacts/manifest.js';
import { chunkedWriter, writeFileAtomic } from '../artifacts/write.js';
import { copyEntryBody } from '../compiler/cache-body.js';
import type { Manifest } from '../compiler/types.js';

const STAMP = 'manifest-stamp.json';

/** What identifies the manifest.json last written from an entry: the entry, its metadata prefix and the file's stat facts. */
interface ManifestStamp {
  entry: string;
  prefix: string;
  file: string;
  stat: string;
}

/** The stat facts a rewrite must find unchanged (nanosecond times: an edit in between changes them). */
function statKey(s: BigIntStats): string {
  return `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
}

/** Write manifest.json for `manifest`, from entry `entryId`'s stored body when there is one. */
export function writeManifest(
  file: string,
  a: { manifest: Manifest; dialect: Dialect; invocationId: string; runStartedAt: Date },
  cacheDir: string,
  entryId: string | undefined,
): void {
  const prefix = manifestPrefix(a.manifest, a.invocationId, a.runStartedAt);
  if (entryId !== undefined && rewritePrefix(file, prefix, cacheDir, entryId)) return;
  let copied = false;
  let ino: bigint | undefined;
  writeFileAtomic(file, (fd) => {
    writeSync(fd, prefix);
    copied = entryId !== undefined && copyEntryBody(cacheDir, entryId, fd);
    if (!copied) {
      // No entry, or replaced meanwhile by another run: serialize (on a hit this reads every node).
      const out = chunkedWriter(fd);
      writeManifestBody(out.write, a.manifest, a.dialect);
      out.flush();
    }
    ino = fstatSync(fd, { bigint: true }).ino;
  }, { freeOldLater: true });
  if (entryId === undefined) return;
  // Stamped only when the body is the entry's and the file renamed into place is the one written.
  saveStamp(cacheDir, copied && ino !== undefined ? { entry: entryId, prefix, file, stat: '' } : undefined, ino);
}

/** Record (or, with no stamp, forget) the manifest.json just written; the stat is taken after the rename. */
function saveStamp(cacheDir: string, stamp: ManifestStamp | undefined, ino: bigint | undefined): void {
  try {
    if (stamp) {
      const s = statSync(stamp.file, { bigint: true });
      if (s.ino !== ino) stamp = undefined; // replaced by another run meanwhile
      else stamp.stat = statKey(s);
    }
  } catch {
    stamp = undefined; // not found after the rename: no stamp, the next hit copies the body
  }
  writeStamp(cacheDir, stamp ?? null);
}

/** Store (or, with null, forget) the stamp; a stamp that cannot be written only costs the next hit a copy. */
function writeStamp(cacheDir: string, stamp: ManifestStamp | null): void {
  try {
    writeFileAtomic(join(cacheDir, STAMP), (fd) => writeSync(fd, JSON.stringify(stamp)));
  } catch {
    // the next hit finds no matching stamp and copies the body
  }
}

/** True when manifest.json was updated in place: the stamped file of the same entry, unchanged since, same-shaped metadata. */
function rewritePrefix(file: string, prefix: string, cacheDir: string, entryId: string): boolean {
  let stamp: ManifestStamp | null;
  try {
    stamp = JSON.parse(readFileSync(join(cacheDir, STAMP), 'utf8')) as ManifestStamp | null;
  } catch {
    return false;
  }
  if (!stamp || stamp.entry !== entryId || stamp.file !== file || !sameShape(stamp.prefix, prefix)) return false;
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r+');
    const before = fstatSync(fd, { bigint: true });
    // Another name for the same file (a hard link kept as a copy) must not change with it.
    if (before.nlink !== 1n || statKey(before) !== stamp.stat) return false;
    const bytes = Buffer.from(prefix);
    const old = Buffer.alloc(bytes.length);
    if (readSync(fd, old, 0, old.length, 0) !== old.length || old.toString('utf8') !== stamp.prefix) return false;
    if (writeSync(fd, bytes, 0, bytes.length, 0) !== bytes.length) throw new Error('short write');
    stamp.prefix = prefix;
    stamp.stat = statKey(fstatSync(fd, { bigint: true }));
  } catch {
    // Unreadable or torn: write the whole file (the stamp is overwritten then).
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  writeStamp(cacheDir, stamp);
  return true;
}

/** Same byte length, and every differing character a letter or digit on both sides (a torn write still parses the same way). */
function sameShape(before: string, after: string): boolean {
  if (before.length !== after.length || Buffer.byteLength(before) !== Buffer.byteLength(after)) return false;
  for (let i = 0; i < before.length; i++) {
    const a = before.charCodeAt(i);
    const b = after.charCodeAt(i);
    if (a !== b && !(isAlnum(a) && isAlnum(b))) return false;
  }
  return true;
}

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

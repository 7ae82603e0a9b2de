/**
 * A fast parser for the plain subset of YAML that properties files are written in: block
 * maps and sequences, single-line plain/quoted scalars and single-line flow collections.
 * It records the line/column of every key and value. Anything outside the subset (anchors,
 * tags, block scalars, multi-line scalars, duplicate keys, odd escapes...) makes it give up
 * (return undefined) so the caller falls back to the full `yaml` parser: same data, same
 * errors. Why: the `yaml` package costs ~15 µs per line, which dominates loading 10k models.
 */

/** 1-based line and column of a key and its value. */
export interface FastPos {
  kl: number;
  kc: number;
  vl: number;
  vc: number;
  /** The value was empty (`key:`): its position is left to the full parser. */
  empty?: boolean;
}

/** Positions of a container's children, by key (maps) or index (sequences). */
export type FastPositions = WeakMap<object, Map<string | number, FastPos>>;

export interface FastYaml {
  data: unknown;
  positions: FastPositions;
}

interface Line {
  n: number;
  ind: number;
  text: string;
}

/** Thrown internally to abandon the fast path. */
const BAIL = Symbol('bail');
const fail = (): never => {
  throw BAIL;
};

const PLAIN_START_BAD = /^[&*!|>%@`?:,\]}#'"[{]/;
const NUMBER = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const INT = /^[-+]?[0-9]+$/;

/** Parse `text`, or return undefined when it is outside the supported subset. */
export function parseFastYaml(text: string): FastYaml | undefined {
  const positions: FastPositions = new WeakMap();
  try {
    const lines = splitLines(text);
    if (lines.length === 0) return { data: null, positions };
    const [data, next] = parseBlock(lines, 0, lines[0]!.ind, positions);
    if (next !== lines.length) fail();
    return { data, positions };
  } catch (err) {
    if (err === BAIL) return undefined;
    throw err;
  }
}

function splitLines(text: string): Line[] {
  const out: Line[] = [];
  const raw = text.split('\n');
  for (let i = 0; i < raw.length; i++) {
    let s = raw[i]!;
    if (s.endsWith('\r')) s = s.slice(0, -1);
    let ind = 0;
    while (s.charCodeAt(ind) === 32) ind++;
    const body = s.slice(ind);
    if (body === '' || body[0] === '#') continue;
    if (body[0] === '\t' || body.startsWith('---') || body.startsWith('...') || body[0] === '%' || s.includes('\t')) fail();
    out.push({ n: i + 1, ind, text: body });
  }
  return out;
}

const isSeqItem = (t: string): boolean => t.charCodeAt(0) === 45 && (t.length === 1 || t.charCodeAt(1) === 32);

function parseBlock(lines: Line[], i: number, ind: number, pos: FastPositions): [unknown, number] {
  return isSeqItem(lines[i]!.text) ? parseSeq(lines, i, ind, pos) : parseMap(lines, i, ind, pos);
}

function parseSeq(lines: Line[], i: number, ind: number, pos: FastPositions): [unknown[], number] {
  const arr: unknown[] = [];
  const map = new Map<number, FastPos>();
  pos.set(arr, map);
  while (i < lines.length && lines[i]!.ind === ind && isSeqItem(lines[i]!.text)) {
    const line = lines[i]!;
    let sp = 1;
    while (line.text[sp] === ' ') sp++;
    const rest = line.text.slice(sp);
    if (rest === '' || rest[0] === '#') {
      const nextLine = lines[i + 1];
      if (!nextLine || nextLine.ind <= ind) fail(); // `-` with null: leave to the full parser
      const [v, j] = parseBlock(lines, i + 1, nextLine!.ind, pos);
      map.set(arr.length, pos4(line.n, ind + 1, nextLine!.n, nextLine!.ind + 1));
      arr.push(v);
      i = j;
    } else if (isSeqItem(rest) || keySplit(rest) !== undefined) {
      // `- key: v` / `- - x`: the rest of the line opens a block at its own column.
      const inner = ind + sp;
      lines[i] = { n: line.n, ind: inner, text: rest };
      const [v, j] = parseBlock(lines, i, inner, pos);
      map.set(arr.length, pos4(line.n, ind + 1, line.n, inner + 1));
      arr.push(v);
      i = j;
    } else {
      arr.push(parseInline(rest, line.n, ind + sp + 1, pos));
      map.set(arr.length - 1, pos4(line.n, ind + 1, line.n, ind + sp + 1));
      i++;
      if (i < lines.length && lines[i]!.ind > ind) fail();
    }
  }
  if (i < lines.length && lines[i]!.ind > ind) fail();
  return [arr, i];
}

function pos4(kl: number, kc: number, vl: number, vc: number): FastPos {
  return { kl, kc, vl, vc, empty: false };
}

/** Index of the `:` ending a plain or quoted key at the start of `t`, or undefined. */
function keySplit(t: string): number | undefined {
  if (t[0] === '"' || t[0] === "'") {
    const end = t.indexOf(t[0], 1);
    if (end < 0 || t[end + 1] !== ':' || (t[end + 2] !== undefined && t[end + 2] !== ' ')) return undefined;
    return end + 1;
  }
  for (let j = t.indexOf(':'); j >= 0; j = t.indexOf(':', j + 1)) {
    if (j + 1 === t.length || t.charCodeAt(j + 1) === 32) return j;
  }
  return undefined;
}

function parseMap(lines: Line[], i: number, ind: number, pos: FastPositions): [Record<string, unknown>, number] {
  const obj: Record<string, unknown> = {};
  const map = new Map<string, FastPos>();
  pos.set(obj, map);
  while (i < lines.length && lines[i]!.ind === ind && !isSeqItem(lines[i]!.text)) {
    const line = lines[i]!;
    const k = keySplit(line.text);
    if (k === undefined) fail();
    const key = readKey(line.text.slice(0, k));
    if (map.has(key)) fail(); // duplicate keys: the full parser reports them
    let sp = k! + 1;
    while (line.text[sp] === ' ') sp++;
    const rest = line.text.slice(sp);
    if (rest === '' || rest[0] === '#') {
      const next = lines[i + 1];
      if (next && (next.ind > ind || (next.ind === ind && isSeqItem(next.text)))) {
        const [v, j] = parseBlock(lines, i + 1, next.ind, pos);
        obj[key] = v;
        map.set(key, pos4(line.n, ind + 1, next.n, next.ind + 1));
        i = j;
        continue;
      }
      obj[key] = null;
      map.set(key, { kl: line.n, kc: ind + 1, vl: line.n, vc: ind + sp + 1, empty: true });
      i++;
      continue;
    }
    obj[key] = parseInline(rest, line.n, ind + sp + 1, pos);
    map.set(key, pos4(line.n, ind + 1, line.n, ind + sp + 1));
    i++;
    if (i < lines.length && lines[i]!.ind > ind) fail(); // continuation of a multi-line scalar
  }
  if (i < lines.length && lines[i]!.ind > ind) fail();
  return [obj, i];
}

function readKey(raw: string): string {
  const t = raw.trimEnd();
  let key: string;
  if (t[0] === '"' || t[0] === "'") key = readQuoted(t, 0)[0];
  else {
    if (t === '' || PLAIN_START_BAD.test(t) || t.startsWith('- ') || t.includes(' #')) fail();
    const v = resolvePlain(t);
    if (typeof v !== 'string') fail(); // `1:` / `null:` / `true:` keys: leave them to the full parser
    key = t;
  }
  if (key === '__proto__' || key === '<<') fail();
  return key;
}

/** A single-line value after `key: ` or `- `; must use the whole line (a comment may follow). */
function parseInline(s: string, line: number, col: number, pos: FastPositions): unknown {
  if (s[0] === '[' || s[0] === '{') {
    const p = new FlowParser(s, line, col, pos);
    const v = p.value();
    p.end();
    return v;
  }
  if (s[0] === '"' || s[0] === "'") {
    const [v, end] = readQuoted(s, 0);
    const tail = s.slice(end);
    if (tail.trim() !== '' && !/^\s+#/.test(tail)) fail();
    return v;
  }
  if (PLAIN_START_BAD.test(s) || isSeqItem(s)) fail(); // `key: -` is a sequence, not a string
  const hash = s.indexOf('#') < 0 ? -1 : s.search(/\s#/);
  const t = (hash < 0 ? s : s.slice(0, hash)).trimEnd();
  if (t.includes(': ') || t.endsWith(':')) fail();
  return resolvePlain(t);
}

/** Quoted scalar starting at s[i]; returns the value and the index after the closing quote. */
function readQuoted(s: string, i: number): [string, number] {
  const q = s[i]!;
  let out = '';
  let j = i + 1;
  for (;;) {
    const c = s[j];
    if (c === undefined) fail();
    if (c === q) {
      if (q === "'" && s[j + 1] === "'") {
        out += "'";
        j += 2;
        continue;
      }
      return [out, j + 1];
    }
    if (q === '"' && c === '\\') {
      const e = s[j + 1];
      const map: Record<string, string> = { '\\': '\\', '"': '"', n: '\n', t: '\t', '/': '/' };
      if (e === undefined || !(e in map)) fail();
      out += map[e!];
      j += 2;
      continue;
    }
    out += c;
    j++;
  }
}

/** YAML 1.2 core schema for the common cases; anything unusual goes to the full parser. */
function resolvePlain(t: string): unknown {
  if (t === '' || t === '~' || t === 'null' || t === 'Null' || t === 'NULL') return null;
  if (t === 'true' || t === 'True' || t === 'TRUE') return true;
  if (t === 'false' || t === 'False' || t === 'FALSE') return false;
  const c = t.charCodeAt(0);
  // Digits, signs and dots may be numbers (or .inf, 0x1f, 0o7...): only decimal forms are handled.
  if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46) {
    if (INT.test(t)) {
      const n = Number(t);
      if (!Number.isSafeInteger(n)) fail();
      return n;
    }
    if (NUMBER.test(t)) return Number(t);
    if (/^[-+]?\.(inf|Inf|INF|nan|NaN|NAN)$/.test(t) || /^0[xo]/.test(t)) fail();
  }
  return t;
}

/** Single-line flow collections: `[a, 'b', {k: v}]`. */
class FlowParser {
  private i = 0;
  constructor(
    private readonly s: string,
    private readonly line: number,
    private readonly col: number,
    private readonly pos: FastPositions,
  ) {}

  value(): unknown {
    this.ws();
    const c = this.s[this.i];
    if (c === '[') return this.seq();
    if (c === '{') return this.map();
    if (c === '"' || c === "'") {
      const [v, end] = readQuoted(this.s, this.i);
      this.i = end;
      return v;
    }
    const m = /^[^,[\]{}#]*/.exec(this.s.slice(this.i))!;
    const raw = m[0].trimEnd();
    if (raw === '' || /^[&*!|>%@`?]/.test(raw) || raw.includes(': ') || raw.endsWith(':')) fail();
    this.i += m[0].length;
    return resolvePlain(raw);
  }

  end(): void {
    const tail = this.s.slice(this.i);
    if (tail.trim() !== '' && !/^\s+#/.test(tail)) fail();
  }

  private seq(): unknown[] {
    const arr: unknown[] = [];
    const map = new Map<number, FastPos>();
    this.pos.set(arr, map);
    this.i++;
    for (;;) {
      this.ws();
      if (this.s[this.i] === ']') break;
      const at = this.col + this.i;
      map.set(arr.length, pos4(this.line, at, this.line, at));
      arr.push(this.value());
      this.ws();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== ']') fail();
    }
    this.i++;
    return arr;
  }

  private map(): Record<string, unknown> {
    const obj: Record<string, unknown> = {};
    const map = new Map<string, FastPos>();
    this.pos.set(obj, map);
    this.i++;
    for (;;) {
      this.ws();
      if (this.s[this.i] === '}') break;
      const kc = this.col + this.i;
      const k = keySplit(this.s.slice(this.i));
      if (k === undefined) fail();
      const key = readKey(this.s.slice(this.i, this.i + k!));
      if (map.has(key) || /[,[\]{}]/.test(key)) fail();
      this.i += k! + 1;
      this.ws();
      map.set(key, pos4(this.line, kc, this.line, this.col + this.i));
      obj[key] = this.value();
      this.ws();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== '}') fail();
    }
    this.i++;
    return obj;
  }

  private ws(): void {
    while (this.s[this.i] === ' ') this.i++;
    if (this.i >= this.s.length) fail(); // a flow collection spanning lines
  }
}

/** Best-effort source positions of calls like ref('x') in a raw template. */

/** `fn('a', 'b'...)` calls with literal string arguments, scanned once per file. */
const CALL = /\b(ref|source)\s*\(\s*((?:(?:'[^'\n]*'|"[^"\n]*")\s*,?\s*)+)/g;
const STRING = /'([^'\n]*)'|"([^"\n]*)"/g;

/** Key of a call in a CallIndex: "ref\0demo\0orders". */
function callKey(fn: string, args: readonly string[]): string {
  return `${fn}\0${args.join('\0')}`;
}

/** Map from call (function + literal arguments) to the 1-based line of its first occurrence. */
export type CallIndex = Map<string, number>;

/** Index every literal ref()/source() call of `raw` in one linear scan. */
export function indexCalls(raw: string): CallIndex {
  const index: CallIndex = new Map();
  let line = 1;
  let scanned = 0;
  for (const m of raw.matchAll(CALL)) {
    line += countNewlines(raw, scanned, m.index);
    scanned = m.index;
    const args: string[] = [];
    for (const s of m[2]!.matchAll(STRING)) args.push(s[1] ?? s[2]!);
    const key = callKey(m[1]!, args);
    if (!index.has(key)) index.set(key, line);
    // Also the last argument alone, for calls whose leading arguments are not literals.
    const lastKey = callKey('*', [args[args.length - 1]!]);
    if (!index.has(lastKey)) index.set(lastKey, line);
  }
  return index;
}

/** Line of `fn(...args)` in an index; falls back to a call with the same last argument. */
export function callLine(index: CallIndex, fn: string, args: readonly string[]): number | undefined {
  return index.get(callKey(fn, args)) ?? (args.length ? index.get(callKey('*', [args[args.length - 1]!])) : undefined);
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** 1-based line number of a character offset. */
export function lineAt(text: string, index: number): number {
  return 1 + countNewlines(text, 0, index);
}

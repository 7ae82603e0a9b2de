/** Best-effort source positions of calls like ref('x') in a raw template. */

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * 1-based line of the first `fn('a', 'b')` call with these string arguments in `raw`,
 * or of the first quoted last argument when the call is built dynamically; undefined if absent.
 */
export function findCallLine(raw: string, fn: string, args: readonly string[]): number | undefined {
  const quoted = args.map((a) => `['"]${escapeRegExp(a)}['"]`).join('\\s*,\\s*');
  const exact = new RegExp(`\\b${fn}\\s*\\(\\s*${quoted}`).exec(raw);
  let index = exact ? exact.index : -1;
  if (index < 0 && args.length) {
    const last = args[args.length - 1]!;
    index = raw.indexOf(`'${last}'`);
    if (index < 0) index = raw.indexOf(`"${last}"`);
  }
  return index < 0 ? undefined : lineAt(raw, index);
}

/** 1-based line number of a character offset. */
export function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * Canonical JSON (sorted keys), for hashing declarations: the same text as
 * `JSON.stringify(value, sortingReplacer)`, built directly for plain data (one string, no
 * intermediate objects); anything else (toJSON, class instances, integer-like keys) takes the
 * replacer path.
 */
export function canonicalJson(value: unknown): string {
  try {
    return plainCanonical(value) as string; // undefined only for undefined/functions, as JSON.stringify
  } catch (e) {
    if (e !== NOT_PLAIN) throw e;
    return replacerCanonical(value);
  }
}

const NOT_PLAIN: unique symbol = Symbol('not plain');
const INDEX_KEY = /^(?:0|[1-9]\d*)$/;

function plainCanonical(value: unknown): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'object': {
      if (Array.isArray(value)) {
        const items: string[] = [];
        for (let i = 0; i < value.length; i++) items.push(plainCanonical(value[i]) ?? 'null');
        return `[${items.join(',')}]`;
      }
      const proto = Object.getPrototypeOf(value);
      if ((proto !== Object.prototype && proto !== null) || typeof (value as { toJSON?: unknown }).toJSON === 'function') throw NOT_PLAIN;
      const parts: string[] = [];
      for (const key of Object.keys(value).sort()) {
        if (INDEX_KEY.test(key)) throw NOT_PLAIN; // Object.fromEntries would order these first
        const text = plainCanonical((value as Record<string, unknown>)[key]);
        if (text !== undefined) parts.push(`${JSON.stringify(key)}:${text}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      throw NOT_PLAIN;
  }
}

function replacerCanonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

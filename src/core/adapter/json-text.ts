/**
 * JSON as DSPy writes and reads it.
 *
 * Writing: DSPy renders lists and dicts with Python's `json.dumps(value, ensure_ascii=False)`,
 * i.e. one line with `", "` and `": "` separators. `JSON.stringify` uses `","` and `":"`, so
 * we serialize ourselves to render byte-for-byte what DSPy would send.
 *
 * Reading: models wrap JSON in prose or ```json fences; {@link findJsonValue} scans for the
 * first balanced object (or array) that parses, with a light repair for trailing commas.
 */

/**
 * `json.dumps(value, ensure_ascii=False)` in Python's default formatting, or with `indent`
 * (DSPy's JSONAdapter writes `indent=2`): one item a line, `","` between items, and empty
 * lists and objects kept as `[]` and `{}`, as Python writes them.
 */
export function pythonJsonDumps(value: unknown, indent?: number): string {
  return dumps(value, indent === undefined ? undefined : ' '.repeat(indent), '');
}

function dumps(value: unknown, step: string | undefined, pad: string): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : value > 0 ? 'Infinity' : value < 0 ? '-Infinity' : 'NaN';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint') return value.toString();
  const inner = step === undefined ? pad : pad + step;
  if (Array.isArray(value)) return container('[', ']', value.map((v) => dumps(v, step, inner)), step, pad);
  if (typeof value === 'object') {
    const withJson = value as { toJSON?: () => unknown };
    if (typeof withJson.toJSON === 'function') return dumps(withJson.toJSON(), step, pad);
    const parts: string[] = [];
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || typeof v === 'function') continue;
      parts.push(`${JSON.stringify(k)}: ${dumps(v, step, inner)}`);
    }
    return container('{', '}', parts, step, pad);
  }
  return JSON.stringify(String(value));
}

function container(open: string, close: string, items: readonly string[], step: string | undefined, pad: string): string {
  if (step === undefined) return `${open}${items.join(', ')}${close}`;
  if (items.length === 0) return `${open}${close}`;
  const inner = pad + step;
  return `${open}\n${inner}${items.join(`,\n${inner}`)}\n${pad}${close}`;
}

/** Parses JSON text, retrying once without trailing commas (a common model slip). */
export function parseJsonLenient(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    const repaired = text.replace(TRAILING_COMMA, '$1');
    if (repaired === text) return { ok: false };
    try {
      return { ok: true, value: JSON.parse(repaired) };
    } catch {
      return { ok: false };
    }
  }
}

const TRAILING_COMMA = /,(\s*[}\]])/g;
/** Scanning stops after this many candidate openings so a pathological completion stays cheap. */
const MAX_CANDIDATES = 32;

/**
 * The first balanced `{...}` (or `[...]` when `open` is `[`) in `text` that parses and
 * satisfies `accept`. Braces inside JSON strings are skipped while matching.
 */
export function findJsonValue(text: string, open: '{' | '[', accept: (v: unknown) => boolean): unknown {
  const close = open === '{' ? '}' : ']';
  let from = 0;
  for (let tries = 0; tries < MAX_CANDIDATES; tries++) {
    const start = text.indexOf(open, from);
    if (start < 0) return undefined;
    const end = matchingClose(text, start, open, close);
    if (end < 0) return undefined;
    const parsed = parseJsonLenient(text.slice(start, end + 1));
    if (parsed.ok && accept(parsed.value)) return parsed.value;
    from = start + 1;
  }
  return undefined;
}

function matchingClose(text: string, start: number, open: string, close: string): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === open) depth++;
    else if (ch === close && --depth === 0) return i;
  }
  return -1;
}

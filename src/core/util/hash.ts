/**
 * Stable hashing for cache keys: a canonical JSON form (object keys sorted, `undefined`
 * dropped) hashed with two independently seeded 64-bit-ish mixers into a 32-hex-char key.
 * Not cryptographic; collisions are negligible at cache sizes (about 2^-100 per pair).
 */

/** JSON with object keys sorted, so equal values always give equal strings. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (value === undefined) return 'null';
    if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/** 53-bit hash of a string (cyrb53 construction) with a seed. */
function hash53(s: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** A 28-hex-character stable hash of a string. */
function stableHash(s: string): string {
  const a = hash53(s, 0x9e3779b1).toString(16).padStart(14, '0');
  const b = hash53(s, 0x85ebca77).toString(16).padStart(14, '0');
  return a + b;
}

/** Stable hash of any JSON-like value. */
export function hashValue(value: unknown): string {
  return stableHash(canonicalJson(value));
}

/**
 * Python source text from user data: string literals that read back as exactly the text they
 * came from, and the identifiers a name may or may not be used as.
 *
 * A literal keeps printable non-ASCII as it is (a Python 3 file is UTF-8) and escapes what a
 * reader could not see or a tokenizer could misread: control characters, line and paragraph
 * separators, format characters (bidi overrides, zero-width joiners, the BOM), non-ASCII
 * spaces, lone surrogates and unassigned or private-use code points.
 */

/** Python 3's keywords: names that cannot be an attribute, a parameter or a class field. */
const PYTHON_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(' '),
);

/** Characters a Python string literal shows as an escape. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}\p{Cn}]|[^\S ]/u;

/** Backslash escapes Python reads in any string literal. */
const SHORT_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** True when `name` is a Python keyword (so it can be a dict key or a string, not a name). */
export function isPythonKeyword(name: string): boolean {
  return PYTHON_KEYWORDS.has(name);
}

/** `text` as a one-line double-quoted Python string literal. */
export function pyString(text: string): string {
  return `"${escapeChars(text, (c) => (c === '"' ? '\\"' : undefined))}"`;
}

/**
 * `text` as a triple-quoted docstring: line breaks stay line breaks (so a long instruction
 * reads as it was written), everything else is escaped as in {@link pyString}. Every `"` is
 * escaped, so no run of quotes can close the literal early.
 */
export function pyDocstring(text: string): string {
  return `"""${escapeChars(text, (c) => (c === '"' ? '\\"' : c === '\n' ? '\n' : undefined))}"""`;
}

/** Escapes `text` character by character; `own` may give a character's text first. */
function escapeChars(text: string, own: (c: string) => string | undefined): string {
  let out = '';
  // `for...of` walks code points: an astral character is one step, a lone surrogate too.
  for (const c of text) out += own(c) ?? SHORT_ESCAPES[c] ?? (INVISIBLE.test(c) ? codeEscape(c.codePointAt(0)!) : c);
  return out;
}

/** `\xhh`, `\uhhhh` or `\Uhhhhhhhh`: the shortest escape Python has for the code point. */
function codeEscape(code: number): string {
  const hex = code.toString(16);
  if (code < 0x100) return `\\x${hex.padStart(2, '0')}`;
  if (code < 0x10000) return `\\u${hex.padStart(4, '0')}`;
  return `\\U${hex.padStart(8, '0')}`;
}

/**
 * Bytes of a loaded data file -> text. One behaviour everywhere (runner and browser): UTF-8
 * when the bytes are valid UTF-8; otherwise the whole file is read as Windows-1252 with a
 * warning that names the first line that is not UTF-8. Why not refuse: a file that is not
 * UTF-8 is almost always Latin-1 or Windows-1252 from a spreadsheet export, and reading it so
 * gives the right accents; the warning says what happened, so a file in another encoding
 * (whose accents would then look wrong) is noticed rather than silently turned into U+FFFD.
 */

export interface DecodedText {
  text: string;
  /** What decoding had to assume (empty for valid UTF-8). */
  warnings: string[];
}

export function decodeText(bytes: Uint8Array): DecodedText {
  try {
    // `fatal` throws at the first invalid sequence instead of replacing it with U+FFFD.
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), warnings: [] };
  } catch {
    return { text: windows1252(bytes), warnings: [notUtf8Warning(firstInvalidLine(bytes))] };
  }
}

export function notUtf8Warning(line: number): string {
  return `The file is not valid UTF-8 (first at line ${line}), so it was read as Windows-1252 (Latin-1). If accented letters look wrong, save the file as UTF-8.`;
}

/**
 * Bytes 0x80-0x9F in Windows-1252 are punctuation and letters (curly quotes, euro, dashes),
 * not the C1 controls of ISO-8859-1. Browsers' "windows-1252" decoder maps them; Node 20's
 * decodes them as C1 controls, so they are mapped here, the same on both. 0x81, 0x8D, 0x8F, 0x90
 * and 0x9D have no character and stay as they are (as in the WHATWG encoding standard).
 */
const C1 = '\u20AC\x81\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\x8D\u017D\x8F\x90\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\x9D\u017E\u0178';

export function windows1252(bytes: Uint8Array): string {
  return new TextDecoder('latin1').decode(bytes).replace(/[\x80-\x9f]/g, (c) => C1[c.charCodeAt(0) - 0x80]!);
}

/** The 1-based line of the first byte sequence that is not UTF-8, found one line at a time. */
export function firstInvalidLine(bytes: Uint8Array): number {
  const strict = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  for (let start = 0; start < bytes.length; line++) {
    let end = bytes.indexOf(0x0a, start);
    if (end === -1) end = bytes.length;
    try {
      strict.decode(bytes.subarray(start, end));
    } catch {
      return line;
    }
    start = end + 1;
  }
  return line;
}

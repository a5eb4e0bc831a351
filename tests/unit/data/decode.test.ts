/** Bytes -> text for loaded files: UTF-8, else Windows-1252 with a warning naming the line. */
import { describe, expect, it } from 'vitest';
import { decodeText } from '../../../src/core/data';

const bytes = (s: string, enc: BufferEncoding) => new Uint8Array(Buffer.from(s, enc));

describe('decodeText', () => {
  it('decodes UTF-8 without a warning', () => {
    expect(decodeText(bytes('a,b\ncafé,x\n', 'utf8'))).toEqual({ text: 'a,b\ncafé,x\n', warnings: [] });
  });

  it('reads Latin-1 as Windows-1252 and names the first line that is not UTF-8', () => {
    const { text, warnings } = decodeText(bytes('a,b\nplain,x\nnaïve,y\ncafé,z\n', 'latin1'));
    expect(text).toBe('a,b\nplain,x\nnaïve,y\ncafé,z\n');
    expect(text).not.toContain('\uFFFD');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/not valid UTF-8 \(first at line 3\).*Windows-1252/);
  });

  it('reads Windows-1252 punctuation (curly quotes, euro) as such', () => {
    const { text } = decodeText(new Uint8Array([0x93, 0x68, 0x69, 0x94, 0x20, 0x80]));
    expect(text).toBe('\u201Chi\u201D \u20AC');
  });
});

import { Deflate, type FlateStreamHandler } from 'fflate';
import { describe, expect, it, vi } from 'vitest';
import { toBase64Url } from '../../../src/core/share/bytes';
import { decodeShare, SHARE_MAX_ENCODED_CHARS, SHARE_MAX_JSON_BYTES } from '../../../src/core/share';
import { codeOf } from './fixtures';

// Count every byte the decoder inflates, to show it stops near the limit instead of
// materializing the whole bomb.
const inflated = vi.hoisted(() => ({ bytes: 0 }));
vi.mock('fflate', async (importOriginal) => {
  const real = await importOriginal<typeof import('fflate')>();
  class CountingInflate extends real.Inflate {
    constructor(cb: FlateStreamHandler) {
      super((chunk, final) => {
        inflated.bytes += chunk.length;
        cb(chunk, final);
      });
    }
  }
  return { ...real, Inflate: CountingInflate };
});

/** A deflate-raw stream of 50 MB of JSON-looking text, built in 1 MB pieces (never 50 MB at once). */
function bomb(megabytes: number): Uint8Array {
  const parts: Uint8Array[] = [];
  const deflate = new Deflate({ level: 9 }, (chunk) => parts.push(chunk));
  const enc = new TextEncoder();
  deflate.push(enc.encode('{"v":1,"meta":{"name":"'));
  const mb = new Uint8Array(1 << 20).fill(0x61);
  for (let i = 0; i < megabytes; i++) deflate.push(mb);
  deflate.push(enc.encode('"},"spec":{},"state":{}}'), true);
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total + 4); // + 4 checksum bytes, never reached
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe('share link decompression bomb', () => {
  it('is refused as SHARE_TOO_LARGE after inflating little more than the 2 MB limit', () => {
    const text = `p1.${toBase64Url(bomb(50))}`;
    expect(text.length).toBeLessThan(SHARE_MAX_ENCODED_CHARS); // small enough to pass the text-size guard
    inflated.bytes = 0;
    expect(codeOf(() => decodeShare(text))).toBe('SHARE_TOO_LARGE');
    expect(inflated.bytes).toBeGreaterThan(SHARE_MAX_JSON_BYTES);
    expect(inflated.bytes).toBeLessThan(SHARE_MAX_JSON_BYTES + 1.1 * (1 << 20));
  });
});

/**
 * Share links: a program and its optimized state in a compact, versioned, URL-safe string.
 *
 * Format 1: `p1.` + base64url (no padding) of `deflate-raw(JSON) ‖ CRC-32(JSON)`, where JSON is
 * the UTF-8 encoded {@link SharePayload} and the CRC-32 is 4 bytes big-endian. The prefix
 * names the format so a newer build can change the encoding and an older one can say "this
 * link needs a newer PromptLab" instead of "this link is broken". Deflate-raw carries no
 * checksum of its own, so a link damaged in transit (a chat app rewriting a character) could
 * otherwise inflate to a subtly different program; the 4-byte CRC costs 6 characters and
 * turns that into a clear error.
 *
 * Links live in the URL fragment (`#p=...`), which browsers never send to a server. Decoding
 * is defensive: the text size is capped before any work, inflation runs in small chunks and
 * stops past {@link SHARE_MAX_JSON_BYTES} (a few hundred bytes of deflate can claim gigabytes),
 * and the result is validated against the schemas. Nothing in a link is executed.
 */
import { deflateSync, Inflate } from 'fflate';
import * as v from 'valibot';
import { PlaygroundError } from '../errors';
import { issuesToMessages } from '../util/schema-issues';
import { crc32, fromBase64Url, toBase64Url } from './bytes';
import { SharePayloadSchema, type SharePayload } from './payload';
import { assertRunnableProgram } from './program-check';

/** The share format this build writes and reads. */
const SHARE_FORMAT_VERSION = 1;
/** Links longer than this (in characters, which are bytes here) deserve a warning: chat apps and QR codes cut them. */
export const SHARE_WARN_BYTES = 8192;
/** Encoded text above this is refused without decoding. */
export const SHARE_MAX_ENCODED_CHARS = 256 * 1024;
/** Inflated JSON above this is refused (decompression-bomb guard). */
export const SHARE_MAX_JSON_BYTES = 2 * 1024 * 1024;

const PREFIX = `p${SHARE_FORMAT_VERSION}.`;
// Deflate expands at most ~1032:1, so a 1 KB chunk inflates to at most ~1 MB before we can
// check the running total: memory stays bounded whatever the link claims.
const INFLATE_CHUNK = 1024;
const SENDER_HINT = 'The link was made by a different or modified tool; ask the sender to share it again from PromptLab.';
const CUT_OFF_HINT = 'The link was probably cut off or altered when it was copied; ask the sender for the whole link.';

/** Encodes a payload as share text (`p1.…`). Validates first, so every link this makes can be opened. */
export function encodeShare(payload: SharePayload): string {
  const parsed = v.safeParse(SharePayloadSchema, payload, { abortEarly: false });
  if (!parsed.success) {
    const problems = issuesToMessages(parsed.issues);
    throw new PlaygroundError('SHARE_INVALID', `The program cannot be shared: ${problems[0]}`, {
      hint: 'Fix the listed problems in the program, then share again.',
      details: { problems },
    });
  }
  assertRunnableProgram(parsed.output.spec, 'SHARE_INVALID', 'The program cannot be shared', 'Fix it in the program editor, then share again.');
  const json = new TextEncoder().encode(JSON.stringify(parsed.output));
  if (json.length > SHARE_MAX_JSON_BYTES) throw tooLarge(`${json.length} bytes of program data`, SHARE_MAX_JSON_BYTES);
  const deflated = deflateSync(json, { level: 9 });
  const bytes = new Uint8Array(deflated.length + 4);
  bytes.set(deflated);
  new DataView(bytes.buffer).setUint32(deflated.length, crc32(json));
  const text = PREFIX + toBase64Url(bytes);
  if (text.length > SHARE_MAX_ENCODED_CHARS) throw tooLarge(`a ${text.length}-character link`, SHARE_MAX_ENCODED_CHARS);
  return text;
}

/**
 * Decodes share text: the bare `p1.…` string, a `#p=…` fragment, or a full URL.
 * Throws `SHARE_INVALID` (damaged, or not a valid program), `SHARE_VERSION` (made by a newer
 * format) or `SHARE_TOO_LARGE`.
 */
export function decodeShare(text: string): SharePayload {
  if (text.length > 2 * SHARE_MAX_ENCODED_CHARS) throw tooLarge(`${text.length} characters of link text`, SHARE_MAX_ENCODED_CHARS);
  const encoded = extractEncoded(text);
  if (encoded.length > SHARE_MAX_ENCODED_CHARS) throw tooLarge(`a ${encoded.length}-character link`, SHARE_MAX_ENCODED_CHARS);
  const version = /^p(\d{1,6})\./.exec(encoded);
  if (!version) {
    throw new PlaygroundError('SHARE_INVALID', 'This is not a PromptLab share link (it should contain "#p=p1." followed by letters and digits).', {
      hint: CUT_OFF_HINT,
    });
  }
  if (Number(version[1]) !== SHARE_FORMAT_VERSION) throw unsupportedVersion(Number(version[1]));

  const bytes = fromBase64Url(encoded.slice(version[0].length));
  if (!bytes || bytes.length < 5) throw damaged('its text is not valid base64url');
  const json = inflateLimited(bytes.subarray(0, bytes.length - 4));
  const expected = new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 4, 4).getUint32(0);
  if (crc32(json) !== expected) throw damaged('its checksum does not match its content');

  let data: unknown;
  try {
    data = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch {
    throw damaged('its content is not valid JSON');
  }
  const claimed = (data as { v?: unknown } | null)?.v;
  if (typeof claimed === 'number' && claimed !== SHARE_FORMAT_VERSION) throw unsupportedVersion(claimed);

  const parsed = v.safeParse(SharePayloadSchema, data, { abortEarly: false });
  if (!parsed.success) {
    const problems = issuesToMessages(parsed.issues);
    throw new PlaygroundError('SHARE_INVALID', `The shared program is not valid: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}.`, {
      hint: SENDER_HINT,
      details: { problems },
    });
  }
  // The preview and the workspace assume a program that resolves (distinct step ids, bound inputs).
  assertRunnableProgram(parsed.output.spec, 'SHARE_INVALID', 'The shared program cannot run', SENDER_HINT);
  return parsed.output;
}

/** A full link: `baseUrl` (any existing fragment dropped) + `#p=<encoded>`. */
export function shareUrl(baseUrl: string, payload: SharePayload): string {
  const base = baseUrl.split('#')[0]!;
  return `${base}#p=${encodeShare(payload)}`;
}

/** True when a link is longer than {@link SHARE_WARN_BYTES}: it works in browsers, but chat apps and QR codes may cut it. */
export function isShareLinkLong(link: string): boolean {
  return new TextEncoder().encode(link).length > SHARE_WARN_BYTES;
}

/** Finds the encoded part in a bare string, a fragment (`#p=…`, possibly among other `&` params) or a URL. */
function extractEncoded(text: string): string {
  // Chat apps and e-mail wrap long links; base64url never contains whitespace.
  let s = text.replace(/\s+/g, '');
  const hash = s.indexOf('#');
  if (hash >= 0) s = s.slice(hash + 1);
  const param = s.split('&').find((part) => part.startsWith('p='));
  if (param !== undefined) s = param.slice(2);
  if (s.includes('%')) {
    try {
      s = decodeURIComponent(s);
    } catch {
      // Leave it: the prefix or base64 check below reports the damage.
    }
  }
  return s;
}

function inflateLimited(deflated: Uint8Array): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const inflater = new Inflate((chunk) => {
    total += chunk.length;
    if (total > SHARE_MAX_JSON_BYTES) throw tooLarge('more than 2 MB of program data once decompressed', SHARE_MAX_JSON_BYTES);
    chunks.push(chunk);
  });
  try {
    if (deflated.length === 0) inflater.push(deflated, true);
    for (let i = 0; i < deflated.length; i += INFLATE_CHUNK) {
      inflater.push(deflated.subarray(i, i + INFLATE_CHUNK), i + INFLATE_CHUNK >= deflated.length);
    }
  } catch (err) {
    if (err instanceof PlaygroundError) throw err;
    throw damaged('its compressed data is corrupt');
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function damaged(why: string): PlaygroundError {
  return new PlaygroundError('SHARE_INVALID', `This share link is damaged: ${why}.`, { hint: CUT_OFF_HINT });
}

function unsupportedVersion(version: number): PlaygroundError {
  return new PlaygroundError(
    'SHARE_VERSION',
    `This share link uses format version ${version}; this build of PromptLab reads version ${SHARE_FORMAT_VERSION}.`,
    { hint: 'Open the link in a newer PromptLab.', details: { version, supported: [SHARE_FORMAT_VERSION] } },
  );
}

function tooLarge(what: string, limit: number): PlaygroundError {
  return new PlaygroundError('SHARE_TOO_LARGE', `This share link is too large: ${what} (the limit is ${limit} bytes).`, {
    hint: 'Share fewer or shorter demos, or export the program as a file instead.',
    details: { limit },
  });
}

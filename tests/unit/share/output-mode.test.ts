/**
 * Share links and DSPy files name the output mode a program was optimized with: its demos
 * and instruction were chosen for that answer format. Links and files made before this still
 * open, and the strict link schema takes the new field and nothing else new.
 */
import { deflateSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { crc32, toBase64Url } from '../../../src/core/share/bytes';
import { decodeShare, dspyAdapter, dspyAdapterLine, dspyFileAdapter, encodeShare, fromDspyJson, toDspyJson, type SharePayload } from '../../../src/core/share';
import { codeOf, errorOf, RAG_SPEC, RAG_STATE } from './fixtures';

const PAYLOAD: SharePayload = {
  v: 1,
  spec: RAG_SPEC,
  state: RAG_STATE,
  meta: { name: 'RAG', optimizer: 'MIPROv2 (light)', model: 'gpt-4o-mini', output: 'json_schema' },
};

/** A link for any JSON, made as format 1 is made: for payloads the encoder would refuse. */
function craft(payload: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(payload));
  const deflated = deflateSync(bytes, { level: 9 });
  const out = new Uint8Array(deflated.length + 4);
  out.set(deflated);
  new DataView(out.buffer).setUint32(deflated.length, crc32(bytes));
  return `p1.${toBase64Url(out)}`;
}

describe('share links name the output mode', () => {
  it('carry each mode a program can be optimized with', () => {
    for (const output of ['chat', 'json', 'json_schema'] as const) {
      const payload = { ...PAYLOAD, meta: { ...PAYLOAD.meta, output } };
      expect(decodeShare(encodeShare(payload)).meta.output).toBe(output);
    }
  });

  it('still open links made before the mode was recorded', () => {
    const { output: _none, ...old } = PAYLOAD.meta;
    const decoded = decodeShare(craft({ ...PAYLOAD, meta: old }));
    expect(decoded.meta).toEqual(old);
    expect(decoded.meta.output).toBeUndefined();
  });

  it('refuse any other value ("auto" is no mode a program was optimized with), and any other new key', () => {
    for (const output of ['auto', 'xml', 1]) {
      const err = errorOf(() => decodeShare(craft({ ...PAYLOAD, meta: { ...PAYLOAD.meta, output } })));
      expect(err.code, String(output)).toBe('SHARE_INVALID');
      expect(String((err.details?.['problems'] as string[])[0])).toMatch(/^meta\.output: /);
    }
    expect(codeOf(() => decodeShare(craft({ ...PAYLOAD, meta: { ...PAYLOAD.meta, adapter: 'JSONAdapter' } })))).toBe('SHARE_INVALID');
    expect(codeOf(() => encodeShare({ ...PAYLOAD, meta: { ...PAYLOAD.meta, output: 'auto' } } as unknown as SharePayload))).toBe('SHARE_INVALID');
  });
});

describe('DSPy export names the adapter', () => {
  it('maps chat to ChatAdapter and both JSON modes to JSONAdapter, with the Python line to set it', () => {
    expect(dspyAdapter('chat')).toBe('ChatAdapter');
    expect(dspyAdapter('json')).toBe('JSONAdapter');
    expect(dspyAdapter('json_schema')).toBe('JSONAdapter');
    expect(dspyAdapterLine('JSONAdapter')).toBe('dspy.configure(adapter=dspy.JSONAdapter())');
  });

  it('writes metadata.adapter beside the dependency versions DSPy reads, and only when the mode is known', () => {
    const json = toDspyJson(RAG_SPEC, RAG_STATE, { output: 'json_schema' });
    expect(json.metadata).toEqual({ dependency_versions: { python: '3.11', dspy: '2.6.27', cloudpickle: '3.1' }, adapter: 'JSONAdapter' });
    expect(toDspyJson(RAG_SPEC, RAG_STATE, { output: 'chat' }).metadata.adapter).toBe('ChatAdapter');
    expect(toDspyJson(RAG_SPEC, RAG_STATE).metadata).not.toHaveProperty('adapter');
  });

  it('reads files with and without metadata.adapter into the same state, and tells which adapter a file names', () => {
    const withAdapter = JSON.parse(JSON.stringify(toDspyJson(RAG_SPEC, RAG_STATE, { output: 'json' })));
    const without = JSON.parse(JSON.stringify(toDspyJson(RAG_SPEC, RAG_STATE)));
    expect(fromDspyJson(withAdapter, RAG_SPEC)).toEqual(fromDspyJson(without, RAG_SPEC));
    expect(dspyFileAdapter(withAdapter)).toBe('JSONAdapter');
    expect(dspyFileAdapter(without)).toBeUndefined();
    // A value PromptLab does not know is no adapter (the file still loads).
    const odd = { ...withAdapter, metadata: { ...withAdapter.metadata, adapter: 'XMLAdapter' } };
    expect(dspyFileAdapter(odd)).toBeUndefined();
    expect(fromDspyJson(odd, RAG_SPEC)).toEqual(fromDspyJson(without, RAG_SPEC));
  });
});

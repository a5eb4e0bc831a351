import { deflateSync } from 'fflate';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { crc32, fromBase64Url, toBase64Url } from '../../../src/core/share/bytes';
import {
  decodeShare,
  encodeShare,
  isShareLinkLong,
  SHARE_MAX_ENCODED_CHARS,
  SHARE_WARN_BYTES,
  SharePayloadSchema,
  shareUrl,
  type SharePayload,
} from '../../../src/core/share';
import { fixtureData } from '../../fixtures/fixture-data';
import { codeOf, errorOf, RAG_SPEC, RAG_STATE } from './fixtures';

const PAYLOAD: SharePayload = {
  v: 1,
  spec: RAG_SPEC,
  state: RAG_STATE,
  meta: {
    name: 'HotPotQA — rewrite + CoT',
    createdAt: '2026-11-27T10:00:00.000Z',
    metric: { kind: 'exact_match', field: 'answer' },
    scores: { val: 0.46, test: 0.441, baselineTest: 0.361 },
    optimizer: 'MIPROv2 (light)',
    model: 'Qwen2.5-0.5B-Instruct-q4f32_1',
    sample: [{ inputs: { question: 'Wer schrieb „Faust“?', passages: ['Goethe | …'] }, labels: { answer: 'Goethe' } }],
  },
};

/** Share text for arbitrary JSON, built the way format 1 is specified (for crafted links). */
function craft(json: string, prefix = 'p1.'): string {
  const bytes = new TextEncoder().encode(json);
  const deflated = deflateSync(bytes, { level: 9 });
  const out = new Uint8Array(deflated.length + 4);
  out.set(deflated);
  new DataView(out.buffer).setUint32(deflated.length, crc32(bytes));
  return prefix + toBase64Url(out);
}

describe('share links', () => {
  it('round-trip a multi-step program with unicode and long text exactly', () => {
    const text = encodeShare(PAYLOAD);
    expect(decodeShare(text)).toEqual(PAYLOAD);
    expect(RAG_STATE.generate_answer!.instruction.length).toBeGreaterThan(10_000);
  });

  it('are URL-safe: a version prefix, then only base64url characters', () => {
    const text = encodeShare(PAYLOAD);
    expect(text).toMatch(/^p1\.[A-Za-z0-9_-]+$/);
    const url = shareUrl('https://promptlab.example/app/?lang=en#old', PAYLOAD);
    expect(url).toBe(`https://promptlab.example/app/?lang=en#p=${text}`);
    expect(encodeURI(url)).toBe(url);
  });

  it('decode from a full URL, a fragment, fragment params and wrapped text', () => {
    const text = encodeShare(PAYLOAD);
    const wrapped = text.replace(/(.{60})/g, '$1\n  ');
    for (const form of [`https://x.example/#p=${text}`, `#p=${text}`, `#theme=dark&p=${text}&x=1`, `p=${text}`, ` ${text}\n`, `#p=${wrapped}`]) {
      expect(decodeShare(form)).toEqual(PAYLOAD);
    }
  });

  it('fit a typical program (CoT with 4 GSM8K demos and a tuned instruction) under the warning size', () => {
    const rows = fixtureData('gsm8k/train.jsonl').rows.slice(0, 4);
    const payload: SharePayload = {
      v: 1,
      spec: { version: 1, inputs: [{ name: 'question' }], steps: [{ id: 'solve', kind: 'chain_of_thought', signature: 'question -> answer: number' }], outputs: { answer: 'solve.answer' } },
      state: {
        solve: {
          instruction: 'Solve the grade-school math word problem step by step. Track every quantity with its unit, compute each intermediate result explicitly, double-check the arithmetic, and give the final answer as a single number without units.',
          demos: rows.map((r) => ({ fields: { question: r['question'], reasoning: r['reasoning'], answer: r['answer'] }, augmented: true })),
        },
      },
      meta: { name: 'GSM8K CoT', metric: { kind: 'numeric', field: 'answer' }, scores: { val: 0.52, test: 0.5 }, optimizer: 'BootstrapFewShot', model: 'Llama-3.2-1B-Instruct-q4f32_1' },
    };
    const url = shareUrl('https://promptlab.example/', payload);
    expect(url.length).toBeLessThan(SHARE_WARN_BYTES);
    expect(isShareLinkLong(url)).toBe(false);
    expect(decodeShare(url)).toEqual(payload);
  });

  it('flag links over the warning size', () => {
    const rows = fixtureData('hotpotqa/dev.jsonl').rows.slice(0, 8);
    const payload: SharePayload = {
      ...PAYLOAD,
      state: { ...RAG_STATE, generate_answer: { instruction: 'Answer.', demos: rows.map((r) => ({ fields: { context: r['context'], question: r['question'], answer: r['answer'] } })) } },
    };
    const url = shareUrl('https://promptlab.example/', payload);
    expect(isShareLinkLong(url)).toBe(true);
    expect(decodeShare(url)).toEqual(payload);
  });

  it('reject every truncation of a link as SHARE_INVALID', () => {
    const text = encodeShare(PAYLOAD);
    const codes = new Set<string | undefined>();
    for (let len = 3; len < text.length; len++) codes.add(codeOf(() => decodeShare(text.slice(0, len))));
    expect([...codes]).toEqual(['SHARE_INVALID']);
    expect(errorOf(() => decodeShare(text.slice(0, text.length >> 1))).hint).toMatch(/whole link/);
  });

  it('reject a link with any single bit flipped as SHARE_INVALID', () => {
    const text = encodeShare(PAYLOAD);
    const bytes = fromBase64Url(text.slice(3))!;
    const codes = new Set<string | undefined>();
    for (let i = 0; i < bytes.length; i++) {
      const flipped = bytes.slice();
      flipped[i]! ^= 1 << (i % 8);
      codes.add(codeOf(() => decodeShare(`p1.${toBase64Url(flipped)}`)));
    }
    expect([...codes]).toEqual(['SHARE_INVALID']);
    // A character swapped in the text (what chat apps do to links) is caught too.
    const swapped = text.slice(0, 40) + (text[40] === 'A' ? 'B' : 'A') + text.slice(41);
    expect(codeOf(() => decodeShare(swapped))).toBe('SHARE_INVALID');
  });

  it('reject text that is not a share link as SHARE_INVALID', () => {
    for (const text of ['', 'hello', 'https://promptlab.example/', 'p1.', 'p1.***', 'x1.AAAA']) {
      expect(codeOf(() => decodeShare(text))).toBe('SHARE_INVALID');
    }
    expect(codeOf(() => decodeShare(craft('{"v":1,'))) /* valid deflate, broken JSON */).toBe('SHARE_INVALID');
  });

  it('report an unknown format version as SHARE_VERSION, naming both versions', () => {
    const text = encodeShare(PAYLOAD);
    const err = errorOf(() => decodeShare(`p2.${text.slice(3)}`));
    expect(err.code).toBe('SHARE_VERSION');
    expect(err.details).toEqual({ version: 2, supported: [1] });
    expect(err.message).toContain('version 2');
    expect(err.hint).toMatch(/newer PromptLab/);
    // The payload's own version field is checked as well.
    expect(codeOf(() => decodeShare(craft(JSON.stringify({ ...PAYLOAD, v: 3 }))))).toBe('SHARE_VERSION');
  });

  it('refuse oversized link text before decoding it', () => {
    expect(codeOf(() => decodeShare(`p1.${'A'.repeat(SHARE_MAX_ENCODED_CHARS)}`))).toBe('SHARE_TOO_LARGE');
  });

  it('list schema violations of a crafted link in details.problems', () => {
    const bad = {
      ...PAYLOAD,
      spec: { ...RAG_SPEC, steps: [RAG_SPEC.steps[0], { id: 'x', kind: 'shell', command: 'rm -rf /' }] },
      meta: { apiKey: 'sk-secret', model: 'gpt' },
    };
    const err = errorOf(() => decodeShare(craft(JSON.stringify(bad))));
    expect(err.code).toBe('SHARE_INVALID');
    expect(err.details?.['problems']).toEqual([
      'spec.steps[1].kind: must be one of predict, chain_of_thought, retrieve, but got "shell"',
      'meta.apiKey: is not an allowed key here',
    ]);
  });

  it('refuse to encode an invalid payload, so every link made can be opened', () => {
    const bad = { ...PAYLOAD, state: { rewrite: { instruction: 7, demos: [] } } } as unknown as SharePayload;
    const err = errorOf(() => encodeShare(bad));
    expect(err.code).toBe('SHARE_INVALID');
    expect(err.details?.['problems']).toEqual(['state.rewrite.instruction: must be a string, but got 7']);
  });

  it('refuse to encode a payload over 2 MB of JSON', () => {
    const demos = Array.from({ length: 12 }, (_, i) => ({ fields: { question: `${i} ${'x'.repeat(190_000)}`, answer: 'a' } }));
    const big: SharePayload = { ...PAYLOAD, state: { generate_answer: { instruction: 'i', demos } } };
    expect(codeOf(() => encodeShare(big))).toBe('SHARE_TOO_LARGE');
  });

  it('have no place for API keys or endpoints anywhere in the payload schema', () => {
    const keys = new Set<string>();
    const walk = (schema: unknown): void => {
      if (!schema || typeof schema !== 'object') return;
      const s = schema as { entries?: Record<string, unknown>; options?: unknown[]; item?: unknown; value?: unknown; wrapped?: unknown };
      for (const [k, child] of Object.entries(s.entries ?? {})) {
        keys.add(k);
        walk(child);
      }
      for (const o of s.options ?? []) walk(o);
      walk(s.item);
      walk(s.value);
      walk(s.wrapped);
    };
    walk(SharePayloadSchema);
    expect(keys.size).toBeGreaterThan(30); // the walk really saw the nested schemas
    expect([...keys].filter((k) => /api.?key|auth|token|secret|password|bearer|endpoint|base.?url|header/i.test(k))).toEqual([]);
    // And an encoded payload carries exactly what was given: nothing is added on the way.
    const decoded = decodeShare(encodeShare(PAYLOAD));
    expect(JSON.stringify(decoded)).not.toMatch(/api.?key|authorization/i);
    expect(v.is(SharePayloadSchema, { ...PAYLOAD, meta: { ...PAYLOAD.meta, apiKey: 'sk-x' } })).toBe(false);
  });
});

// Issue 11, defect 9: a link is a program, so it must be one that runs, not only one of the
// right shape. Crafted links (made by hand, not by encodeShare) are refused with the reason.
describe('share links carry valid programs', () => {
  const withSpec = (spec: unknown) => craft(JSON.stringify({ ...PAYLOAD, spec }));

  it('refuses a link with a repeated step id, saying which', () => {
    const steps = [RAG_SPEC.steps[0]!, { ...RAG_SPEC.steps[0]!, description: 'again' }, ...RAG_SPEC.steps.slice(1)];
    const err = errorOf(() => decodeShare(withSpec({ ...RAG_SPEC, steps })));
    expect(err.code).toBe('SHARE_INVALID');
    expect(err.message).toContain('Two steps share the id "rewrite"');
    expect(err.details).toMatchObject({ reason: 'PROGRAM_INVALID' });
  });

  it('refuses a link whose binding names no step output or input', () => {
    const steps = RAG_SPEC.steps.map((s) => (s.id === 'retrieve' ? { ...s, bind: { query: 'rewrite.nowhere' } } : s));
    const err = errorOf(() => decodeShare(withSpec({ ...RAG_SPEC, steps })));
    expect(err.code).toBe('SHARE_INVALID');
    expect(err.message).toContain('"rewrite.nowhere"');
    expect(err.details).toMatchObject({ reason: 'PROGRAM_UNKNOWN_FIELD' });
  });

  it('refuses a link whose output no step produces, or whose steps loop', () => {
    expect(errorOf(() => decodeShare(withSpec({ ...RAG_SPEC, outputs: { answer: 'ghost.answer' } }))).code).toBe('SHARE_INVALID');
    const loop = RAG_SPEC.steps.map((s) => (s.id === 'rewrite' ? { ...s, bind: { question: 'generate_answer.answer' } } : s));
    expect(errorOf(() => decodeShare(withSpec({ ...RAG_SPEC, steps: loop }))).details).toMatchObject({ reason: 'PROGRAM_CYCLE' });
  });

  it('never makes a link it would refuse to open', () => {
    const steps = [RAG_SPEC.steps[0]!, RAG_SPEC.steps[0]!];
    expect(codeOf(() => encodeShare({ ...PAYLOAD, spec: { ...RAG_SPEC, steps } }))).toBe('SHARE_INVALID');
  });
});

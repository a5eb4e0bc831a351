/**
 * The response_format WebLLMModel sends, checked by web-llm's own code as far as Node allows
 * without weights or a GPU:
 * - web-llm's request check (`postInitAndCheckFieldsChatCompletion`, exported; the engine runs
 *   it on every chat request before generating) accepts our bodies, and the errors it raises
 *   for malformed formats map to LM_FORMAT_UNSUPPORTED;
 * - web-llm's bundled xgrammar, which the engine then hands `response_format.schema` to,
 *   compiles our schema strings, and the grammar accepts exactly the answers the schema allows.
 * What needs weights (tokenizer, GPU sampling under the grammar's token mask) is left out.
 */
import { ModelType, postInitAndCheckFieldsChatCompletion, type ChatCompletionRequestNonStreaming } from '@mlc-ai/web-llm';
import { beforeAll, describe, expect, it } from 'vitest';
import { outputSchema } from '../../../src/core/adapter';
import type { ResponseFormat } from '../../../src/core/lm/types';
import { parseSignature } from '../../../src/core/signature';
import { mapWebLLMError } from '../../../src/runtime/webllm-errors';
import { WebLLMModel } from '../../../src/runtime/webllm-lm';
import { FakeEngine } from './fake-engine';
import { loadWebLLMXGrammar } from './webllm-xgrammar';

const MODEL = 'Qwen2.5-0.5B-Instruct-q4f32_1-MLC';
const msgs = [
  { role: 'system' as const, content: 'sys' },
  { role: 'user' as const, content: 'hi' },
];
// Every field kind the adapter writes a schema for.
const SIG = parseSignature({ signature: 'text -> answer, label, score: number, ok: bool, tags: list, meta: json', labels: { label: ['yes', 'no'] } });
const SCHEMA = outputSchema(SIG) as unknown as Record<string, unknown>;

/** The exact body WebLLMModel hands the engine for `format`. */
async function bodyFor(format: ResponseFormat | undefined): Promise<ChatCompletionRequestNonStreaming> {
  const engine = new FakeEngine();
  const model = new WebLLMModel(MODEL, { createEngine: () => engine });
  await model.load();
  await model.call({ messages: msgs, temperature: 0, seed: 1, ...(format && { responseFormat: format }) });
  return engine.requests[0]!;
}

/** web-llm's check, run as its engine runs it; the error as its worker sends it (a string). */
function webllmCheck(body: ChatCompletionRequestNonStreaming): string | undefined {
  try {
    postInitAndCheckFieldsChatCompletion(structuredClone(body), MODEL, ModelType.LLM);
    return undefined;
  } catch (err) {
    return String(err);
  }
}

describe("web-llm's request check on WebLLMModel's bodies", () => {
  it('accepts the json_schema, json_object and plain bodies', async () => {
    for (const format of [{ type: 'json_schema', name: 'outputs', schema: SCHEMA, strict: true } as const, { type: 'json_object' } as const, undefined]) {
      expect(webllmCheck(await bodyFor(format))).toBeUndefined();
    }
  });

  it.each([
    // A schema under any type but json_object (e.g. OpenAI's "text").
    [{ type: 'text', schema: '{"type":"object"}' }, 'InvalidResponseFormatError'],
    [{ type: 'grammar' }, 'InvalidResponseFormatGrammarError'],
    [{ type: 'json_object', grammar: 'root ::= "a"' }, 'InvalidResponseFormatGrammarError'],
    [{ type: 'structural_tag' }, 'InvalidResponseFormatStructuralTagError'],
  ])('rejects the malformed response_format %j with %s, which maps to LM_FORMAT_UNSUPPORTED', async (format, errorName) => {
    const body = { ...(await bodyFor(undefined)), response_format: format as ChatCompletionRequestNonStreaming['response_format'] };
    const thrown = webllmCheck(body);
    expect(thrown).toMatch(new RegExp(`^${errorName}: `));
    const mapped = mapWebLLMError(thrown, MODEL, 'call');
    expect(mapped.code).toBe('LM_FORMAT_UNSUPPORTED');
    expect(mapped.message).toContain(MODEL);
  });

  it("lets web-llm's other request errors keep their codes (not a format problem)", async () => {
    const body = { ...(await bodyFor(undefined)), seed: 1.5 };
    const thrown = webllmCheck(body);
    expect(thrown).toMatch(/^SeedTypeError: /);
    expect(mapWebLLMError(thrown, MODEL, 'call').code).toBe('LM_SERVER');
  });
});

describe("web-llm's xgrammar on WebLLMModel's schemas", () => {
  let xgr: Awaited<ReturnType<typeof loadWebLLMXGrammar>>;
  beforeAll(async () => {
    xgr = await loadWebLLMXGrammar();
  });

  /** Compiles a schema as web-llm's pipeline does (defaults: any whitespace, strict mode). */
  async function compiles(schema: string | undefined): Promise<true> {
    const compiler = await xgr.GrammarCompiler.createGrammarCompiler(await xgr.TokenizerInfo.createTokenizerInfo([]), false);
    (await compiler.compileJSONSchema(schema)).dispose();
    return true;
  }
  const accepts = async (schema: string, text: string) => xgr.Testings.isGrammarAcceptString(await xgr.Grammar.fromJSONSchema(schema), text);

  it('compiles the json_schema body, and its grammar allows exactly the answers the schema does', async () => {
    const schema = (await bodyFor({ type: 'json_schema', name: 'outputs', schema: SCHEMA, strict: true })).response_format!.schema!;
    expect(await compiles(schema)).toBe(true);
    const ok = { answer: 'a', label: 'yes', score: 0.5, ok: true, tags: ['x'], meta: { any: [1] } };
    expect(await accepts(schema, JSON.stringify(ok))).toBe(true);
    expect(await accepts(schema, JSON.stringify(ok, null, 2))).toBe(true);
    expect(await accepts(schema, JSON.stringify({ ...ok, label: 'maybe' }))).toBe(false);
    expect(await accepts(schema, JSON.stringify({ ...ok, extra: 1 }))).toBe(false);
    const { score: _score, ...missing } = ok;
    expect(await accepts(schema, JSON.stringify(missing))).toBe(false);
    expect(await accepts(schema, 'Answer: a')).toBe(false);
  });

  it('compiles the json_object body to "any JSON object"; without a schema, web-llm 0.2.86 would fail the call', async () => {
    const schema = (await bodyFor({ type: 'json_object' })).response_format!.schema!;
    expect(await compiles(schema)).toBe(true);
    expect(await accepts(schema, '{"a": 1, "b": [true, null], "c": {"d": "e"}}')).toBe(true);
    expect(await accepts(schema, '{}')).toBe(true);
    expect(await accepts(schema, '[1]')).toBe(false);
    expect(await accepts(schema, 'plain text')).toBe(false);
    // web-llm compiles `response_format.schema` whenever the type is json_object. Should an
    // upgrade accept a missing schema, this fails and webllmResponseFormat can drop ANY_OBJECT.
    await expect(compiles(undefined)).rejects.toThrow(/Cannot pass non-string to std::string/);
  });

  it('a schema xgrammar cannot convert fails to compile (web-llm reports it as GrammarMatcherInitError)', async () => {
    // xgrammar prints its reason ("[FATAL] ... Unsupported type \"text\"") to stderr and throws
    // only "Aborted()": that is all web-llm's error, and so LM_FORMAT_UNSUPPORTED, can carry.
    await expect(compiles(JSON.stringify({ type: 'text' }))).rejects.toThrow(/Aborted/);
  });
});

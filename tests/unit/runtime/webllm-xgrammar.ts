/**
 * web-llm's own copy of xgrammar (the grammar compiler behind `response_format`), loaded in Node
 * for tests. No model weights are needed to compile a JSON Schema into a grammar and to check
 * strings against it: only a tokenizer is, and xgrammar's own tests use an empty one.
 *
 * web-llm bundles xgrammar (its wasm inlined as a data URL) but does not export it, and its
 * bundle reads `createRequire` and `location` as globals when it finds itself in Node. So we
 * copy the bundle unchanged into a temporary `node_modules` folder (which Vitest leaves to
 * Node's own loader rather than transforming 7 MB), with those two names declared at the top
 * and the internal xgrammar module exported at the bottom. The copy is web-llm's exact code.
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The parts of xgrammar's web API the tests call (names as in web-llm 0.2.86's bundle). */
interface XGrammar {
  TokenizerInfo: { createTokenizerInfo(vocab: string[]): Promise<unknown> };
  GrammarCompiler: { createGrammarCompiler(info: unknown, cacheEnabled?: boolean): Promise<{ compileJSONSchema(schema: string | undefined): Promise<{ dispose(): void }> }> };
  Grammar: { fromJSONSchema(schema: string): Promise<unknown> };
  Testings: { isGrammarAcceptString(grammar: unknown, text: string): Promise<boolean> };
}

/** The name web-llm's bundle gives the xgrammar module it uses for `response_format`. */
const INTERNAL_NAME = 'libExports$1';

export async function loadWebLLMXGrammar(): Promise<XGrammar> {
  const bundlePath = createRequire(import.meta.url).resolve('@mlc-ai/web-llm');
  const source = readFileSync(bundlePath, 'utf8');
  // Fail loudly if a web-llm upgrade renamed the module: the tests would otherwise load nothing.
  if (!source.includes(`var ${INTERNAL_NAME} = requireLib$1();`) || !source.includes('GrammarCompiler')) {
    throw new Error(`web-llm's bundle (${bundlePath}) no longer has xgrammar as ${INTERNAL_NAME}: update tests/unit/runtime/webllm-xgrammar.ts.`);
  }
  const root = mkdtempSync(join(tmpdir(), 'webllm-xgrammar-'));
  const dir = join(root, 'node_modules', 'webllm-copy');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'index.mjs');
  const header = "import { createRequire } from 'node:module';\nconst location = { href: import.meta.url };\n";
  writeFileSync(file, `${header}${source}\nexport { ${INTERNAL_NAME} as xgrammar };\n`);
  try {
    const mod = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as { xgrammar: XGrammar };
    return mod.xgrammar;
  } finally {
    // Loaded modules stay in memory, and xgrammar's wasm is inlined: the copy is no longer read.
    rmSync(root, { recursive: true, force: true });
  }
}

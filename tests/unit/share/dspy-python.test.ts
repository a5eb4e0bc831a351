/**
 * The DSPy Python export, checked with Python itself: the file parses for every program the
 * product offers (each template, each gallery example) and for a multi-step program with
 * awkward names; run against a stub `dspy` (tests/fixtures/dspy_stub) next to the exported
 * JSON, `program.load` finds a predictor for every JSON key under the same name and with the
 * same fields, and `forward` runs end to end, wired as the ProgramSpec binds the steps.
 * User text can only ever be a string literal's value.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildFromTemplate, resolveProgram, TEMPLATE_NAMES, type ProgramSpec, type ProgramState } from '../../../src/core/program';
import { dspyPredictorKey, toDspyJson, toDspyPython } from '../../../src/core/share';
import { pyDocstring, pyString } from '../../../src/core/share/python-text';
import { EXAMPLE_DATASETS } from '../../../src/ui/setup/examples';
import { errorOf } from './fixtures';

const STUB = resolve(__dirname, '../../fixtures/dspy_stub');
/** The interpreter behind `python3` (found once: a version manager's shim is slow to start). */
const PYTHON = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout?.trim() || undefined;
if (!PYTHON) console.warn('dspy-python.test.ts: python3 is not on PATH, so the tests that run Python are skipped.');
/** A test that runs only with python3 on PATH (it is on the dev machine and in CI); Python starts slowly on a busy machine. */
const withPython = (name: string, fn: () => void) => (PYTHON ? it : it.skip)(name, fn, 60_000);

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function python(args: string[], input?: string): string {
  const out = spawnSync(PYTHON!, args, { input, encoding: 'utf8', env: { ...process.env, PYTHONIOENCODING: 'utf-8' } });
  if (out.status !== 0) throw new Error(`python3 failed (${out.status}):\n${out.stderr}`);
  return out.stdout;
}

/** Parses `source` with Python's own parser; throws with Python's SyntaxError otherwise. */
function parsePython(source: string): void {
  python(['-c', 'import ast,sys; ast.parse(sys.stdin.read())'], source);
}

interface StubRun {
  parameters: string[];
  prediction: Record<string, unknown>;
  calls: { predictor: string; inputs: Record<string, unknown> }[];
  docstrings: Record<string, string>;
  instructions: Record<string, string>;
  demos: Record<string, Record<string, unknown>[]>;
  settings: string[];
}

/** Writes the snippet and the JSON side by side and runs `program(**inputs)` on the stub. */
function runOnStub(python_: string, json: unknown, inputs: Record<string, unknown>): StubRun {
  const dir = mkdtempSync(join(tmpdir(), 'dspy-py-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'program.py'), python_);
  writeFileSync(join(dir, 'program.json'), JSON.stringify(json, null, 2));
  return JSON.parse(python([join(STUB, 'run_program.py'), join(dir, 'program.py'), JSON.stringify(inputs)])) as StubRun;
}

/** Some value per program input. */
function sampleInputs(spec: ProgramSpec): Record<string, unknown> {
  return Object.fromEntries(spec.inputs.map((f) => [f.name, f.type === 'list' ? ['a passage', 'another'] : `value of ${f.name}`]));
}

/** Checks the export of `spec` end to end on the stub and returns the run. */
function exportAndRun(spec: ProgramSpec, state: ProgramState = {}): StubRun {
  const source = toDspyPython(spec, state);
  parsePython(source);
  const json = toDspyJson(spec, state);
  const run = runOnStub(source, json, sampleInputs(spec));
  // Every JSON key is a predictor of the module and every predictor has its key (the stub's load checks both).
  expect(run.parameters).toEqual(Object.keys(json).filter((k) => k !== 'metadata'));
  // forward calls the steps in the program's order and returns the program's outputs.
  expect(run.calls.map((c) => c.predictor)).toEqual(resolveProgram(spec).steps.map((s) => dspyPredictorKey(s.spec)));
  expect(Object.keys(run.prediction)).toEqual(Object.keys(spec.outputs));
  expect(run.settings).toEqual(['adapter']);
  return run;
}

/** The programs the product offers: each template, and each gallery example's suggestion. */
const OFFERED: [string, ProgramSpec][] = [
  ...TEMPLATE_NAMES.map((template): [string, ProgramSpec] => [
    `template ${template}`,
    buildFromTemplate({ template, signature: template === 'classify' ? 'text -> label: labels(positive|negative)' : 'question -> answer' }),
  ]),
  ...EXAMPLE_DATASETS.map((ex): [string, ProgramSpec] => [`gallery ${ex.name}`, buildFromTemplate({ template: ex.template, signature: ex.signature })]),
  ['rag over an input of passages', buildFromTemplate({ template: 'rag', signature: 'question -> answer', corpus: { from: 'input', field: 'paragraphs' } })],
];

/**
 * Four steps with everything that is awkward in Python: a Python keyword as an input, a field
 * and a step id; a step id that is the module class's name and one that is `dspy`; typed
 * fields (number, boolean, list, JSON, labels with quotes); two sources joined into one
 * input; a program output straight from an input.
 */
const AWKWARD: ProgramSpec = {
  version: 1,
  name: 'Awkward """ names\nimport os',
  inputs: [{ name: 'from', description: 'where the "question" comes from' }, { name: 'global' }, { name: 'docs', type: 'list' }],
  steps: [
    { id: 'program', kind: 'predict', signature: { inputs: ['from', 'global'], outputs: [{ name: 'class', type: 'labels', labels: ["it's", 'say "no"', 'both \' and "'] }, { name: 'query' }] } },
    { id: 'lookup', kind: 'retrieve', k: 2, corpus: { from: 'input', field: 'docs' }, bind: { query: 'program.query' } },
    { id: 'import', kind: 'chain_of_thought', signature: { inputs: ['context', { name: 'count', type: 'number' }], outputs: [{ name: 'ok', type: 'boolean' }, { name: 'facts', type: 'json' }] }, bind: { context: ['lookup.passages', 'docs'], count: 'program.class' } },
    { id: 'dspy', kind: 'predict', signature: { inputs: ['facts'], outputs: [{ name: 'lambda', type: 'list' }] } },
  ],
  outputs: { class: 'program.class', lambda: 'dspy.lambda', echo: 'global' },
};

const HOSTILE = 'Ignore """ this\n"""\nimport os; os.system("echo pwned")\n\\ ends with a backslash \\';

describe('DSPy Python export', () => {
  for (const [name, spec] of OFFERED) {
    withPython(`parses, loads its JSON and runs forward on the stub: ${name}`, () => {
      exportAndRun(spec);
    });
  }

  withPython('wires a multi-hop program as its ProgramSpec binds it, joining both hops\' passages for the answer', () => {
    const spec = buildFromTemplate({ template: 'multi_hop', signature: 'question -> answer' });
    const run = exportAndRun(spec);
    const [q1, r1, q2, r2, answer] = run.calls;
    expect(q1!.inputs).toEqual({ question: 'value of question' });
    expect(r1!.inputs).toEqual({ query: 'generate_query_1.predict.query' });
    const hop1 = [1, 2, 3].map((i) => `retrieve_1 passage ${i} for generate_query_1.predict.query`);
    const hop2 = [1, 2, 3].map((i) => `retrieve_2 passage ${i} for generate_query_2.predict.query`);
    expect(q2!.inputs).toEqual({ context: hop1, question: 'value of question' });
    expect(r2!.inputs).toEqual({ query: 'generate_query_2.predict.query' });
    expect(answer!.inputs).toEqual({ context: [...hop1, ...hop2], question: 'value of question' });
    expect(run.prediction).toEqual({ answer: 'generate_answer.predict.answer' });
  });

  withPython('loads the optimized instructions and demos into the predictors, and the docstrings are the instructions', () => {
    const spec = buildFromTemplate({ template: 'chain_of_thought', signature: 'question -> answer' });
    const instruction = 'Answer in one word. Quote "exactly"; keep C:\\paths and ünïcödé 漢字 👩🏽‍🔬, no\u202eoverride.';
    const state: ProgramState = { generate: { instruction, demos: [{ fields: { question: 'Capital of France?', reasoning: 'Known.', answer: 'Paris' }, augmented: true }] } };
    const run = exportAndRun(spec, state);
    expect(run.docstrings).toEqual({ 'generate.predict': instruction });
    expect(run.instructions).toEqual({ 'generate.predict': instruction });
    expect(run.demos['generate.predict']).toEqual([{ augmented: true, question: 'Capital of France?', reasoning: 'Known.', answer: 'Paris' }]);
  });

  withPython('runs a program with Python keywords, a step named like the module class and typed fields', () => {
    const state: ProgramState = { program: { instruction: HOSTILE, demos: [] }, import: { instruction: 'Check.', demos: [] }, dspy: { instruction: 'List.', demos: [] } };
    const source = toDspyPython(AWKWARD, state);
    const run = exportAndRun(AWKWARD, state);
    expect(run.instructions.program).toBe(HOSTILE);
    expect(run.calls[0]!.inputs).toEqual({ from: 'value of from', global: 'value of global' });
    // `count` is bound to program.class; `context` joins the retrieved passages and the docs input.
    expect(run.calls[2]!.inputs).toEqual({ context: ['lookup passage 1 for program.query', 'lookup passage 2 for program.query', 'a passage', 'another'], count: 'program.class' });
    expect(run.prediction).toEqual({ class: 'program.class', lambda: 'dspy.lambda', echo: 'value of global' });
    expect(source).toContain('Literal["it\'s", "say \\"no\\"", "both \' and \\""]');
  });

  withPython('user text only ever fills string literals: hostile text gives the same syntax tree as plain text', () => {
    const plain: ProgramSpec = { ...AWKWARD, name: 'plain', inputs: AWKWARD.inputs.map((f) => ({ ...f, ...(f.description && { description: 'plain' }) })) };
    const hostile: ProgramSpec = { ...AWKWARD, name: HOSTILE, inputs: AWKWARD.inputs.map((f) => ({ ...f, ...(f.description && { description: HOSTILE }) })) };
    const skeleton = (spec: ProgramSpec, instruction: string) =>
      python(
        ['-c', 'import ast,sys\nt=ast.parse(sys.stdin.read())\nfor n in ast.walk(t):\n  if isinstance(n, ast.Constant) and isinstance(n.value, str): n.value = "S"\nprint(ast.dump(t))'],
        // `program` has a keyword field (a functional signature), `import` none (a class with a docstring).
        toDspyPython(spec, { program: { instruction, demos: [] }, import: { instruction, demos: [] } }),
      );
    expect(skeleton(hostile, HOSTILE)).toBe(skeleton(plain, 'plain'));
  });

  withPython('string literals read back as exactly the text: quotes, backslashes, newlines, non-ASCII, invisible characters', () => {
    const texts = [
      'plain', '', '"', '""""', "'", '\\', 'ends with \\', 'a\nb\r\nc\td', 'tab\u000bvt\u000cff\u0000nul\u007fdel\u0085nel',
      'ünïcödé 漢字かな עברית 👩🏽‍🔬🚀 é', 'line\u2028sep\u2029para', 'bidi \u202e override \u2066 isolate', 'zero\u200bwidth \ufeff bom',
      'nbsp\u00a0 and thin\u2009space', 'lone \ud800 surrogate', 'private \ue000 use', '${answer}', '{question} %s {0}',
    ];
    const literals = texts.flatMap((t) => [pyString(t), pyDocstring(t)]);
    const read = JSON.parse(python(['-c', 'import ast,json,sys\nprint(json.dumps([ast.literal_eval(s) for s in json.load(sys.stdin)]))'], JSON.stringify(literals))) as string[];
    expect(read).toEqual(texts.flatMap((t) => [t, t]));
    // What a reader cannot see is escaped; readable text stays as it is.
    expect(pyString('bidi \u202e x')).toBe('"bidi \\u202e x"');
    expect(pyString('ünï 👩🏽‍🔬')).toBe('"ünï 👩🏽\\u200d🔬"');
    for (const lit of literals) expect(lit).not.toMatch(/[\u2028\u2029\u202a-\u202e\u2066-\u2069\r]/);
  });

  it('refuses a step id that dspy.Module uses itself, and an input named self, naming them', () => {
    const spec = buildFromTemplate({ template: 'predict', signature: 'question -> answer' });
    const forward: ProgramSpec = { ...spec, steps: [{ ...spec.steps[0]!, id: 'forward' } as ProgramSpec['steps'][number]], outputs: { answer: 'forward.answer' } };
    const err = errorOf(() => toDspyPython(forward, {}));
    expect(err.code).toBe('DSPY_INVALID');
    expect(err.message).toContain('"forward"');
    // program(self=...) cannot work: Module.__call__ takes `self` itself.
    const self = buildFromTemplate({ template: 'predict', signature: 'self -> answer' });
    expect(errorOf(() => toDspyPython(self, {})).message).toContain('"self"');
  });

  withPython('the stub has teeth: a JSON key the module does not have fails the load', () => {
    const spec = buildFromTemplate({ template: 'chain_of_thought', signature: 'question -> answer' });
    const json = toDspyJson(spec, {}) as Record<string, unknown>;
    // A ChainOfThought saved as "generate" (not "generate.predict") names no parameter of the module.
    const renamed = { generate: json['generate.predict'], metadata: json.metadata };
    expect(() => runOnStub(toDspyPython(spec, {}), renamed, { question: 'q' })).toThrow(/do not name the module's parameters/);
    // Fields that differ from the signature class fail too.
    const fields = structuredClone(json) as { 'generate.predict': { signature: { fields: { prefix: string }[] } } };
    fields['generate.predict'].signature.fields[0]!.prefix = 'Query:';
    expect(() => runOnStub(toDspyPython(spec, {}), fields, { question: 'q' })).toThrow(/are not the signature's/);
  });
});

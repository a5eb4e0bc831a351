/**
 * The headless runner says what it did to the data and to the cache, as a child process
 * against the scripted server: a Latin-1 file, parse warnings, unreadable cache lines, a full
 * disk, and the size limits (`--max-data-mb`, `--max-rows`, a device as the data path).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOptimizeCli } from './cli-process';
import { startScriptedServer, type ScriptedServer } from '../../fixtures/scripted-server';


interface Outcome {
  code: number;
  stderr: string;
  result: { data: { rows: number; warnings?: string[] } } | undefined;
}

async function optimize(dir: string, config: unknown, extra: string[] = [], env: Record<string, string> = {}): Promise<Outcome> {
  writeFileSync(join(dir, 'run.json'), JSON.stringify(config));
  const out = join(dir, 'result.json');
  const read = () => {
    try {
      return JSON.parse(readFileSync(out, 'utf8')) as Outcome['result'];
    } catch {
      return undefined;
    }
  };
  const { code, stderr } = await runOptimizeCli(['--config', join(dir, 'run.json'), '--out', out, '--cache-dir', join(dir, 'cache'), ...extra], { cwd: dir, env });
  return { code, stderr, result: read() };
}

describe('npm run optimize: data and cache', () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await startScriptedServer({ handler: () => '[[ ## label ## ]]\nalpha\n\n[[ ## completed ## ]]' });
  });
  afterAll(async () => {
    await server?.close();
  });

  /** A fresh folder holding `file` (name -> contents) and a config reading it. */
  function setup(name: string, contents: string | Buffer, data: Record<string, unknown> = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'promptlab-cli-data-'));
    writeFileSync(join(dir, name), contents);
    const config = {
      program: { template: 'predict', signature: 'text -> label' },
      data: { path: name, split: { train: 0.5, val: 0.5 }, seed: 0, ...data },
      metric: { kind: 'exact_match', field: 'label' },
      optimizer: { kind: 'none' },
      models: { task: { provider: 'openai-compatible', baseURL: server.url, model: 'm', output: 'chat' } },
      seed: 0,
    };
    return { dir, config };
  }

  const words = (n: number) => `text,label\n${Array.from({ length: n }, (_, i) => `word${i},${i % 2 ? 'alpha' : 'beta'}`).join('\n')}\n`;

  it('reads a Latin-1 file as Windows-1252 and says so with the first line that is not UTF-8', async () => {
    const { dir, config } = setup('latin1.csv', Buffer.from('text,label\ncafé,alpha\nnaïve,beta\ncrème,alpha\n', 'latin1'));
    server.reset();
    const { code, stderr, result } = await optimize(dir, config);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/not valid UTF-8 \(first at line 2\).*Windows-1252/);
    const sent = JSON.stringify(server.requests.map((r) => r.body));
    expect(sent).not.toContain('\\ufffd');
    expect(sent).not.toContain('\uFFFD');
    expect(sent).toMatch(/café|naïve|crème/);
    expect(result!.data.warnings).toEqual([expect.stringMatching(/line 2.*Windows-1252/)]);
  });

  it('prints the parse warnings and puts them in result.json', async () => {
    // Line 4: a quote closes and the value goes on ("c" x"), which papaparse reads as best it can.
    const csv = 'text,label,label\na,alpha,x\nb\n"c" x",beta,y\nd,alpha,z\ne,beta,w\n';
    const { dir, config } = setup('warned.csv', csv);
    const { code, stderr, result } = await optimize(dir, config);
    expect(code, stderr).toBe(0);
    const warnings = result!.data.warnings!;
    expect(warnings).toEqual(expect.arrayContaining([
      expect.stringContaining('repeats the name "label"'),
      expect.stringContaining('Line 3: has 1 cells'),
      expect.stringMatching(/^Line 4: /),
    ]));
    for (const w of warnings) expect(stderr).toContain(w);
  });

  it('counts and prints unreadable cache lines', async () => {
    const { dir, config } = setup('words.csv', words(6));
    mkdirSync(join(dir, 'cache'));
    writeFileSync(join(dir, 'cache', 'cache.jsonl'), 'not json\n{"k": 1}\n');
    const { code, stderr } = await optimize(dir, config);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/LM cache: 2 unreadable lines in \S*cache\.jsonl were skipped/);
  });

  it('on a full disk warns once at the first failed cache write, writes the result, and exits 3', async () => {
    const { dir, config } = setup('words.csv', words(10));
    const preload = resolve(__dirname, '../../fixtures/full-disk.mjs');
    const { code, stderr, result } = await optimize(dir, config, [], { NODE_OPTIONS: `--import=${preload}` });
    expect(stderr.match(/could not write the LM cache/g), stderr).toHaveLength(1);
    expect(stderr).toContain('ENOSPC');
    expect(result?.data.rows).toBe(10);
    expect(code).toBe(3);
  });

  it('refuses more rows than --max-rows, and a file larger than --max-data-mb, naming the flag; the flags raise the limits', async () => {
    const { dir, config } = setup('words.csv', words(10));
    const rows = await optimize(dir, config, ['--max-rows', '5']);
    expect(rows.code).toBe(2);
    expect(rows.stderr).toMatch(/more than 5 rows/);
    expect(rows.stderr).toContain('--max-rows');

    const size = await optimize(dir, config, ['--max-data-mb', '0.0001']);
    expect(size.code).toBe(2);
    expect(size.stderr).toContain('--max-data-mb');

    const raised = await optimize(dir, config, ['--max-rows', '10', '--max-data-mb', '1']);
    expect(raised.code, raised.stderr).toBe(0);

    const bad = await optimize(dir, config, ['--max-rows', 'many']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--max-rows');
  });

  it('/dev/zero as the data path is a clear usage error', async () => {
    const { dir, config } = setup('unused.csv', '', { path: '/dev/zero' });
    const { code, stderr } = await optimize(dir, config);
    expect(code).toBe(2);
    expect(stderr).toContain('/dev/zero');
    expect(stderr).not.toContain('Invalid string length');
    expect(stderr).not.toMatch(/bug/i);
  });
});

/**
 * Peak memory of the headless runner on a large dataset:
 *
 *   npm run bench:data -- [--mb 50] [--format csv|jsonl] [--shape text|wide] [--max-data-mb N] [--max-rows N] [--keep]
 *
 * Generates a dataset of about `--mb` megabytes (`text`: question/context/answer, ~200 bytes a
 * row, some accented words so the text is not pure ASCII; `wide`: 12 short cells a row, the
 * worst case per byte, since every cell costs a string and a property) in a temporary folder, then runs
 * `src/cli/optimize.ts` on it as a user would, under `/usr/bin/time -v`, against the scripted
 * server. The config asks for 2 training and 2 validation rows (counts), so the LM work is a
 * few calls and the figure is the cost of reading, parsing, mapping and splitting the file.
 * Prints the exit code, the runner's data lines, the peak RSS and its ratio to the file size,
 * and a PASS/FAIL line for the target (peak <= 10x the file, or a refusal naming the flag).
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg } from './args';
import { startScriptedServer } from '../tests/fixtures/scripted-server';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const WORDS = ['apple', 'river', 'café', 'stone', 'garden', 'naïve', 'window', 'orbit', 'lamp', 'piano', 'crème', 'forest', 'cloud', 'engine', 'harbor'];

type Shape = 'text' | 'wide';

/** A deterministic row: `text` about 200 bytes in 4 columns, `wide` 12 short cells (numbers and words). */
function row(i: number, format: 'csv' | 'jsonl', shape: Shape): string {
  if (shape === 'wide') {
    const cells = { id: i, question: `q${i}`, answer: WORDS[i % WORDS.length]!, ...Object.fromEntries(Array.from({ length: 9 }, (_, k) => [`f${k}`, (i * (k + 3)) % 1000])) };
    return format === 'jsonl' ? `${JSON.stringify(cells)}\n` : `${Object.values(cells).join(',')}\n`;
  }
  const w = (k: number) => WORDS[(i * 7 + k * 13) % WORDS.length]!;
  const question = `What is the ${w(1)} of the ${w(2)} number ${i}?`;
  const context = `The ${w(3)} near the ${w(4)} holds a ${w(5)}, and the ${w(6)} follows the ${w(7)} ${i % 97} times; see ${w(8)}.`;
  const answer = `${w(9)} ${i % 1000}`;
  if (format === 'jsonl') return `${JSON.stringify({ id: i, question, context, answer })}\n`;
  return `${i},"${question}","${context}",${answer}\n`;
}

async function generate(file: string, bytes: number, format: 'csv' | 'jsonl', shape: Shape): Promise<number> {
  const out = createWriteStream(file);
  if (format === 'csv') out.write(shape === 'wide' ? `id,question,answer,${Array.from({ length: 9 }, (_, k) => `f${k}`).join(',')}\n` : 'id,question,context,answer\n');
  let written = 0;
  let rows = 0;
  while (written < bytes) {
    let chunk = '';
    for (let k = 0; k < 1000; k++) chunk += row(rows++, format, shape);
    written += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r, j) => out.end((err?: Error | null) => (err ? j(err) : r())));
  return rows;
}

/** The runner's stderr, with `/usr/bin/time -v`'s report at its end. */
function runTimed(command: string[]): Promise<string> {
  return new Promise((ok, fail) => {
    const child = spawn('/usr/bin/time', ['-v', ...command], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', fail);
    child.on('close', () => ok(err));
  });
}

/** `--max-data-mb N` and `--max-rows N`, passed on to the runner. */
function runnerFlags(): string[] {
  const out: string[] = [];
  for (const flag of ['max-data-mb', 'max-rows']) {
    const v = arg(flag);
    if (v !== undefined) out.push(`--${flag}`, v);
  }
  return out;
}

async function main(): Promise<void> {
  const mb = Number(arg('mb') ?? 50);
  const format = arg('format') === 'jsonl' ? 'jsonl' : 'csv';
  const dir = mkdtempSync(join(tmpdir(), 'promptlab-bench-data-'));
  const file = join(dir, `data.${format}`);
  const shape: Shape = arg('shape') === 'wide' ? 'wide' : 'text';
  const rows = await generate(file, mb * 1024 * 1024, format, shape);
  const size = statSync(file).size;
  const server = await startScriptedServer({ handler: () => '[[ ## answer ## ]]\nx\n\n[[ ## completed ## ]]' });
  writeFileSync(join(dir, 'run.json'), JSON.stringify({
    program: { template: 'predict', signature: shape === 'wide' ? 'question -> answer' : 'question, context -> answer' },
    data: { path: file, split: { train: 2, val: 2 }, seed: 0 },
    metric: { kind: 'exact_match', field: 'answer' },
    optimizer: { kind: 'none' },
    models: { task: { provider: 'openai-compatible', baseURL: server.url, model: 'm', output: 'chat' } },
  }));
  // `node --import tsx` runs the runner in this one process (tsx's own CLI would fork), so
  // time's "maximum resident set size" is the runner's.
  const extra = runnerFlags();
  // Asynchronously: the scripted server answers from this process's event loop.
  const stderr = await runTimed([process.execPath, '--import', 'tsx', join(ROOT, 'src/cli/optimize.ts'), '--config', join(dir, 'run.json'), '--out', join(dir, 'result.json'), '--no-cache', ...extra]);
  await server.close();
  const peakKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? NaN);
  const status = Number(/Exit status: (\d+)/.exec(stderr)?.[1] ?? NaN);
  const peakMb = peakKb / 1024;
  const fileMb = size / 1024 / 1024;
  const runnerLines = stderr.split('\n').filter((l) => /^(Data|error|hint|warning|val )/.test(l));
  console.log(`file: ${format} (${shape}), ${fileMb.toFixed(1)} MB, ${rows} rows`);
  for (const l of runnerLines) console.log(`runner: ${l.slice(0, 200)}`);
  console.log(`exit code: ${status}`);
  console.log(`peak RSS: ${peakMb.toFixed(0)} MB = ${(peakMb / fileMb).toFixed(1)}x the file`);
  const refused = status !== 0 && /--max-(data-mb|rows)/.test(stderr);
  const ok = (status === 0 && peakMb <= 10 * fileMb) || refused;
  console.log(`${ok ? 'PASS' : 'FAIL'}: peak <= 10x the file size${refused ? ' (refused, naming the flag)' : ''}`);
  if (!process.argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
  else console.log(`kept: ${dir}`);
  process.exitCode = ok ? 0 : 1;
}

void main();

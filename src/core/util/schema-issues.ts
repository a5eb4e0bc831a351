/**
 * Readable lines from valibot issues, shared by every schema in the core (programs, share
 * links, DSPy files, optimizer options): each line is the path of the bad value and what was
 * wrong with it, in the "must be X, but got Y" form.
 */
import type * as v from 'valibot';
import { NAME_RE } from './names';

/**
 * Turns valibot issues into readable lines with the path of the bad value, e.g.
 * `steps[1].kind: must be one of predict, chain_of_thought, retrieve, but got "foo"`.
 * `root` prefixes every path (e.g. `"spec"`).
 */
export function issuesToMessages(issues: readonly v.BaseIssue<unknown>[], root = ''): string[] {
  const lines: string[] = [];
  const walk = (issue: v.BaseIssue<unknown>, prefix: readonly v.IssuePathItem[]): void => {
    const path = [...prefix, ...(issue.path ?? [])];
    // A union reports its options' issues with paths relative to itself. Options that failed
    // only on their type at the union's own position say nothing useful ("must be a string");
    // the others name the real problem ("inputs[0]: ..."), so report those when there are any.
    const deeper = (issue.issues ?? []).filter((i) => i.type === 'union' || i.kind !== 'schema' || (i.path?.length ?? 0) > 0);
    if (issue.type === 'union' && deeper.length > 0) {
      for (const sub of deeper) walk(sub, path);
      return;
    }
    lines.push(`${formatPath(path, root) || '(top level)'}: ${describe(issue)}`);
  };
  for (const issue of issues) walk(issue, []);
  return [...new Set(lines)];
}

function formatPath(path: readonly v.IssuePathItem[], root: string): string {
  let out = root;
  for (const item of path) {
    const key = (item as { key?: unknown }).key;
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && NAME_RE.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

function describe(issue: v.BaseIssue<unknown>): string {
  const got = issue.received;
  // A missing key arrives as an object issue whose "expected" is the key's name.
  if (got === 'undefined') return 'is required but missing';
  switch (issue.type) {
    case 'strict_object':
      if (issue.expected === 'never') return 'is not an allowed key here';
      break;
    case 'max_length':
    case 'min_length': {
      const unit = typeof issue.input === 'string' ? 'characters' : 'items';
      const bound = issue.type === 'max_length' ? 'at most' : 'at least';
      return `must have ${bound} ${String(issue.requirement)} ${unit}, but has ${got}`;
    }
    case 'max_entries':
      return `must have at most ${String(issue.requirement)} entries, but has ${got}`;
    case 'min_value':
      return `must be at least ${String(issue.requirement)}, but got ${got}`;
    case 'max_value':
      return `must be at most ${String(issue.requirement)}, but got ${got}`;
    case 'integer':
      return `must be a whole number, but got ${got}`;
    case 'finite':
      return `must be a finite number, but got ${got}`;
    case 'regex':
    case 'raw_check':
    case 'custom':
    case 'check':
    case 'partial_check':
      return issue.message;
  }
  return `must be ${friendlyExpected(issue.expected)}, but got ${got}`;
}

function friendlyExpected(expected: string | null): string {
  if (!expected) return 'valid';
  const options = expected.replace(/^\((.*)\)$/, '$1').split(' | ').map((o) => o.trim());
  const word = (o: string): string => {
    if (/^".*"$/.test(o)) return o.slice(1, -1);
    if (o === 'Object') return 'an object';
    if (o === 'Array') return 'a list';
    if (o === 'string' || o === 'number' || o === 'boolean') return `a ${o}`;
    return o;
  };
  if (options.length === 1) return word(options[0]!);
  if (options.every((o) => /^".*"$/.test(o) || /^\d+$/.test(o))) return `one of ${options.map(word).join(', ')}`;
  return options.map(word).join(' or ');
}


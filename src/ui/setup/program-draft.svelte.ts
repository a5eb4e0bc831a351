/**
 * The program part of the workspace: either a template with a signature (the quick path) or
 * a step-by-step spec. Validation is live and cheap (parseSignature / buildFromTemplate /
 * resolveProgram on the main thread); results are derived, never stored.
 */
import type { ErrorData } from '../../core/errors';
import { buildFromTemplate, TEMPLATE_NAMES, type TemplateName, type TemplateOptions } from '../../core/program';
import { resolveProgram } from '../../core/program';
import type { ProgramSpec, ProgramState, RetrieveStep, StepSpec } from '../../core/program';
import { parseSignature } from '../../core/signature';
import type { Signature, SignatureInput } from '../../core/signature';
import type { ProgramConfig } from '../../core/runner';
import { toErrorData } from '../../core/errors';
import { bindingsToText, fieldsToText, outputsToText, parseBindings, parseFieldList, parseOutputs, signatureText } from './program-text';

export { TEMPLATE_NAMES, type TemplateName };

export type CorpusMode = 'passages' | 'column' | 'input';

/** One step as the editor holds it (text fields, parsed on every change). */
export interface StepDraft {
  id: string;
  kind: StepSpec['kind'];
  signature: string;
  instruction: string;
  bind: string;
  k: number;
  /** Retrieve steps: "corpus:passages" or "input:<field>". */
  corpus: string;
  /** The structured signature it came from, kept while the text is unchanged (keeps descriptions). */
  original?: { text: string; value: SignatureInput };
}

export interface ProgramSnapshot {
  mode: 'template' | 'custom';
  template: TemplateName;
  signature: string;
  labels: string;
  instruction: string;
  name: string;
  k: number;
  corpusMode: CorpusMode;
  passages: string;
  corpusColumn: string;
  inputs: string;
  outputs: string;
  steps: StepDraft[];
  state?: ProgramState;
}

type Built = { spec: ProgramSpec; error?: undefined } | { spec?: undefined; error: ErrorData };

export class ProgramDraft {
  mode = $state<'template' | 'custom'>('template');
  template = $state<TemplateName>('chain_of_thought');
  signature = $state('question -> answer');
  /** Labels for the first output, "a, b, c" or "a|b|c". */
  labels = $state('');
  instruction = $state('');
  name = $state('');
  k = $state(3);
  corpusMode = $state<CorpusMode>('passages');
  passages = $state('');
  corpusColumn = $state('');
  /** Custom mode: program inputs, outputs and steps as text. */
  inputs = $state('question');
  outputs = $state('answer=generate.answer');
  steps = $state<StepDraft[]>([]);
  /** Optimized instructions and demos (from a share link or a DSPy file). */
  state = $state.raw<ProgramState | undefined>(undefined);

  readonly parsedSignature: { sig?: Signature; error?: ErrorData } = $derived.by(() => {
    try {
      return { sig: parseSignature(this.signature) };
    } catch (err) {
      return { error: toErrorData(err) };
    }
  });

  readonly labelList = $derived(this.labels.split(/[|,]/).map((s) => s.trim()).filter(Boolean));

  readonly usesRetrieval = $derived(this.mode === 'template' ? this.template === 'rag' || this.template === 'multi_hop' : this.steps.some((s) => s.kind === 'retrieve'));

  readonly built: Built = $derived.by(() => {
    try {
      const spec = this.mode === 'template' ? buildFromTemplate(this.templateOptions()) : this.customSpec();
      resolveProgram(spec);
      return { spec };
    } catch (err) {
      return { error: toErrorData(err) };
    }
  });

  readonly inputNames = $derived(this.built.spec?.inputs.map((f) => f.name) ?? []);
  readonly labelNames = $derived(Object.keys(this.built.spec?.outputs ?? {}));

  templateOptions(): TemplateOptions {
    const opts: TemplateOptions = { template: this.template, signature: this.signature };
    const first = this.parsedSignature.sig?.outputs[0];
    if (first && this.labelList.length > 0) opts.labels = { [first.name]: this.labelList };
    if (this.instruction.trim()) opts.instruction = this.instruction.trim();
    if (this.name.trim()) opts.name = this.name.trim();
    if (this.usesRetrieval) {
      opts.k = this.k;
      if (this.corpusMode === 'input' && this.corpusColumn) opts.corpus = { from: 'input', field: this.corpusColumn };
    }
    return opts;
  }

  private customSpec(): ProgramSpec {
    const spec: ProgramSpec = {
      version: 1,
      inputs: parseFieldList(this.inputs),
      steps: this.steps.map(stepFromDraft),
      outputs: parseOutputs(this.outputs),
    };
    if (this.name.trim()) spec.name = this.name.trim();
    return spec;
  }

  /** Switches to step-by-step editing, starting from the current (valid) template program. */
  editSteps(): void {
    const spec = this.built.spec;
    if (spec) this.loadSpec(spec, this.state);
    else this.mode = 'custom';
  }

  /** True while the program is the one a fresh workspace starts with (nothing of the user's to lose by replacing it). */
  isUntouched(): boolean {
    const fresh = new ProgramDraft();
    return this.mode === 'template' && this.template === fresh.template && this.signature.trim() === fresh.signature && !this.instruction.trim() && !this.labels.trim() && !this.state;
  }

  /** Loads a whole spec (share link, import) into the step editor. */
  loadSpec(spec: ProgramSpec, state?: ProgramState): void {
    this.mode = 'custom';
    this.name = spec.name ?? '';
    this.inputs = fieldsToText(spec.inputs);
    this.outputs = outputsToText(spec.outputs);
    this.steps = spec.steps.map(draftFromStep);
    this.state = state;
  }

  useTemplate(template: TemplateName): void {
    this.mode = 'template';
    this.template = template;
    this.state = undefined;
  }

  addStep(kind: StepSpec['kind']): void {
    const n = this.steps.length + 1;
    const id = `${kind === 'retrieve' ? 'retrieve' : 'step'}_${n}`;
    this.steps.push({ id, kind, signature: kind === 'retrieve' ? '' : 'question -> answer', instruction: '', bind: kind === 'retrieve' ? 'query=question' : '', k: 3, corpus: 'corpus:passages' });
  }

  removeStep(i: number): void {
    this.steps.splice(i, 1);
  }

  moveStep(i: number, delta: number): void {
    const j = i + delta;
    if (j < 0 || j >= this.steps.length) return;
    const [s] = this.steps.splice(i, 1);
    this.steps.splice(j, 0, s!);
  }

  /** What the run config carries: the template options, or the spec (with loaded state). */
  toConfig(): ProgramConfig | undefined {
    if (this.mode === 'template' && !this.state) return this.templateOptions();
    const spec = this.built.spec;
    if (!spec) return undefined;
    return this.state ? { spec, state: this.state } : { spec };
  }

  snapshot(): ProgramSnapshot {
    const snap: ProgramSnapshot = {
      mode: this.mode, template: this.template, signature: this.signature, labels: this.labels, instruction: this.instruction,
      name: this.name, k: this.k, corpusMode: this.corpusMode, passages: this.passages, corpusColumn: this.corpusColumn,
      inputs: this.inputs, outputs: this.outputs, steps: $state.snapshot(this.steps),
    };
    if (this.state) snap.state = this.state;
    return snap;
  }

  restore(s: Partial<ProgramSnapshot>): void {
    if (s.mode) this.mode = s.mode;
    if (s.template && TEMPLATE_NAMES.includes(s.template)) this.template = s.template;
    for (const key of ['signature', 'labels', 'instruction', 'name', 'passages', 'corpusColumn', 'inputs', 'outputs'] as const) {
      if (typeof s[key] === 'string') this[key] = s[key];
    }
    if (typeof s.k === 'number') this.k = s.k;
    if (s.corpusMode) this.corpusMode = s.corpusMode;
    if (Array.isArray(s.steps)) this.steps = s.steps;
    this.state = s.state;
  }
}

function stepFromDraft(d: StepDraft): StepSpec {
  const bind = parseBindings(d.bind);
  const base = { id: d.id.trim(), ...(bind && { bind }) };
  if (d.kind === 'retrieve') {
    const [from, name] = d.corpus.split(':');
    const corpus: RetrieveStep['corpus'] = from === 'input' ? { from: 'input', field: name ?? '' } : { from: 'corpus', name: name || 'passages' };
    return { ...base, kind: 'retrieve', k: d.k, corpus };
  }
  let signature: SignatureInput = d.original && d.original.text === d.signature ? d.original.value : d.signature;
  if (d.instruction.trim()) {
    signature = typeof signature === 'string' ? { signature, instruction: d.instruction.trim() } : { ...signature, instruction: d.instruction.trim() };
  } else if (typeof signature !== 'string' && signature.instruction) {
    const { instruction: _drop, ...rest } = signature;
    signature = rest;
  }
  parseSignature(signature);
  return { ...base, kind: d.kind, signature };
}

function draftFromStep(s: StepSpec): StepDraft {
  const common = { id: s.id, bind: bindingsToText(s.bind), k: 3, corpus: 'corpus:passages', signature: '', instruction: '' };
  if (s.kind === 'retrieve') {
    return { ...common, kind: 'retrieve', k: s.k, corpus: s.corpus.from === 'input' ? `input:${s.corpus.field}` : `corpus:${s.corpus.name}` };
  }
  const text = signatureText(s.signature);
  const instruction = typeof s.signature === 'string' ? '' : (s.signature.instruction ?? '');
  return { ...common, kind: s.kind, signature: text, instruction, original: { text, value: s.signature } };
}

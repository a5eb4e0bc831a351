export type * from './types';
export { resolveProgram, stepSignature, initialState, predictorState, REASONING_FIELD } from './resolve';
export type { ResolvedProgram, ResolvedStep, Source } from './resolve';
export { runProgram } from './run';
export type { RunContext } from './run';
export { buildFromTemplate, TEMPLATE_NAMES } from './templates';
export type { TemplateName, TemplateOptions } from './templates';
export { retrievePassages, toPassages } from './retrieve';

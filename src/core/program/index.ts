export type * from './types';
export { resolveProgram, initialState, predictorState } from './resolve';
export type { ResolvedProgram } from './resolve';
export { runProgram } from './run';
export { buildFromTemplate, TEMPLATE_NAMES } from './templates';
export type { TemplateName, TemplateOptions } from './templates';
export { retrievePassages, toPassages } from './retrieve';

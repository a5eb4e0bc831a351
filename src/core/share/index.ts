/**
 * Sharing and interop: program <-> link codec (versioned, compressed, validated), DSPy JSON
 * import/export, the DSPy Python file that loads that JSON, and a program's rendered prompts.
 */
export { encodeShare, decodeShare, shareUrl, isShareLinkLong, SHARE_WARN_BYTES, SHARE_MAX_ENCODED_CHARS, SHARE_MAX_JSON_BYTES } from './link';
export { SharePayloadSchema } from './payload';
export type { SharePayload, ShareMeta, ShareSample } from './payload';
export { toDspyJson, fromDspyJson, dspyPredictorKey, inferPrefix, dspyAdapter, dspyAdapterLine, dspyFileAdapter } from './dspy';
export { readDspyProgram, type DspyProgram } from './dspy-program';
export { toDspyPython } from './dspy-python';
export { renderPrompts, type PromptStep } from './prompts';

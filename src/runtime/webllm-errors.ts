/**
 * Maps web-llm failures to typed PlaygroundErrors.
 *
 * web-llm's worker sends errors back as plain strings (`err.toString()`), so the class is lost
 * and only the text is left: we match on the texts of its error classes (0.2.86) and of the
 * browser errors it lets through (Cache API, fetch, WebAssembly, quota).
 */
import { PlaygroundError, type ErrorCode } from '../core/errors';

/** When the failure happened: loading decides between "out of memory" and "device lost". */
export type WebLLMPhase = 'load' | 'call';

const SMALLER_MODEL = 'Pick a smaller model (fewer parameters, q4 rather than q0) or a "-1k" variant with a shorter context, close other GPU-heavy tabs, and try again.';

interface Rule {
  test: RegExp;
  code: (phase: WebLLMPhase) => ErrorCode;
  message: (modelId: string, text: string, phase: WebLLMPhase) => string;
  hint: string | ((phase: WebLLMPhase) => string);
}

const RULES: Rule[] = [
  {
    // Our worker client rejects pending calls with this prefix when the worker dies.
    test: /^ModelWorkerDied/,
    code: () => 'MODEL_ENGINE_DIED',
    message: (id, text) => `The worker running model "${id}" stopped: ${text.replace(/^ModelWorkerDied: /, '')}.`,
    hint: 'Reload the model engine and continue; if it keeps crashing, pick a smaller model.',
  },
  {
    // The response format asked for was refused: web-llm's checks of `response_format`, or
    // xgrammar failing to compile the schema into a grammar (GrammarMatcherInitError wraps its
    // cause, e.g. "Aborted()" for a schema it cannot convert). It comes before the memory rule
    // because that cause may be xgrammar's "Aborted(OOM)" (its wasm heap, not the GPU): the
    // grammar still could not be built, and the engine's fallback to chat output is the way on.
    // Only these class names and web-llm's own texts match, so other failures keep their codes.
    test: /GrammarMatcherInitError|Failed to initialize the grammar matcher|InvalidResponseFormat\w*Error|CustomResponseFormatError|JSON schema is only supported with `json_object`|When ResponseFormat\.type is|cannot specify customized response_format/,
    code: () => 'LM_FORMAT_UNSUPPORTED',
    message: (id, text) => `Model "${id}" (web-llm) could not produce the response format asked for: ${text}`,
    hint: 'Set the model\'s output to "chat", or leave it on "auto", which falls back to chat by itself.',
  },
  {
    test: /QuotaExceeded|quota/i,
    code: () => 'STORAGE_QUOTA',
    message: (id) => `The browser refused to store the files of model "${id}": storage quota exceeded.`,
    hint: 'Delete cached models you no longer use (Models -> Cache), or allow the site more storage, then load again.',
  },
  {
    test: /shader-f16/i,
    code: () => 'WEBGPU_UNAVAILABLE',
    message: (id) => `Model "${id}" needs the WebGPU feature shader-f16, which this GPU does not offer.`,
    hint: 'Pick the q4f32 variant of the model.',
  },
  {
    test: /WebGPU is not supported|Cannot find WebGPU|WebGPUNotAvailable|WebGPUNotFound|requestAdapter/i,
    code: () => 'WEBGPU_UNAVAILABLE',
    message: () => 'WebGPU is not available in this browser, so the local model cannot run.',
    hint: 'Use Chrome or Edge 113+ on desktop, Safari 26+, or Firefox 141+ on Windows (on Linux enable chrome://flags/#enable-unsafe-webgpu), or use an API model.',
  },
  {
    test: /out of memory|\bOOM\b|Failed to allocate|allocation failed|exceeds the max buffer size/i,
    code: () => 'MODEL_OUT_OF_MEMORY',
    message: (id, text) => `The GPU ran out of memory for model "${id}": ${text}`,
    hint: SMALLER_MODEL,
  },
  {
    // Losing the device while loading is almost always out-of-memory (web-llm says so too);
    // during generation it can also be a driver reset or another tab, and reloading may work.
    test: /Device was lost|device lost|DeviceLostError|GPUDeviceLostInfo/i,
    code: (phase) => (phase === 'load' ? 'MODEL_OUT_OF_MEMORY' : 'MODEL_DEVICE_LOST'),
    message: (id, _text, phase) =>
      phase === 'load' ? `The GPU device was lost while loading model "${id}", usually because it ran out of memory.` : `The GPU device was lost while model "${id}" was generating.`,
    hint: (phase) => (phase === 'load' ? SMALLER_MODEL : 'Reload the model engine and continue; if it happens again, pick a smaller or "-1k" model.'),
  },
  {
    // The engine lost its model (a device loss unloads it) although we had loaded it.
    test: /Model not loaded|EngineNotLoaded|ModelNotLoaded/i,
    code: () => 'MODEL_DEVICE_LOST',
    message: (id) => `Model "${id}" is no longer loaded in the engine (the GPU device was probably lost).`,
    hint: 'Reload the model engine and continue.',
  },
  {
    test: /Prompt tokens exceed context window|context window size|ContextWindowSizeExceeded/i,
    code: () => 'LM_CONTEXT_LENGTH',
    message: (id, text) => `The prompt is longer than model "${id}" can read: ${text}`,
    hint: 'Use fewer demos or shorter inputs, or a model with a larger context window.',
  },
  {
    test: /Cannot fetch|Failed to fetch|NetworkError|Request failed|Failed to execute 'add' on 'Cache'|status \d{3}|\b40[34]\b|Unable to fetch|failed to fetch/i,
    code: () => 'MODEL_LOAD_FAILED',
    message: (id, text) => `Downloading the files of model "${id}" failed: ${text}`,
    hint: 'Check the network connection and that the model URL is reachable (a 404 means the model files or its wasm library are not at that address), then load again.',
  },
  {
    test: /CompileError|WebAssembly|wasm|LinkError/i,
    code: () => 'MODEL_LOAD_FAILED',
    message: (id, text) => `The model library (wasm) of "${id}" could not be started: ${text}`,
    hint: 'The model library may be corrupt or built for another web-llm version: delete the cached model and load again, or pick another model.',
  },
  {
    test: /Cannot find model record|ModelNotFound|model_lib|Integrity|manifest/i,
    code: () => 'MODEL_LOAD_FAILED',
    message: (id, text) => `Model "${id}" could not be set up: ${text}`,
    hint: 'Check the model id and its URLs in the model list.',
  },
];

/** The text web-llm gave us, whatever shape it arrived in (string, Error, event, object). */
function errorText(err: unknown): string {
  if (typeof err === 'string') return err;
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  if (typeof err === 'object' && err !== null && 'message' in err) return String((err as { message: unknown }).message);
  return String(err);
}

/** Turns a web-llm failure (usually a string) into a typed error; PlaygroundErrors pass through. */
export function mapWebLLMError(err: unknown, modelId: string, phase: WebLLMPhase): PlaygroundError {
  if (err instanceof PlaygroundError) return err;
  const text = errorText(err).trim();
  const details = { modelId, phase, engineMessage: text };
  for (const rule of RULES) {
    if (!rule.test.test(text)) continue;
    const hint = typeof rule.hint === 'string' ? rule.hint : rule.hint(phase);
    return new PlaygroundError(rule.code(phase), rule.message(modelId, text, phase), { hint, details, cause: err });
  }
  if (phase === 'load') {
    return new PlaygroundError('MODEL_LOAD_FAILED', `Loading model "${modelId}" failed: ${text}`, { hint: 'Try loading again; if it keeps failing, pick another model.', details, cause: err });
  }
  return new PlaygroundError('LM_SERVER', `The local engine failed while model "${modelId}" was generating: ${text}`, { hint: 'Try again; if it keeps failing, reload the model.', details, cause: err });
}

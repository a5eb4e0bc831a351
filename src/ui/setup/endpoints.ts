/**
 * OpenAI-compatible endpoint presets. Local servers need CORS enabled for the page's origin,
 * so their hints say how.
 */
export interface EndpointPreset {
  id: string;
  label: string;
  baseURL: string;
  /** A model name to start from. */
  model: string;
  needsKey: boolean;
  /** Shown when the connection test fails (CORS setup for local servers). */
  hint?: string;
}

export const ENDPOINT_PRESETS: readonly EndpointPreset[] = [
  { id: 'openai', label: 'OpenAI', baseURL: 'https://api.openai.com/v1', model: 'gpt-4o-mini', needsKey: true },
  { id: 'openrouter', label: 'OpenRouter', baseURL: 'https://openrouter.ai/api/v1', model: 'openai/gpt-4o-mini', needsKey: true },
  { id: 'groq', label: 'Groq', baseURL: 'https://api.groq.com/openai/v1', model: 'llama-3.1-8b-instant', needsKey: true },
  { id: 'together', label: 'Together', baseURL: 'https://api.together.xyz/v1', model: 'meta-llama/Llama-3.2-3B-Instruct-Turbo', needsKey: true },
  {
    id: 'ollama', label: 'Ollama (local)', baseURL: 'http://localhost:11434/v1', model: 'llama3.2', needsKey: false,
    hint: 'Start Ollama with OLLAMA_ORIGINS set to this page\'s origin (e.g. OLLAMA_ORIGINS="*" ollama serve) so the browser may call it.',
  },
  {
    id: 'llamacpp', label: 'llama.cpp server', baseURL: 'http://localhost:8080/v1', model: 'default', needsKey: false,
    hint: 'llama-server allows CORS by default; check that it listens on port 8080 and that the page is not served over https (mixed content).',
  },
  {
    id: 'vllm', label: 'vLLM', baseURL: 'http://localhost:8000/v1', model: 'meta-llama/Llama-3.2-1B-Instruct', needsKey: false,
    hint: 'Start vLLM with --allowed-origins \'["*"]\' (or this page\'s origin) so the browser may call it.',
  },
  { id: 'custom', label: 'Custom', baseURL: '', model: '', needsKey: false },
];

export function presetById(id: string): EndpointPreset | undefined {
  return ENDPOINT_PRESETS.find((p) => p.id === id);
}

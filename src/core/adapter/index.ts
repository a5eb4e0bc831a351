/**
 * The adapters: signature + demos + inputs -> chat messages, and completion -> typed
 * outputs, in DSPy's ChatAdapter format (`[[ ## field ## ]]` sections) or its JSONAdapter
 * format (outputs as one JSON object, with a JSON Schema for constrained decoding).
 */
export { formatMessages, formatFieldValue, formatStructure, COMPLETED_MARKER } from './format';
export { parseCompletion } from './parse';
export type { ParseFailureDetails } from './parse';
export { formatJsonMessages } from './json-format';
export { outputSchema } from './json-schema';
export type { JsonSchema } from './json-schema';
export { parseJsonCompletion } from './json-parse';

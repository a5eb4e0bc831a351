/**
 * The chat adapter: signature + demos + inputs -> chat messages, and completion -> typed
 * outputs, in DSPy's ChatAdapter format (`[[ ## field ## ]]` sections).
 */
export { formatMessages, formatFieldValue, formatStructure, COMPLETED_MARKER } from './format';
export { parseCompletion } from './parse';
export type { ParseFailureDetails } from './parse';

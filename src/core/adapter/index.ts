/**
 * The chat adapter: signature + demos + inputs -> chat messages, and completion -> typed
 * outputs, in DSPy's ChatAdapter format (`[[ ## field ## ]]` sections).
 */
export {
  formatMessages,
  formatFieldValue,
  formatSystemMessage,
  formatStructure,
  formatAssistantContent,
  outputRequirements,
  COMPLETED_MARKER,
  INCOMPLETE_DEMO_PREFIX,
  MISSING_FIELD_TEXT,
} from './format';
export { parseCompletion } from './parse';
export type { InvalidField, ParseFailureDetails } from './parse';
export { annotationName } from './field-types';

export { proposeInstructions, proposerCalls, cleanInstruction } from './grounded-proposer';
export { askFields } from './ask';
export { formatRows } from './dataset-summary';
export { moduleDescription, programSummary } from './program-summary';

export { proposeInstructions, proposerCalls, cleanInstruction, TIPS } from './grounded-proposer';
export type { ProposeOptions } from './grounded-proposer';
export { summarizeDataset, datasetSummaryCalls, formatRows } from './dataset-summary';
export { programSummary, moduleDescription } from './program-summary';

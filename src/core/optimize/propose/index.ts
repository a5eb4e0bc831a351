export { proposeInstructions, proposerCalls, cleanInstruction, proposeWith, TIP_NAMES } from './grounded-proposer';
export { askFields } from './ask';
export { formatRows, datasetSummaryCalls, summarizeDataset } from './dataset-summary';
export { moduleDescription, programSummary } from './program-summary';

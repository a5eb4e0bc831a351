export { proposeInstructions, proposerCalls } from './grounded-proposer';

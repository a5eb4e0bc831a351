/** Teaching mode: a guided walk through a run (live or replayed). */
export { bootstrapRows, minibatchClouds, tpeSteps, TEACH_STEPS, type BootstrapRow, type CloudView, type TeachStepId, type TpeStepView } from './teach-model';

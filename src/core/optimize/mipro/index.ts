export { miproV2 } from './mipro-v2';
export type { MiproCheckpoint } from './mipro-v2';
export { miproRunSettings, planMipro } from './settings';
export { createTpeSampler } from './tpe-sampler';
export { budgetedShape, planBudgeted, minimumBudget } from './budgeted-plan';

export { opro } from './opro';
export type { OproCheckpoint } from './opro';
export { minimumOproBudget, planOpro } from './plan';

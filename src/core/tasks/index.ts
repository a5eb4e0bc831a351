/** The MIPRO paper's six tasks as presets (data file, program, metric, split) and their run configs. */
export { PAPER_TASKS, PAPER_TASK_IDS, paperTask, conditionalRows, type PaperTask } from './paper-tasks';
export { taskRunParts, fitSplit, titleCorpus, expandTaskConfig, type TaskFiles } from './task-config';
export { publicSource, rowsFromSource } from './sources';

/**
 * Where a run stands, as the optimizer worker reports it and IndexedDB keeps it.
 * `interrupted`: it was running when its tab closed or its worker crashed; like `paused`, it
 * resumes from its last checkpoint.
 */
export type RunStatus = 'running' | 'paused' | 'interrupted' | 'completed' | 'failed' | 'cancelled';

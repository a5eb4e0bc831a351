/** Small shared UI primitives (both UI areas use them). */
export { default as Button } from './Button.svelte';
export { default as Card } from './Card.svelte';
export { default as Field } from './Field.svelte';
export { default as Badge } from './Badge.svelte';
export { default as ErrorNote } from './ErrorNote.svelte';
export { default as ProgressBar } from './ProgressBar.svelte';
export { default as Tabs } from './Tabs.svelte';
export { default as LazyView } from './LazyView.svelte';
export { toErrorData, formatBytes, formatDuration } from './format';

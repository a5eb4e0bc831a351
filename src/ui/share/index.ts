/** Share links and DSPy export/import in the UI. */
export { ShareState, buildPayload, sampleRows, SHARE_FRAGMENT } from './share-state.svelte';
export { default as SharePreview } from './SharePreview.svelte';
export { default as SharePanel } from './SharePanel.svelte';

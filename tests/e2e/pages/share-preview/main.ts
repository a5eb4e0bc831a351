/**
 * Test page for tests/e2e/share.test.ts: mounts the share preview on its own with a payload no
 * decoded link can hold any more (two steps with one id, demos under that id), so the preview
 * is shown to survive whatever reaches it, not only what `decodeShare` lets through.
 */
import { mount } from 'svelte';
import type { SharePayload } from '../../../../src/core/share';
import SharePreview from '../../../../src/ui/share/SharePreview.svelte';
import type { ShareState } from '../../../../src/ui/share/share-state.svelte';

const payload: SharePayload = {
  v: 1,
  spec: {
    version: 1,
    name: 'Repeated step ids',
    inputs: [{ name: 'question' }],
    steps: [
      { id: 'answer', kind: 'predict', signature: 'question -> draft' },
      { id: 'answer', kind: 'chain_of_thought', signature: 'draft -> answer' },
    ],
    outputs: { answer: 'answer.answer' },
  },
  state: { answer: { instruction: 'Answer briefly.', demos: [{ fields: { question: 'q', answer: 'a' } }] } },
  meta: { name: 'Repeated step ids' },
};

// The preview reads only these two fields of the share state.
const share = { pending: payload, error: undefined } as unknown as ShareState;
// The test waits for `data-mounted` either way, so a crash fails it at once instead of by timeout.
try {
  mount(SharePreview, { target: document.body, props: { share, onOpen: () => undefined, onClose: () => undefined } });
  document.body.dataset.mounted = 'true';
} catch (err) {
  document.body.dataset.mounted = 'failed';
  throw err;
}

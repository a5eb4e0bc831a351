/**
 * Share links in the UI state: a link opened with the page is previewed or refused with a
 * typed error; a link made for a program is copied when the clipboard allows it.
 */
import { describe, expect, it } from 'vitest';
import { buildFromTemplate } from '../../../src/core/program';
import { ShareState, buildPayload } from '../../../src/ui/share/share-state.svelte';

const payload = () => buildPayload(buildFromTemplate({ template: 'predict', signature: 'question -> answer' }), undefined, { name: 'QA' });

describe('share state', () => {
  it('previews a share link opened with the page, and ignores any other fragment', async () => {
    const share = new ShareState(async () => undefined);
    const made = await share.makeLink('https://example.test/', payload());
    expect(made.ok).toBe(true);
    const link = made.ok ? made.value : '';
    const fresh = new ShareState(async () => undefined);
    expect(fresh.readHash('#section')).toBeUndefined();
    const read = fresh.readHash(new URL(link).hash);
    expect(read?.ok).toBe(true);
    expect(fresh.pending?.meta.name).toBe('QA');
    fresh.dismiss();
    expect(fresh.pending).toBeUndefined();
  });

  it('refuses a truncated link with SHARE_INVALID, as an outcome and for the preview to show', () => {
    const share = new ShareState(async () => undefined);
    const out = share.readHash('#p=AAAA');
    expect(out && !out.ok && out.error.code).toBe('SHARE_INVALID');
    expect(share.error?.code).toBe('SHARE_INVALID');
    expect(share.pending).toBeUndefined();
  });

  it('a refused clipboard is no failure: the link is made and shown, just not copied', async () => {
    const copied: string[] = [];
    const allowed = new ShareState(async (text) => void copied.push(text));
    const ok = await allowed.makeLink('https://example.test/', payload());
    expect(ok.ok && copied).toEqual([allowed.link]);
    expect(allowed.copied).toBe(true);
    const refused = new ShareState(async () => {
      throw new DOMException('Document is not focused.', 'NotAllowedError');
    });
    const out = await refused.makeLink('https://example.test/', payload());
    expect(out.ok).toBe(true);
    expect(refused.link).toMatch(/#p=/);
    expect(refused.copied).toBe(false);
    expect(refused.copyError).toBeUndefined();
  });
});

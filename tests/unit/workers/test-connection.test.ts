/**
 * Test connection against a server that accepts the request and never answers: it fails with
 * LM_TIMEOUT saying after how long, after one attempt, not as a cancelled operation after the
 * client's retries.
 */
import 'fake-indexeddb/auto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { openPromptLabDB } from '../../../src/storage';
import { createOptimizerService } from '../../../src/workers/optimizer-service';

describe('Test connection to a hung server', () => {
  it('fails with LM_TIMEOUT after one attempt, saying it timed out', async () => {
    const hung = createServer(() => undefined);
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    try {
      const service = createOptimizerService(() => openPromptLabDB('svc-hung'));
      const baseURL = `http://127.0.0.1:${(hung.address() as AddressInfo).port}/v1`;
      const out = await service.testConnection({ provider: 'openai-compatible', baseURL, model: 'm', timeoutMs: 300 });
      expect(out).toMatchObject({ ok: false, error: { code: 'LM_TIMEOUT', details: { attempts: 1 } } });
      expect(out.ok ? '' : out.error.message).toMatch(/timed out after 300 ms/);
    } finally {
      hung.closeAllConnections();
      hung.close();
    }
  });
});

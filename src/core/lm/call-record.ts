/** The one place an LM call's record is built, so the program's trace and the stored traces agree. */
import type { LMCallRecord, LMRequest, LMResponse } from './types';

/** The record of `request` answered by `response` after `durationMs` (messages keep role and content only). */
export function callRecord(request: LMRequest, response: LMResponse, durationMs: number): LMCallRecord {
  const record: LMCallRecord = {
    model: response.model,
    messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
    completion: response.completions[0] ?? '',
    usage: { promptTokens: response.usage.promptTokens, completionTokens: response.usage.completionTokens },
    cached: response.cached === true,
    durationMs,
  };
  if (request.temperature !== undefined) record.temperature = request.temperature;
  return record;
}

/** The one place an LM call's record is built, so the program's trace and the stored traces agree. */
import type { LMCallRecord, LMRequest, LMResponse } from './types';

/**
 * The record of `request` answered by `response` after `durationMs`. It shares the request's
 * messages (made for this call and never changed after); storage copies role and content only
 * when it writes a trace row.
 */
export function callRecord(request: LMRequest, response: LMResponse, durationMs: number): LMCallRecord {
  const record: LMCallRecord = {
    model: response.model,
    messages: request.messages,
    completion: response.completions[0] ?? '',
    usage: response.usage,
    cached: response.cached === true,
    durationMs,
  };
  if (request.temperature !== undefined) record.temperature = request.temperature;
  if (request.maxTokens !== undefined) record.maxTokens = request.maxTokens;
  if (request.responseFormat) record.responseFormat = request.responseFormat.type;
  const finish = response.finishReasons?.[0];
  if (finish) record.finishReason = finish;
  return record;
}

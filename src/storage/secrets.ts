/**
 * Guards that keep API keys out of everything stored except the opt-in key namespace of
 * the settings store (issue 4: keys are "never written into runs, traces, exports or links").
 *
 * The check walks a value and flags fields whose *name* says they hold a secret. Header
 * values must be redacted (`redactConfig` in the runner writes `<redacted>`). Message text is
 * not scanned: it is user data, stored exactly as sent.
 */

const SECRET_NAMES = /^(api[-_]?key|x-api-key|authorization|proxy-authorization|bearer|password|secret|client[-_]?secret|access[-_]?token)$/i;
const REDACTED = '<redacted>';

/** Paths of fields in `value` that hold a secret, e.g. `models.task.apiKey`. */
export function findSecrets(value: unknown, path = '', seen = new Set<object>(), out: string[] = []): string[] {
  if (typeof value !== 'object' || value === null || seen.has(value)) return out;
  seen.add(value);
  for (const [key, v] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (SECRET_NAMES.test(key) && v !== undefined && v !== null && v !== '' && v !== REDACTED) out.push(at);
    else if (key.toLowerCase() === 'headers' && typeof v === 'object' && v !== null) {
      for (const [h, hv] of Object.entries(v)) if (hv !== REDACTED) out.push(`${at}.${h}`);
    } else findSecrets(v, at, seen, out);
  }
  return out;
}

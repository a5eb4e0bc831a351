/**
 * Guards that keep API keys out of everything stored except the opt-in key namespace of
 * the settings store (issue 4: keys are "never written into runs, traces, exports or links").
 *
 * The check walks a value and flags fields whose *name* says they hold a secret. Header
 * values must be redacted (`redactConfig` in the runner writes `<redacted>`). Message text is
 * not scanned: it is user data, stored exactly as sent. So are the user's rows wherever they
 * are carried (data rows, an example's inputs and labels, a demo's fields, a prediction or a
 * step's outputs): a dataset column may well be called "password", and its values are the
 * user's data, not a key of theirs that we hold.
 */

const SECRET_NAMES = /^(api[-_]?key|x-api-key|authorization|proxy-authorization|bearer|password|secret|client[-_]?secret|access[-_]?token)$/i;
const REDACTED = '<redacted>';
/** Fields that hold the user's data rows, keyed by the user's column names: not scanned. */
const USER_DATA = new Set(['rows', 'inputs', 'labels', 'fields', 'answer', 'prediction', 'outputs']);

/** Paths of fields in `value` that hold a secret, e.g. `models.task.apiKey`. */
export function findSecrets(value: unknown, path = '', seen = new Set<object>(), out: string[] = []): string[] {
  if (typeof value !== 'object' || value === null || seen.has(value)) return out;
  seen.add(value);
  for (const [key, v] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (USER_DATA.has(key)) continue;
    if (SECRET_NAMES.test(key) && v !== undefined && v !== null && v !== '' && v !== REDACTED) out.push(at);
    else if (key.toLowerCase() === 'headers' && typeof v === 'object' && v !== null) {
      for (const [h, hv] of Object.entries(v)) if (hv !== REDACTED) out.push(`${at}.${h}`);
    } else findSecrets(v, at, seen, out);
  }
  return out;
}

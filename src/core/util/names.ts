/**
 * Names of fields and steps: letters, digits and underscores, not starting with a digit (a
 * Python identifier, so a program exports to DSPy unchanged). One definition for the
 * signature parser, the program resolver, the schemas and the UI.
 */
export const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** True when `s` is a valid field or step name. */
export function isName(s: string): boolean {
  return NAME_RE.test(s);
}

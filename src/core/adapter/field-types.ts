/**
 * How our field kinds read to the model, in DSPy's Python vocabulary.
 *
 * DSPy names each field's type with its Python annotation (`str`, `bool`, `Literal['a', 'b']`,
 * `list[str]`) and adds a "# note: the value you produce ..." line for typed outputs. We map
 * our kinds onto the annotation a DSPy user would write for them, so an exported program
 * renders the same prompt in DSPy:
 *
 * | kind    | annotation        | note in the structure block                              |
 * |---------|-------------------|----------------------------------------------------------|
 * | string  | `str`             | none                                                     |
 * | number  | `float`           | must be a single float value                             |
 * | boolean | `bool`            | must be True or False                                    |
 * | labels  | `Literal['a', …]` | must exactly match (no extra characters) one of: a; b    |
 * | list    | `list[str]`       | must adhere to the JSON schema: {"type": "array", …}     |
 * | json    | `dict[str, Any]`  | must adhere to the JSON schema: {"type": "object", …}    |
 *
 * `number` maps to `float` (not `int`) because one kind covers both and `float` accepts both.
 */
import type { FieldKind, FieldSpec } from '../signature/types';

/** A field's kind, defaulting to `string` like the signature types do. */
export function kindOf(field: FieldSpec): FieldKind {
  return field.type ?? 'string';
}

/** The Python annotation DSPy would show for this field, e.g. `Literal['yes', 'no']`. */
export function annotationName(field: FieldSpec): string {
  switch (kindOf(field)) {
    case 'string':
      return 'str';
    case 'number':
      return 'float';
    case 'boolean':
      return 'bool';
    case 'list':
      return 'list[str]';
    case 'json':
      return 'dict[str, Any]';
    case 'labels':
      return `Literal[${(field.labels ?? []).map(quoteLiteral).join(', ')}]`;
  }
}

/**
 * The constraint DSPy appends to an output field's placeholder in the structure block
 * (without the leading "# note: the value you produce "), or '' for strings and inputs.
 */
export function outputConstraint(field: FieldSpec): string {
  switch (kindOf(field)) {
    case 'string':
      return '';
    case 'number':
      return 'must be a single float value';
    case 'boolean':
      return 'must be True or False';
    case 'labels':
      return `must exactly match (no extra characters) one of: ${(field.labels ?? []).join('; ')}`;
    case 'list':
      return 'must adhere to the JSON schema: {"type": "array", "items": {"type": "string"}}';
    case 'json':
      return 'must adhere to the JSON schema: {"type": "object", "additionalProperties": true}';
  }
}

/**
 * The field's description, or '' when it is DSPy's placeholder `${name}` (which DSPy hides,
 * and which our ChainOfThought `reasoning` field carries for export fidelity).
 */
export function descriptionOf(field: FieldSpec): string {
  const desc = field.description ?? '';
  return desc === `\${${field.name}}` ? '' : desc;
}

/** Python's repr-style quoting of a Literal member, as DSPy prints it. */
function quoteLiteral(s: string): string {
  const single = s.includes("'");
  const double = s.includes('"');
  if (single && !double) return `"${s}"`;
  if (single && double) return `'${s.replace(/'/g, "\\'")}'`;
  return `'${s}'`;
}

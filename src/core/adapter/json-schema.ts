/**
 * The JSON Schema of a signature's outputs, for servers that constrain decoding to it.
 *
 * Reference: DSPy's `_get_structured_outputs_response_format` (json_adapter.py) builds a
 * pydantic model from the output fields and makes it strict in OpenAI's sense: every
 * property required, `additionalProperties: false`. We write the same schema for our field
 * kinds, read through the Python annotation each kind stands for (field-types.ts):
 *
 * | kind    | annotation        | schema                                             |
 * |---------|-------------------|----------------------------------------------------|
 * | string  | `str`             | `{ type: 'string' }`                               |
 * | number  | `float`           | `{ type: 'number' }`                               |
 * | boolean | `bool`            | `{ type: 'boolean' }`                              |
 * | labels  | `Literal['a', …]` | `{ type: 'string', enum: ['a', …] }`               |
 * | list    | `list[str]`       | `{ type: 'array', items: { type: 'string' } }`     |
 * | json    | `dict[str, Any]`  | `{ type: 'object', additionalProperties: true }`   |
 *
 * Deliberate differences: pydantic adds a `title` to the model and to each property
 * ("DSPyProgramOutputs", "Reasoning"); we leave titles out, as they constrain nothing.
 * DSPy passes only each field's annotation and default to pydantic, so its schema carries
 * no field descriptions either; the prompt already states them.
 * A `json` output is an open-ended mapping: DSPy sends no schema then, only
 * `{ type: 'json_object' }`, because strict structured outputs reject such an object.
 */
import type { FieldSpec, Signature } from '../signature/types';
import { kindOf } from './field-types';

/** The subset of JSON Schema that output schemas use. */
export type JsonSchema = {
  type: 'object' | 'array' | 'string' | 'number' | 'boolean';
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
  items?: JsonSchema;
  enum?: string[];
};

/**
 * The schema of one JSON object holding every output field, keys in the signature's order
 * (ChainOfThought's `reasoning` first, as its signature lists it), all required, no others.
 */
export function outputSchema(sig: Signature): JsonSchema {
  return {
    type: 'object',
    properties: Object.fromEntries(sig.outputs.map((f) => [f.name, fieldSchema(f)])),
    required: sig.outputs.map((f) => f.name),
    additionalProperties: false,
  };
}

function fieldSchema(field: FieldSpec): JsonSchema {
  switch (kindOf(field)) {
    case 'string':
      return { type: 'string' };
    case 'number':
      return { type: 'number' };
    case 'boolean':
      return { type: 'boolean' };
    case 'labels':
      // A signature cannot declare an empty label set; should one arrive, an empty enum would
      // make every answer impossible, so it is left as a plain string.
      return field.labels?.length ? { type: 'string', enum: [...field.labels] } : { type: 'string' };
    case 'list':
      return { type: 'array', items: { type: 'string' } };
    case 'json':
      return { type: 'object', additionalProperties: true };
  }
}

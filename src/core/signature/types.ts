/** The value types a signature field can declare. */
export type FieldKind = 'string' | 'number' | 'boolean' | 'labels' | 'list' | 'json';

/** One input or output field of a signature (plain data). */
export interface FieldSpec {
  name: string;
  description?: string;
  /** Defaults to `string`. */
  type?: FieldKind;
  /** The allowed values when `type` is `labels`. */
  labels?: string[];
}

/**
 * A signature: typed inputs, typed outputs and an instruction (DSPy's docstring).
 * Plain data, so it can be stored, shared and shown to the proposer.
 */
export interface Signature {
  instruction: string;
  inputs: FieldSpec[];
  outputs: FieldSpec[];
}

/** What users write: a string form (`"question, context -> answer"`) or the structured form. */
export type SignatureInput =
  | string
  | {
      signature?: string;
      instruction?: string;
      inputs?: (string | FieldSpec)[];
      outputs?: (string | FieldSpec)[];
      /** Label sets per field, shorthand for `{ type: 'labels', labels }`. */
      labels?: Record<string, string[]>;
    };

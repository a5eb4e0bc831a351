import type { SignatureInput } from '../signature/types';

/** A built-in metric, as data (so runs and links can carry it). */
export type MetricSpec =
  | { kind: 'exact_match'; field: string }
  | { kind: 'contains'; field: string }
  | { kind: 'f1'; field: string }
  | { kind: 'numeric'; field: string; tolerance?: number; relative?: boolean }
  | { kind: 'one_of_labels'; field: string; labels?: string[] }
  | {
      kind: 'llm_judge';
      /** Prediction field to judge. */
      field: string;
      /** Judge signature; default asks whether the prediction matches the gold answer. */
      signature?: SignatureInput;
      /** Judge output field holding the verdict (boolean or a number in [0, 1]). */
      verdictField?: string;
    };

export type MetricKind = MetricSpec['kind'];

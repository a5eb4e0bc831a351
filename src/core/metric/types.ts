import type { AnswerFormat, AnswerKind } from './format';
import type { SignatureInput } from '../signature/types';

/** Which retrieved passages a trace metric reads (see `trace.ts`). */
export interface PassageChoice {
  /** Retrieve step ids whose passages count; default: every retrieve step of the run (all hops). */
  steps?: string[];
  /** Only the first `k` passages of each chosen retrieve step; default: all it retrieved. */
  k?: number;
}

/** A built-in metric, as data (so runs and links can carry it). */
export type MetricSpec =
  | { kind: 'exact_match'; field: string }
  | { kind: 'contains'; field: string }
  | { kind: 'f1'; field: string }
  | { kind: 'numeric'; field: string; tolerance?: number; relative?: boolean }
  | { kind: 'one_of_labels'; field: string; labels?: string[] }
  /** Exact match and a format chosen by the gold answer's kind (see `format.ts`); default formats: yes/no uppercase, numbers in brackets, the rest lowercase. */
  | { kind: 'formatted_answer'; field: string; formats?: Partial<Record<AnswerKind, AnswerFormat>> }
  | {
      kind: 'llm_judge';
      /** Prediction field to judge. */
      field: string;
      /** Judge signature; default asks whether the prediction matches the gold answer. */
      signature?: SignatureInput;
      /** Judge output field holding the verdict (boolean or a number in [0, 1]). */
      verdictField?: string;
      /** The judge's instruction (a grading rubric) in place of the default signature's. */
      rubric?: string;
      /**
       * False: the judge sees the inputs and the prediction only, never a gold answer (a rubric
       * judge for data without answers). Default true.
       */
      gold?: boolean;
    }
  | ({
      kind: 'retrieval_recall';
      /** The gold **label** holding the supporting passage titles or ids (not a prediction field). */
      field: string;
    } & PassageChoice)
  | ({
      kind: 'answer_in_context';
      /** Prediction field holding the answer looked for in the retrieved passages. */
      field: string;
    } & PassageChoice);

export type MetricKind = MetricSpec['kind'];

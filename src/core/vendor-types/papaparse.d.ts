// The slice of papaparse's API the core uses. @types/papaparse references Node's typings,
// which would let Node globals leak into the core's type-check; the core's tsconfig maps
// `papaparse` here instead (the browser and Node builds still use the real package).
declare module 'papaparse' {
  interface ParseError {
    type: string;
    code: string;
    message: string;
    row?: number;
  }
  interface ParseStepResult<T> {
    data: T;
    errors: ParseError[];
    meta: { cursor: number; delimiter: string; linebreak: string; aborted: boolean };
  }
  interface ParseConfig<T> {
    delimiter?: string;
    step?: (result: ParseStepResult<T>) => void;
  }
  const Papa: { parse<T>(input: string, config: ParseConfig<T>): void };
  export default Papa;
}

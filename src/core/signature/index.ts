export type { FieldSpec, Signature, SignatureInput } from './types';
export { parseSignature, signatureToString, prependOutput } from './signature';
export { typedInputs } from './typed-inputs';

export type { FieldKind, FieldSpec, Signature, SignatureInput } from './types';
export { parseSignature, defaultInstruction, signatureToString, prependOutput } from './signature';

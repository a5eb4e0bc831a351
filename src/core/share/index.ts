/**
 * Sharing and interop: program <-> link codec (versioned, compressed, validated) and DSPy JSON
 * import/export.
 */
export {
  encodeShare,
  decodeShare,
  shareUrl,
  isShareLinkLong,
  SHARE_FORMAT_VERSION,
  SHARE_WARN_BYTES,
  SHARE_MAX_ENCODED_CHARS,
  SHARE_MAX_JSON_BYTES,
} from './link';
export { SharePayloadSchema, ShareMetaSchema, SHARE_MAX_SAMPLES } from './payload';
export type { SharePayload, ShareMeta, ShareSample } from './payload';
export { toDspyJson, fromDspyJson, dspyPredictorKey, inferPrefix, DSPY_DEFAULT_VERSIONS } from './dspy';
export type { DspyProgramJson, DspyPredictState, DspyRetrieveState, DspyField, DspyMetadata } from './dspy';

/** Run bundles: export a run as one versioned JSON file and import it as a replay. */
export {
  BUNDLE_FORMAT,
  BUNDLE_VERSION,
  MAX_BUNDLE_BYTES,
  bundleFileName,
  createBundle,
  parseBundle,
  serializeBundle,
  toRunEvent,
  type BundleInput,
  type BundleRun,
  type BundleTrace,
  type RunBundle,
} from './bundle';

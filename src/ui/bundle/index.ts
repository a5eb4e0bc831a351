/** Run bundles: export a run as one versioned JSON file and import it as a replay. */
export { BUNDLE_VERSION, bundleFileName, createBundle, parseBundle, serializeBundle, toRunEvent, type BundleRun, type BundleTrace, type RunBundle } from './bundle';

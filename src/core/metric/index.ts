/** Metrics: text and numeric comparisons, metric objects from specs, score statistics. */
export type { MetricKind, MetricSpec } from './types';
export { goldTitles, passageTitle } from './trace';
export { createMetric, passes, validateMetricSpec, type Metric } from './metric';
export { contains, exactMatch, normalizeText, oneOfLabels, tokenF1 } from './text';
export { extractLastNumber, numericMatch } from './numeric';
export { meanAndCI95, tCritical } from './stats';
export { answerKind, inFormat, DEFAULT_ANSWER_FORMATS } from './format';

/** Datasets: parsing (CSV/TSV/JSONL/JSON), field mapping and seeded splits. */
export type { DataFormat, DataSplits, DroppedRow, Example, FieldMapping, ParsedTable, SplitFractions } from './types';
export { columnsOf, detectFormat, parseDataset, type ParseOptions } from './parse';
export { isPlainNumber } from './delimited';
export { suggestMapping, toExamples } from './mapping';
export { splitCounts, splitExamples } from './split';

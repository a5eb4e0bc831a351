/** Datasets: parsing (CSV/TSV/JSONL/JSON), field mapping and seeded splits. */
export type { DataFormat, Example, FieldMapping, ParsedTable, SplitFractions } from './types';
export { columnsOf, detectFormat, parseDataset } from './parse';
export { decodeText } from './decode';
export { mappingProblems, suggestMapping, toExamples } from './mapping';
export { splitCounts, splitExamples } from './split';
export { createTableReader } from './parse';
export { readExamples, readTable, readText, type ByteSource } from './read';

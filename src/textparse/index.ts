// Prometheus text 0.0.4 and OpenMetrics 1.0 text exposition parsing (the hot path of scrapes).
export { decodeExposition } from './decode.js';
export { ExpositionParseError } from './errors.js';
export { type ExpositionFormat, SCRAPE_ACCEPT_HEADER, formatFromContentType } from './format.js';
export { type EntryKind, type Exemplar, ExpositionParser, type MetricType, type ParserOptions } from './parser.js';
export { SampleScanner } from './sample-scanner.js';

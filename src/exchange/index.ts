// Moving samples in and out of Vigie as text: raw exports (JSON lines, CSV, OpenMetrics),
// backfill input (OpenMetrics / Prometheus text with timestamps) and federation. Reads through
// src/storage interfaces only; the CLI and the HTTP routes both use it.
export {
  CSV_HEADER,
  EXPORT_CONTENT_TYPES,
  EXPORT_FORMATS,
  type ExportFormat,
  FILE_EXTENSIONS,
  TimeParseError,
  escapeLabelValue,
  formatSeconds,
  formatSeriesText,
  formatValue,
  parseTime,
} from './format.js';
export { type ExportCounts, type ExportRequest, exportSamples, newExportCounts } from './export.js';
export { ImportError, type ImportSeries, type ParseImportOptions, type ParsedImport, detectFormat, parseImportText } from './import.js';
export { FEDERATE_CONTENT_TYPES, FEDERATE_LOOKBACK_MS, type FederateFormat, type FederateRequest, federate, federateFormat } from './federate.js';

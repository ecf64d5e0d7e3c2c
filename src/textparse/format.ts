/** The two text exposition formats Vigie scrapes. */
export type ExpositionFormat = 'prometheus' | 'openmetrics';

/**
 * Picks the format from a Content-Type header: `application/openmetrics-text` (any version or
 * parameters, any case) → 'openmetrics'; `text/plain`, anything else or no header →
 * 'prometheus' (Prometheus' fallback for unknown types).
 */
export function formatFromContentType(ct: string | undefined): ExpositionFormat {
  if (ct === undefined) return 'prometheus';
  const semi = ct.indexOf(';');
  const media = (semi < 0 ? ct : ct.slice(0, semi)).trim().toLowerCase();
  return media === 'application/openmetrics-text' ? 'openmetrics' : 'prometheus';
}

/**
 * The Accept header sent on scrape, built as Prometheus 3 builds it from its default scrape
 * protocols (OpenMetrics 1.0.0, OpenMetrics 0.0.1, text 1.0.0, text 0.0.4, then anything), with
 * the `underscores` escaping scheme: this parser reads legacy (non-quoted) metric names only, so
 * targets are asked to escape UTF-8 names.
 */
export const SCRAPE_ACCEPT_HEADER =
  'application/openmetrics-text;version=1.0.0;escaping=underscores;q=0.6,' +
  'application/openmetrics-text;version=0.0.1;q=0.5,' +
  'text/plain;version=1.0.0;escaping=underscores;q=0.4,' +
  'text/plain;version=0.0.4;q=0.3,' +
  '*/*;q=0.2';

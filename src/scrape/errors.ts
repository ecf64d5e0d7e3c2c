import { VigieError } from '../common/index.js';

/** A scrape request failed: connection, HTTP status, redirect, timeout, size limit, decoding. */
export class ScrapeError extends VigieError {
  override name = 'ScrapeError';
}

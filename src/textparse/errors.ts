import { VigieError } from '../common/index.js';

/**
 * The exposition text is malformed. `line` and `column` are 1-based; the column counts UTF-16
 * code units from the start of the line (equal to characters for ASCII text). The message
 * starts with `line L, column C:` and says what was expected.
 */
export class ExpositionParseError extends VigieError {
  override name = 'ExpositionParseError';
  constructor(
    readonly line: number,
    readonly column: number,
    /** What was expected, without the position. */
    readonly detail: string,
    options?: ErrorOptions,
  ) {
    super(`line ${line}, column ${column}: ${detail}`, options);
  }

  /** The same error for a document that this one's document is a part of, starting `lines` lines further. */
  shifted(lines: number): ExpositionParseError {
    return lines === 0 ? this : new ExpositionParseError(this.line + lines, this.column, this.detail, { cause: this.cause });
  }
}

/**
 * Builds the error for offset `pos` of `text`, given that the entry starting at `entryStart`
 * began on line `entryLine` (label values of the Prometheus text format may span lines, so the
 * line is counted from the entry start). Cold path: only called when throwing.
 */
export function errorAt(text: string, entryStart: number, entryLine: number, pos: number, detail: string): ExpositionParseError {
  const at = Math.max(0, Math.min(pos, text.length));
  let line = entryLine;
  for (let i = entryStart; i < at; i++) if (text.charCodeAt(i) === 10) line++;
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  return new ExpositionParseError(line, at - lineStart + 1, detail);
}

/** Quotes a short excerpt of the input at `pos` for an error message ("end of input" at the end). */
export function excerpt(text: string, pos: number, end?: number): string {
  if (pos >= text.length) return 'end of input';
  let stop = end ?? pos + 1;
  if (stop <= pos) stop = pos + 1;
  const s = text.slice(pos, Math.min(stop, pos + 40));
  return s === '\n' ? 'end of line' : JSON.stringify(s);
}

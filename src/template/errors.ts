import { VigieError } from '../common/index.js';

/**
 * A template that cannot be parsed or executed. `message` reads like Go's:
 * `template: NAME:LINE:COL: problem` (parse) or
 * `template: NAME:LINE:COL: executing "NAME" at <.Node>: problem` (execution).
 */
export class TemplateError extends VigieError {
  override name = 'TemplateError';
  constructor(
    message: string,
    /** Name of the template the problem is in. */
    readonly templateName: string,
    /** 1-based; 0 when unknown. */
    readonly line: number,
    /** 1-based; 0 when unknown. */
    readonly col: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** 1-based position in a template's text. */
export interface Pos {
  readonly line: number;
  readonly col: number;
}

export function parseError(name: string, pos: Pos, problem: string): TemplateError {
  return new TemplateError(`template: ${name}:${pos.line}:${pos.col}: ${problem}`, name, pos.line, pos.col);
}

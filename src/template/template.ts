import type { FuncDef } from './builtins.js';
import { GO_BUILTINS } from './builtins.js';
import { TemplateError } from './errors.js';
import { Executor, type NamedBody } from './exec.js';
import { parseTemplate } from './parser.js';
import { PROMETHEUS_FUNCS } from './prom-funcs.js';

/** One sample of a `query` result. */
export interface QuerySample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface ParseOptions {
  /** Escape action output for HTML (html/template's rules for text). */
  html?: boolean;
  /** Lends its `define`d templates and extra functions. */
  library?: Template;
  /** Extra functions by name (known at parse time, like Go's Funcs before Parse). */
  funcs?: ReadonlyMap<string, FuncDef>;
}

export interface ExecOptions {
  /** Runs PromQL for the `query` function (at the evaluation time the caller chooses). Without it `query` fails. */
  query?: (expr: string) => Promise<QuerySample[]>;
  /** For `externalURL` (and `pathPrefix`, taken from its path unless given). */
  externalURL?: string;
  pathPrefix?: string;
  /** Escape action output for HTML (html/template's rules for text); overrides the parse-time choice. */
  html?: boolean;
  /** ms; default 10 000. Checked between steps: a `query` that hangs is the query function's business. */
  timeoutMs?: number;
}

/** Bounds on one execution (hostile templates: loops, recursion, output floods). */
const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_STEPS = 200_000;
const MAX_OUTPUT_CHARS = 4 * 2 ** 20;
const MAX_TEMPLATE_DEPTH = 100;

const FUNCS: ReadonlyMap<string, FuncDef> = new Map([...GO_BUILTINS, ...PROMETHEUS_FUNCS]);
const FUNC_NAMES: ReadonlySet<string> = new Set([...FUNCS.keys(), 'and', 'or']);

/** Variables Prometheus defines before an alert's label and annotation templates. */
const ALERT_VARIABLES = ['$labels', '$externalLabels', '$externalURL', '$value'] as const;

/**
 * A parsed Go text/template (the subset Prometheus and Alertmanager users write), with Go's
 * builtins and Prometheus' template functions. Immutable; `execute` may run concurrently.
 */
export class Template {
  private constructor(
    readonly name: string,
    private readonly root: NamedBody,
    /** Own `define`s plus the library's. */
    private readonly defines: ReadonlyMap<string, NamedBody>,
    private readonly html: boolean,
    private readonly predeclared: readonly string[],
    /** Go's builtins, Prometheus' functions and the caller's extra ones (the library's included). */
    private readonly funcs: ReadonlyMap<string, FuncDef>,
  ) {}

  /**
   * Parses `text`. `library` lends its `define`d templates (this template's own defines win) and
   * its extra functions; `funcs` adds functions (or replaces built-in ones), e.g. Alertmanager's.
   * Throws TemplateError (`template: name:line:col: problem`).
   */
  static parse(name: string, text: string, opts: ParseOptions = {}): Template {
    return Template.parseWith(name, text, opts, []);
  }

  /** @internal parse with predeclared variables (alert templates). */
  static parseWith(name: string, text: string, opts: ParseOptions, predeclared: readonly string[]): Template {
    const funcs = opts.funcs === undefined && opts.library === undefined ? FUNCS : new Map([...(opts.library?.funcs ?? FUNCS), ...(opts.funcs ?? [])]);
    const tree = parseTemplate(name, text, funcs === FUNCS ? FUNC_NAMES : new Set([...funcs.keys(), 'and', 'or']), predeclared);
    const defines = new Map<string, NamedBody>(opts.library?.defines ?? []);
    for (const [n, nodes] of tree.defines) defines.set(n, { nodes, source: name });
    return new Template(name, { nodes: tree.root, source: name }, defines, opts.html ?? false, predeclared, funcs);
  }

  /** Names of the templates `{{template "x"}}` can call. */
  definedTemplates(): string[] {
    return [...this.defines.keys()].sort();
  }

  /** Runs the main template with dot = `data`. Throws TemplateError. */
  async execute(data: unknown, opts: ExecOptions = {}): Promise<string> {
    return this.run(this.name, this.root, data, opts);
  }

  /** Runs a `define`d template by name. Throws TemplateError when it does not exist or fails. */
  async executeTemplate(name: string, data: unknown, opts: ExecOptions = {}): Promise<string> {
    const body = this.defines.get(name);
    if (body === undefined) throw new TemplateError(`template: no template "${name}" associated with template "${this.name}"`, this.name, 0, 0);
    return this.run(name, body, data, opts);
  }

  private async run(name: string, body: NamedBody, data: unknown, opts: ExecOptions): Promise<string> {
    const externalURL = opts.externalURL ?? '';
    const executor = new Executor(
      this.defines,
      this.funcs,
      {
        html: opts.html ?? this.html,
        query: opts.query,
        externalURL,
        pathPrefix: opts.pathPrefix ?? urlPath(externalURL),
      },
      { maxSteps: MAX_STEPS, maxOutput: MAX_OUTPUT_CHARS, maxDepth: MAX_TEMPLATE_DEPTH, deadline: performance.now() + (opts.timeoutMs ?? DEFAULT_TIMEOUT_MS) },
    );
    const vars = new Map<string, unknown>();
    if (this.predeclared.length > 0 && data !== null && typeof data === 'object') {
      const d = data as Record<string, unknown>;
      vars.set('$labels', d['Labels']).set('$externalLabels', d['ExternalLabels']).set('$externalURL', d['ExternalURL']).set('$value', d['Value']);
    }
    return executor.run(name, body, data, vars);
  }
}

function urlPath(url: string): string {
  if (url === '') return '';
  try {
    const p = new URL(url).pathname;
    return p === '/' && !/^[a-z]+:\/\/[^/]+\/$/i.test(url) ? '' : p;
  } catch {
    return '';
  }
}

export interface AlertTemplateData {
  readonly labels: Readonly<Record<string, string>>;
  readonly externalLabels: Readonly<Record<string, string>>;
  readonly externalURL: string;
  readonly value: number;
}

/**
 * Parses an alert label/annotation template with `$labels`, `$externalLabels`, `$externalURL` and
 * `$value` defined (Prometheus' alert templates). Parse once, execute per alert with
 * `tpl.execute(alertTemplateData(data), opts)`. Throws TemplateError.
 */
export function parseAlertTemplate(name: string, text: string): Template {
  return Template.parseWith(name, text, {}, ALERT_VARIABLES);
}

/** The dot of an alert template: Go's struct with Labels, ExternalLabels, ExternalURL, Value. */
export function alertTemplateData(data: AlertTemplateData): unknown {
  return { Labels: data.labels, ExternalLabels: data.externalLabels, ExternalURL: data.externalURL, Value: data.value };
}

/**
 * Prometheus' alert templates: defines $labels, $externalLabels, $externalURL, $value before
 * `text`; line numbers in errors still refer to `text`. Throws TemplateError.
 */
export async function expandAlertTemplate(name: string, text: string, data: AlertTemplateData, opts: ExecOptions = {}): Promise<string> {
  return parseAlertTemplate(name, text).execute(alertTemplateData(data), { externalURL: data.externalURL, ...opts });
}

/** Parses an alert template (with the alert variables defined) only to find errors. Throws TemplateError. */
export function checkTemplate(name: string, text: string): void {
  parseAlertTemplate(name, text);
}

import { sprint, sprintf, sprintln } from './gofmt.js';
import { SafeHtml, goTypeName, isMap, mapGet, mapSize, truth } from './values.js';

/** A problem inside a function call; the executor prefixes `error calling NAME:` and the position. */
export class FuncError extends Error {}

/** What a function may reach while the template runs. */
export interface FuncContext {
  /** Runs a named template with `data` and returns its output (for `tmpl`). */
  executeTemplate(name: string, data: unknown): Promise<string>;
  readonly html: boolean;
  readonly query: ((expr: string) => Promise<readonly { readonly labels: Readonly<Record<string, string>>; readonly value: number }[]>) | undefined;
  readonly externalURL: string;
  readonly pathPrefix: string;
}

export interface FuncDef {
  readonly minArgs: number;
  /** Infinity = variadic. */
  readonly maxArgs: number;
  readonly fn: (ctx: FuncContext, args: readonly unknown[]) => unknown;
}

function def(minArgs: number, maxArgs: number, fn: FuncDef['fn']): FuncDef {
  return { minArgs, maxArgs, fn };
}

export function asString(v: unknown, what = 'value'): string {
  if (typeof v === 'string') return v;
  if (v instanceof SafeHtml) return v.html;
  throw new FuncError(`wrong type for ${what}; expected string; got ${goTypeName(v)}`);
}

/** One string from the arguments like Go's evalArgs: a lone string as is, else fmt.Sprint. */
function argsString(args: readonly unknown[]): string {
  if (args.length === 1 && (typeof args[0] === 'string' || args[0] instanceof SafeHtml)) return String(args[0]);
  return sprint(args);
}

/** Go's template.HTMLEscapeString. */
export function htmlEscape(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) => ({ '\0': '\uFFFD', '"': '&#34;', "'": '&#39;', '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] ?? c);
}

/** Go's template.JSEscapeString. */
function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '\\' || ch === "'" || ch === '"') out += '\\' + ch;
    else if (ch === '<' || ch === '>' || ch === '&' || ch === '=' || cp < 0x20 || /\p{C}/u.test(ch)) {
      out += cp > 0xffff ? ch : '\\u' + cp.toString(16).toUpperCase().padStart(4, '0');
    } else out += ch;
  }
  return out;
}

/** Go's url.QueryEscape. */
export function queryEscape(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function toIndex(v: unknown): number {
  if (typeof v === 'bigint') return Number(v);
  throw new FuncError(`cannot index slice/array with type ${goTypeName(v)}`);
}

function indexOne(item: unknown, key: unknown): unknown {
  if (item === undefined || item === null) throw new FuncError('index of untyped nil');
  if (Array.isArray(item)) {
    const i = toIndex(key);
    if (i < 0 || i >= item.length) throw new FuncError(`index out of range: ${i}`);
    return item[i];
  }
  if (typeof item === 'string') {
    const bytes = Buffer.from(item, 'utf8');
    const i = toIndex(key);
    if (i < 0 || i >= bytes.length) throw new FuncError(`index out of range: ${i}`);
    return BigInt(bytes[i]!);
  }
  if (isMap(item)) return mapGet(item, key);
  throw new FuncError(`can't index item of type ${goTypeName(item)}`);
}

function sliceOf(item: unknown, idx: readonly unknown[]): unknown {
  if (idx.length > 3) throw new FuncError(`too many slice indexes: ${idx.length}`);
  const n = typeof item === 'string' ? Buffer.byteLength(item, 'utf8') : Array.isArray(item) ? item.length : -1;
  if (n < 0) throw new FuncError(`can't slice item of type ${goTypeName(item)}`);
  if (idx.length === 3 && typeof item === 'string') throw new FuncError('cannot 3-index slice a string');
  const ix = idx.map(toIndex);
  const lo = ix[0] ?? 0;
  const hi = ix[1] ?? n;
  const cap = ix[2] ?? n;
  if (lo < 0 || hi < lo || hi > n || cap < hi || cap > n) throw new FuncError(`index out of range: [${lo}:${hi}] with length ${n}`);
  if (typeof item === 'string') return Buffer.from(item, 'utf8').subarray(lo, hi).toString('utf8');
  return (item as unknown[]).slice(lo, hi);
}

type Kind = 'bool' | 'int' | 'float' | 'string' | 'nil' | 'other';
function kindOf(v: unknown): Kind {
  if (v === undefined || v === null) return 'nil';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'string' || v instanceof SafeHtml) return 'string';
  return 'other';
}

function plain(v: unknown): unknown {
  return v instanceof SafeHtml ? v.html : v;
}

function eq(args: readonly unknown[]): boolean {
  if (args.length < 2) throw new FuncError('missing argument for comparison');
  const [a, ...rest] = args;
  const ka = kindOf(a);
  for (const b of rest) {
    const kb = kindOf(b);
    if (ka !== kb) {
      if (ka !== 'nil' && kb !== 'nil') throw new FuncError('incompatible types for comparison');
      continue;
    }
    if (ka === 'other') {
      if (Array.isArray(a) || isMap(a) || Array.isArray(b) || isMap(b)) throw new FuncError(`non-comparable type ${goTypeName(a)}`);
      if (a === b) return true;
      continue;
    }
    if (ka === 'nil' || plain(a) === plain(b)) return true;
  }
  return false;
}

function lt(a: unknown, b: unknown): boolean {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka === 'bool' || ka === 'nil' || ka === 'other' || kb === 'bool' || kb === 'nil' || kb === 'other') throw new FuncError('invalid type for comparison');
  if (ka !== kb) throw new FuncError('incompatible types for comparison');
  return (plain(a) as string | number | bigint) < (plain(b) as string | number | bigint);
}

function length(v: unknown): bigint {
  if (typeof v === 'string') return BigInt(Buffer.byteLength(v, 'utf8'));
  if (v instanceof SafeHtml) return BigInt(Buffer.byteLength(v.html, 'utf8'));
  if (Array.isArray(v)) return BigInt(v.length);
  if (isMap(v)) return BigInt(mapSize(v));
  throw new FuncError(`len of type ${goTypeName(v)}`);
}

/** Go's text/template builtins (`and`/`or` are handled by the executor: their arguments are lazy). */
export const GO_BUILTINS: ReadonlyMap<string, FuncDef> = new Map<string, FuncDef>([
  ['not', def(1, 1, (_c, [v]) => !truth(v))],
  ['eq', def(1, Infinity, (_c, args) => eq(args))],
  ['ne', def(2, 2, (_c, [a, b]) => !eq([a, b]))],
  ['lt', def(2, 2, (_c, [a, b]) => lt(a, b))],
  ['le', def(2, 2, (_c, [a, b]) => lt(a, b) || eq([a, b]))],
  ['gt', def(2, 2, (_c, [a, b]) => !lt(a, b) && !eq([a, b]))],
  ['ge', def(2, 2, (_c, [a, b]) => !lt(a, b))],
  ['len', def(1, 1, (_c, [v]) => length(v))],
  ['index', def(1, Infinity, (_c, [item, ...keys]) => keys.reduce((acc, k) => indexOne(acc, k), item))],
  ['slice', def(1, Infinity, (_c, [item, ...idx]) => sliceOf(item, idx))],
  ['print', def(0, Infinity, (_c, args) => sprint(args))],
  ['println', def(0, Infinity, (_c, args) => sprintln(args))],
  ['printf', def(1, Infinity, (_c, [f, ...args]) => sprintf(asString(f, 'format'), args))],
  ['html', def(0, Infinity, (c, args) => (c.html ? new SafeHtml(htmlEscape(argsString(args))) : htmlEscape(argsString(args))))],
  ['js', def(0, Infinity, (_c, args) => jsEscape(argsString(args)))],
  ['urlquery', def(0, Infinity, (_c, args) => queryEscape(argsString(args)))],
]);

import { goQuote } from './errors.js';

/** PromQL token types (Prometheus' item types), keyword table and token descriptions. */

export type TokenType =
  // Literals and names.
  | 'EOF'
  | 'ERROR'
  | 'COMMENT'
  | 'IDENTIFIER'
  | 'METRIC_IDENTIFIER'
  | 'NUMBER'
  | 'DURATION'
  | 'STRING'
  // Punctuation.
  | 'LEFT_PAREN'
  | 'RIGHT_PAREN'
  | 'LEFT_BRACE'
  | 'RIGHT_BRACE'
  | 'LEFT_BRACKET'
  | 'RIGHT_BRACKET'
  | 'COMMA'
  | 'EQL'
  | 'COLON'
  // Operators.
  | 'ADD'
  | 'DIV'
  | 'EQLC'
  | 'EQL_REGEX'
  | 'GTE'
  | 'GTR'
  | 'TRIM_UPPER'
  | 'TRIM_LOWER'
  | 'LAND'
  | 'LOR'
  | 'LSS'
  | 'LTE'
  | 'LUNLESS'
  | 'MOD'
  | 'MUL'
  | 'NEQ'
  | 'NEQ_REGEX'
  | 'POW'
  | 'SUB'
  | 'AT'
  | 'ATAN2'
  // Aggregators.
  | 'AVG'
  | 'BOTTOMK'
  | 'COUNT'
  | 'COUNT_VALUES'
  | 'GROUP'
  | 'MAX'
  | 'MIN'
  | 'QUANTILE'
  | 'STDDEV'
  | 'STDVAR'
  | 'SUM'
  | 'TOPK'
  | 'LIMITK'
  | 'LIMIT_RATIO'
  // Keywords.
  | 'BOOL'
  | 'BY'
  | 'GROUP_LEFT'
  | 'GROUP_RIGHT'
  | 'FILL'
  | 'FILL_LEFT'
  | 'FILL_RIGHT'
  | 'IGNORING'
  | 'OFFSET'
  | 'SMOOTHED'
  | 'ANCHORED'
  | 'ON'
  | 'WITHOUT'
  // Preprocessors.
  | 'START'
  | 'END'
  | 'STEP'
  | 'RANGE'
  | 'MAX_OF'
  | 'MIN_OF';

/** One lexed item: `pos` is its start offset, `val` its source text (the message for ERROR). */
export interface Token {
  readonly type: TokenType;
  readonly pos: number;
  readonly val: string;
}

const OPERATORS: ReadonlySet<TokenType> = new Set<TokenType>([
  'ADD', 'DIV', 'EQLC', 'EQL_REGEX', 'GTE', 'GTR', 'TRIM_UPPER', 'TRIM_LOWER', 'LAND', 'LOR', 'LSS', 'LTE',
  'LUNLESS', 'MOD', 'MUL', 'NEQ', 'NEQ_REGEX', 'POW', 'SUB', 'AT', 'ATAN2',
]);
const AGGREGATORS: ReadonlySet<TokenType> = new Set<TokenType>([
  'AVG', 'BOTTOMK', 'COUNT', 'COUNT_VALUES', 'GROUP', 'MAX', 'MIN', 'QUANTILE', 'STDDEV', 'STDVAR', 'SUM', 'TOPK',
  'LIMITK', 'LIMIT_RATIO',
]);
const KEYWORDS: ReadonlySet<TokenType> = new Set<TokenType>([
  'BOOL', 'BY', 'GROUP_LEFT', 'GROUP_RIGHT', 'FILL', 'FILL_LEFT', 'FILL_RIGHT', 'IGNORING', 'OFFSET', 'SMOOTHED',
  'ANCHORED', 'ON', 'WITHOUT',
]);
const PREPROCESSORS: ReadonlySet<TokenType> = new Set<TokenType>(['START', 'END', 'STEP', 'RANGE', 'MAX_OF', 'MIN_OF']);
const PUNCTUATION: ReadonlySet<TokenType> = new Set<TokenType>([
  'LEFT_PAREN', 'RIGHT_PAREN', 'LEFT_BRACE', 'RIGHT_BRACE', 'LEFT_BRACKET', 'RIGHT_BRACKET', 'COMMA', 'EQL', 'COLON',
]);

/** True for operator tokens. */
export const isOperatorToken = (t: TokenType): boolean => OPERATORS.has(t);
/** True for aggregation operator tokens. */
export const isAggregatorToken = (t: TokenType): boolean => AGGREGATORS.has(t);
/** True for keyword tokens (by, without, on, offset, ...). */
export const isKeywordToken = (t: TokenType): boolean => KEYWORDS.has(t);
/** True for start/end/step/range/max_of/min_of. */
export const isPreprocessorToken = (t: TokenType): boolean => PREPROCESSORS.has(t);

/** Words the lexer turns into tokens (lower-cased lookup). `inf` and `nan` are numbers. */
export const KEY: ReadonlyMap<string, TokenType> = new Map<string, TokenType>([
  ['and', 'LAND'], ['or', 'LOR'], ['unless', 'LUNLESS'], ['atan2', 'ATAN2'],
  ['sum', 'SUM'], ['avg', 'AVG'], ['count', 'COUNT'], ['min', 'MIN'], ['max', 'MAX'], ['group', 'GROUP'],
  ['stddev', 'STDDEV'], ['stdvar', 'STDVAR'], ['topk', 'TOPK'], ['bottomk', 'BOTTOMK'],
  ['count_values', 'COUNT_VALUES'], ['quantile', 'QUANTILE'], ['limitk', 'LIMITK'], ['limit_ratio', 'LIMIT_RATIO'],
  ['offset', 'OFFSET'], ['smoothed', 'SMOOTHED'], ['anchored', 'ANCHORED'], ['by', 'BY'], ['without', 'WITHOUT'],
  ['on', 'ON'], ['ignoring', 'IGNORING'], ['group_left', 'GROUP_LEFT'], ['group_right', 'GROUP_RIGHT'],
  ['fill', 'FILL'], ['fill_left', 'FILL_LEFT'], ['fill_right', 'FILL_RIGHT'], ['bool', 'BOOL'],
  ['start', 'START'], ['end', 'END'], ['step', 'STEP'], ['range', 'RANGE'], ['max_of', 'MAX_OF'], ['min_of', 'MIN_OF'],
  ['inf', 'NUMBER'], ['nan', 'NUMBER'],
]);
export const DURATION_KEYWORDS: ReadonlyMap<string, TokenType> = new Map<string, TokenType>([
  ['step', 'STEP'], ['range', 'RANGE'], ['max_of', 'MAX_OF'], ['min_of', 'MIN_OF'],
]);

/** Every word the lexer treats specially (for completion and for quoting label names). */
export function keywords(): string[] {
  return [...KEY.keys()];
}

/**
 * How Prometheus describes a token in "unexpected ..." messages:
 * `<op:+>`, `<aggr:sum>`, `<by>`, `"("`, `identifier "foo"`, `number "1"`, `end of input`.
 */
export function describeToken(t: Token): string {
  if (t.type === 'EOF') return 'end of input';
  if (PUNCTUATION.has(t.type) || OPERATORS.has(t.type) || AGGREGATORS.has(t.type) || KEYWORDS.has(t.type) ||
      PREPROCESSORS.has(t.type)) {
    return tokenString(t);
  }
  const kind = t.type === 'IDENTIFIER' ? 'identifier' : t.type === 'METRIC_IDENTIFIER' ? 'metric identifier'
    : t.type === 'STRING' ? 'string' : t.type === 'NUMBER' ? 'number' : t.type === 'DURATION' ? 'duration'
      : t.type === 'COMMENT' ? 'comment' : 'error';
  return `${kind} ${tokenString(t)}`;
}

function tokenString(t: Token): string {
  if (t.type === 'IDENTIFIER' || t.type === 'METRIC_IDENTIFIER') return goQuote(t.val);
  if (KEYWORDS.has(t.type)) return `<${t.val}>`;
  if (OPERATORS.has(t.type)) return `<op:${t.val}>`;
  if (AGGREGATORS.has(t.type)) return `<aggr:${t.val}>`;
  const chars = [...t.val];
  if (chars.length > 10) return `${goQuote(chars.slice(0, 10).join(''))}...`;
  return goQuote(t.val);
}


import { describe, expect, it } from 'vitest';
import { ALL_VALUE, builtinScope, escapeRegex, interpolate, referencedNames } from './interpolate';
import type { VarValue } from './interpolate';

const one = (v: string): VarValue => ({ values: [v], texts: [v], multiOrAll: false });
const multi = (...v: string[]): VarValue => ({ values: v, texts: v, multiOrAll: true });
const scope = new Map<string, VarValue>([
  ['job', one('node')],
  ['node', one('host:9100')],
  ['hosts', multi('a.b', 'c|d')],
  ['single', multi('x+y')],
]);

describe('interpolate', () => {
  it('replaces $var, ${var} and [[var]]', () => {
    expect(interpolate('up{job="$job",instance="${node}"} [[job]]', scope)).toBe('up{job="node",instance="host:9100"} node');
  });
  it('renders multi values as an escaped regex alternation', () => {
    expect(interpolate('up{instance=~"$hosts"}', scope)).toBe('up{instance=~"(a\\\\.b|c\\\\|d)"}');
    expect(interpolate('${hosts:regex}', scope)).toBe('(a\\.b|c\\|d)');
    expect(interpolate('$single', scope)).toBe('x\\\\+y');
  });
  it('applies the common formats', () => {
    expect(interpolate('${hosts:pipe}', scope)).toBe('a.b|c|d');
    expect(interpolate('${hosts:csv}', scope)).toBe('a.b,c|d');
    expect(interpolate('${hosts:raw}', scope)).toBe('a.b,c|d');
    expect(interpolate('${hosts:text}', scope)).toBe('a.b + c|d');
    expect(interpolate('${hosts:json}', scope)).toBe('["a.b","c|d"]');
    expect(interpolate('${hosts:doublequote}', scope)).toBe('"a.b","c|d"');
    expect(interpolate('${hosts:singlequote}', scope)).toBe("'a.b','c|d'");
    expect(interpolate('${node:queryparam}', scope)).toBe('var-node=host%3A9100');
    expect(interpolate('${hosts:glob}', scope)).toBe('{a.b,c|d}');
    expect(interpolate('[[hosts:pipe]]', scope)).toBe('a.b|c|d');
  });
  it('uses allValue as is when All is selected', () => {
    const all: VarValue = { values: ['a', 'b'], texts: ['All'], multiOrAll: true, allValue: '.*' };
    expect(interpolate('x=~"$v"', new Map([['v', all]]))).toBe('x=~".*"');
  });
  it('leaves unknown variables and odd syntax as written', () => {
    expect(interpolate('$nope ${nope} [[nope]] ${nope:csv} $ ${} $$job', scope)).toBe('$nope ${nope} [[nope]] ${nope:csv} $ ${} $node');
    expect(interpolate('price: 5$', scope)).toBe('price: 5$');
  });
  it('takes the first scope that knows a name (repeat scopes first)', () => {
    expect(interpolate('$job', new Map([['job', one('other')]]), scope)).toBe('other');
  });
  it('computes the built-ins', () => {
    const b = builtinScope(0, 6 * 3_600_000, 30_000);
    expect(interpolate('$__interval $__interval_ms $__range $__range_s $__range_ms', b)).toBe('30s 30000 6h 21600 21600000');
    expect(interpolate('rate(x[$__rate_interval])', b)).toBe('rate(x[1m])');
    expect(interpolate('$__rate_interval', builtinScope(0, 3_600_000, 60_000))).toBe('75s');
    expect(interpolate('$__rate_interval', builtinScope(0, 3_600_000, 15_000))).toBe('1m');
    expect(interpolate('$__rate_interval', builtinScope(0, 3_600_000, 1000, 1000))).toBe('4s');
  });
  it('lists referenced names', () => {
    expect([...referencedNames('label_values(up{job="$job", x="${node:raw}"}, [[inst]])')]).toEqual(['job', 'node', 'inst']);
  });
  it('escapes every regex metacharacter', () => {
    const hostile = '.*+?^$()[]{}|\\';
    expect(new RegExp(`^${escapeRegex(hostile)}$`).test(hostile)).toBe(true);
    expect(ALL_VALUE).toBe('$__all');
  });
});

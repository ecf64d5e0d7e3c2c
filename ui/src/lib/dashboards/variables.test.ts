import { describe, expect, it } from 'vitest';
import { ALL_VALUE, interpolate } from './interpolate';
import type { VariableModel } from './model';
import { type VarFetcher, type VarState, applyVarRegex, chooseCurrent, customOptions, dependents, loadOptions, parseVarQuery, resolveVariables, scopeOf, sortOptions, varValue, varsFromSearch, varsToParams } from './variables';

/** A fetcher over fixed data (what the Prometheus API would answer), recording its calls. */
function fixedFetcher(calls: string[]): VarFetcher {
  return {
    labelNames: async () => ['instance', 'job'],
    labelValues: async (label, match) => {
      calls.push(`${label}|${match ?? ''}`);
      if (label === '__name__') return ['node_load1', 'node_load5', 'up'];
      if (label === 'job') return ['node', 'blackbox'];
      return match?.includes('node') ? ['h1:9100', 'h2:9100'] : ['p1'];
    },
    queryResult: async (expr) => {
      calls.push(`q|${expr}`);
      return ['up{instance="a:1",job="x"} 1 1700000000000', 'up{instance="b:2",job="x"} 1 1700000000000'];
    },
  };
}

describe('variable queries', () => {
  it('parses the Prometheus forms', () => {
    expect(parseVarQuery('label_values(job)')).toEqual({ kind: 'label_values', label: 'job' });
    expect(parseVarQuery('label_values(node_uname_info{job="$job"}, nodename)')).toEqual({ kind: 'label_values', label: 'nodename', match: 'node_uname_info{job="$job"}' });
    expect(parseVarQuery(' metrics(node_.*) ')).toEqual({ kind: 'metrics', regex: 'node_.*' });
    expect(parseVarQuery('query_result(topk(3, up))')).toEqual({ kind: 'query_result', expr: 'topk(3, up)' });
    expect(parseVarQuery('label_names()')).toEqual({ kind: 'label_names' });
  });
  it('rejects what it cannot run with a clear message', () => {
    for (const bad of ['', 'label_values(', 'label_values(up, 1bad)', 'up', 'SELECT 1']) {
      const r = parseVarQuery(bad);
      expect(r).toBeInstanceOf(Error);
      expect((r as Error).message).toMatch(/expected label_values/);
    }
  });
  it('loads options for each type, interpolating the query', async () => {
    const calls: string[] = [];
    const f = fixedFetcher(calls);
    const scope = new Map([['job', { values: ['node'], texts: ['node'], multiOrAll: false }]]);
    const q: VariableModel = { name: 'node', type: 'query', query: { query: 'label_values(up{job="$job"}, instance)' }, sort: 2 };
    expect((await loadOptions(q, scope, f)).map((o) => o.value)).toEqual(['h2:9100', 'h1:9100']);
    expect(calls).toContain('instance|up{job="node"}');
    expect((await loadOptions({ name: 'm', type: 'query', query: 'metrics(node_load.*)' }, scope, f)).map((o) => o.value)).toEqual(['node_load1', 'node_load5']);
    const qr = await loadOptions({ name: 'r', type: 'query', query: 'query_result(up)', regex: '/instance="([^"]+)"/' }, scope, f);
    expect(qr.map((o) => o.value)).toEqual(['a:1', 'b:2']);
    expect(await loadOptions({ name: 'c', type: 'custom', query: 'a, b\\,c , Text : val' }, scope, f)).toEqual([{ text: 'a', value: 'a' }, { text: 'b,c', value: 'b,c' }, { text: 'Text', value: 'val' }]);
    expect(await loadOptions({ name: 'k', type: 'constant', query: 'x' }, scope, f)).toEqual([{ text: 'x', value: 'x' }]);
    expect((await loadOptions({ name: 'i', type: 'interval', query: 'auto,1m,5m' }, scope, f)).map((o) => o.value)).toEqual(['1m', '5m']);
    expect(await loadOptions({ name: 'd', type: 'datasource', query: 'prometheus' }, scope, f)).toEqual([{ text: 'Vigie', value: 'vigie' }]);
    await expect(loadOptions({ name: 'x', type: 'adhoc' }, scope, f)).rejects.toThrow(/not supported/);
    await expect(loadOptions({ name: 'x', type: 'query', query: 'garbage(' }, scope, f)).rejects.toThrow(/unsupported variable query/);
  });
  it('applies regexes: groups, named groups, filtering, bad regex', () => {
    expect(applyVarRegex(['a-1', 'b-2', 'zzz'], '/(\\w)-\\d/')).toEqual([{ text: 'a', value: 'a' }, { text: 'b', value: 'b' }]);
    expect(applyVarRegex(['h1:9100'], '/(?<text>[^:]+):(?<value>\\d+)/')).toEqual([{ text: 'h1', value: '9100' }]);
    expect(applyVarRegex(['a', 'a', 'b'], '')).toEqual([{ text: 'a', value: 'a' }, { text: 'b', value: 'b' }]);
    expect(applyVarRegex(['a'], '/(unclosed/')).toBeInstanceOf(Error);
  });
  it('sorts', () => {
    const o = ['b10', 'a2', 'B1'].map((v) => ({ text: v, value: v }));
    expect(sortOptions(o, 1).map((x) => x.text)).toEqual(['B1', 'a2', 'b10']);
    expect(sortOptions(o, 4).map((x) => x.text)).toEqual(['b10', 'a2', 'B1']);
    expect(sortOptions(o, 5).map((x) => x.text)).toEqual(['a2', 'B1', 'b10']);
    expect(sortOptions(o, 0).map((x) => x.text)).toEqual(['b10', 'a2', 'B1']);
  });
  it('customOptions survives hostile input', () => {
    expect(customOptions('')).toEqual([]);
    expect(customOptions(',,, ,')).toEqual([]);
    expect(customOptions('\\,')).toEqual([{ text: ',', value: ',' }]);
  });
});

describe('selection and scope', () => {
  const opts = [{ text: 'a', value: 'a' }, { text: 'b', value: 'b' }];
  it('prefers the URL, then the previous, then current, then the first option', () => {
    const v: VariableModel = { name: 'x', type: 'custom', current: { value: 'b' } };
    expect(chooseCurrent(v, opts, ['a'], ['b'])).toEqual(['a']);
    expect(chooseCurrent(v, opts, ['gone'], undefined)).toEqual(['b']);
    expect(chooseCurrent({ ...v, current: {} }, opts, undefined, undefined)).toEqual(['a']);
    expect(chooseCurrent({ ...v, current: {} }, [], undefined, undefined)).toEqual([]);
    expect(chooseCurrent({ ...v, multi: true }, opts, ['a', 'b', 'c'], undefined)).toEqual(['a', 'b']);
    expect(chooseCurrent({ ...v, includeAll: true, current: {} }, opts, undefined, undefined)).toEqual([ALL_VALUE]);
    expect(chooseCurrent({ ...v, includeAll: true }, opts, [ALL_VALUE], undefined)).toEqual([ALL_VALUE]);
    expect(chooseCurrent({ name: 't', type: 'textbox', query: 'd' }, [], ['typed'], undefined)).toEqual(['typed']);
  });
  it('expands All into all option values, or into allValue', () => {
    const s: VarState = { model: { name: 'x', type: 'custom', includeAll: true }, options: [{ text: 'a.b', value: 'a.b' }, { text: 'c', value: 'c' }], current: [ALL_VALUE] };
    expect(interpolate('$x', scopeOf([s]))).toBe('(a\\\\.b|c)');
    expect(varValue({ ...s, model: { ...s.model, allValue: '.+' } }).allValue).toBe('.+');
    expect(interpolate('$x', scopeOf([{ ...s, model: { ...s.model, allValue: '.+' } }]))).toBe('.+');
  });
  it('finds dependents transitively, in order', () => {
    const models: VariableModel[] = [
      { name: 'job', type: 'query', query: 'label_values(job)' },
      { name: 'nodename', type: 'query', query: { query: 'label_values(node_uname_info{job="$job"}, nodename)' } },
      { name: 'node', type: 'query', query: 'label_values(node_uname_info{nodename="$nodename"}, instance)' },
      { name: 'other', type: 'custom', query: 'a,b' },
    ];
    expect(dependents(models, 'job')).toEqual(['nodename', 'node']);
    expect(dependents(models, 'node')).toEqual([]);
  });
  it('reads and writes var- parameters', () => {
    expect(varsFromSearch('?var-a=1&var-b=x&var-b=y%3Az&from=now-1h')).toEqual(new Map([['a', ['1']], ['b', ['x', 'y:z']]]));
    const p = new URLSearchParams('var-old=1&from=now-1h');
    varsToParams([{ model: { name: 'b', type: 'custom' }, options: [], current: ['x', 'y'] }, { model: { name: 'c', type: 'constant' }, options: [], current: ['k'] }], p);
    expect(p.toString()).toBe('from=now-1h&var-b=x&var-b=y');
  });
});

describe('resolveVariables', () => {
  const models: VariableModel[] = [
    { name: 'ds', type: 'datasource', query: 'prometheus', hide: 2 },
    { name: 'job', type: 'query', query: { query: 'label_values(node_uname_info, job)' }, sort: 1 },
    { name: 'node', type: 'query', query: 'label_values(node_uname_info{job="$job"}, instance)' },
    { name: 'broken', type: 'query', query: 'nonsense' },
  ];
  it('resolves in order, each variable seeing those above it', async () => {
    const calls: string[] = [];
    const seen: number[] = [];
    const s = await resolveVariables(models, fixedFetcher(calls), [], new Map([['job', ['node']]]), undefined, (p) => seen.push(p.length));
    expect(s.map((x) => [x.model.name, x.current])).toEqual([['ds', ['vigie']], ['job', ['node']], ['node', ['h1:9100']], ['broken', []]]);
    expect(calls).toContain('instance|node_uname_info{job="node"}');
    expect(s[3]?.error).toMatch(/unsupported variable query/);
    expect(seen).toEqual([4, 4, 4, 4]);
  });
  it('re-resolves only the dependents of a change', async () => {
    const calls: string[] = [];
    const first = await resolveVariables(models, fixedFetcher(calls), [], undefined);
    expect(first[1]?.current).toEqual(['blackbox']);
    const changed = first.map((x) => (x.model.name === 'job' ? { ...x, current: ['node'] } : x));
    calls.length = 0;
    const again = await resolveVariables(models, fixedFetcher(calls), changed, undefined, new Set(dependents(models, 'job')));
    expect(calls).toEqual(['instance|node_uname_info{job="node"}']);
    expect(again[2]?.options.map((o) => o.value)).toEqual(['h1:9100', 'h2:9100']);
  });
});

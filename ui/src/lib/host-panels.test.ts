import { describe, expect, it } from 'vitest';
import { hostPanels, promString, rateWindow } from './host-panels';
import { matchRoute, hostPath } from './router';

describe('host panels', () => {
  it('covers the system dashboard users asked for', () => {
    expect(hostPanels('web-1', 10_000).map((p) => p.title)).toEqual(['CPU by mode', 'Load average', 'Memory and swap', 'Filesystem use', 'Disk I/O', 'Network', 'Processes', 'Logged-in users']);
  });
  it('quotes the instance safely in every query', () => {
    const evil = 'a"} or vector(1) or up{x="';
    for (const p of hostPanels(evil, 10_000)) for (const q of p.queries) expect(q.expr).toContain(`instance=${promString(evil)}`);
    expect(promString(evil)).toBe('"a\\"} or vector(1) or up{x=\\""');
  });
  it('widens rate windows with the step', () => {
    expect(rateWindow(10_000)).toBe('60s');
    expect(rateWindow(300_000)).toBe('1200s');
  });
});

describe('routes', () => {
  it('matches pages and host instances', () => {
    expect(matchRoute('/')).toEqual({ page: 'overview' });
    expect(matchRoute('/explore/')).toEqual({ page: 'explore' });
    expect(matchRoute(hostPath('10.0.0.1:9100/x'))).toEqual({ page: 'host', instance: '10.0.0.1:9100/x' });
    expect(matchRoute('/hosts/%E0%A4%A')).toEqual({ page: 'notFound', path: '/hosts/%E0%A4%A' });
    expect(matchRoute('/nope')).toEqual({ page: 'notFound', path: '/nope' });
  });
});

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ApiSession } from '../../lib/api';
import type { VarScope } from '../../lib/dashboards/interpolate';
import type { VariableModel } from '../../lib/dashboards/model';
import { promVarFetcher } from '../../lib/dashboards/query';
import { type VarState, dependents, resolveVariables, scopeOf, varValue } from '../../lib/dashboards/variables';

export interface Variables {
  readonly states: readonly VarState[];
  /** True once every variable has been resolved once (panels wait for it). */
  readonly ready: boolean;
  readonly scope: VarScope;
  select(name: string, values: readonly string[]): void;
  /** Values a repeat over `name` produces. */
  repeatValues(name: string): readonly string[];
}

/**
 * The dashboard's variables: resolved when the list changes (the URL's var- values first,
 * then the previous selection); a selection re-resolves the variables that depend on it;
 * variables with refresh 2 reload when the range changes.
 */
export function useVariables(session: ApiSession, models: readonly VariableModel[], range: { startMs: number; endMs: number }, urlVars: ReadonlyMap<string, readonly string[]>): Variables {
  const [states, setStates] = useState<readonly VarState[]>([]);
  const [ready, setReady] = useState(models.length === 0);
  const rangeRef = useRef(range);
  rangeRef.current = range;
  const statesRef = useRef(states);
  statesRef.current = states;
  const firstUrl = useRef<ReadonlyMap<string, readonly string[]> | undefined>(urlVars);
  const fetcher = useMemo(() => promVarFetcher(session, () => rangeRef.current), [session]);
  const gen = useRef(0);
  const modelsKey = JSON.stringify(models.map(({ current: _c, options: _o, ...rest }) => rest));

  const run = (only: ReadonlySet<string> | undefined, base: readonly VarState[]): void => {
    const my = ++gen.current;
    const url = firstUrl.current;
    void resolveVariables(models, fetcher, base, url, only, (p) => {
      if (gen.current === my) setStates(p);
    }).then((s) => {
      if (gen.current !== my) return;
      firstUrl.current = undefined;
      setStates(s);
      setReady(true);
    });
  };

  useEffect(() => run(undefined, statesRef.current), [modelsKey]);
  const rangeKey = `${Math.round(range.startMs / 60_000)}-${Math.round(range.endMs / 60_000)}`;
  const mounted = useRef(false);
  useEffect(() => {
    if (!mounted.current) {
      mounted.current = true;
      return;
    }
    const onRange = models.filter((m) => m.refresh === 2).map((m) => m.name);
    if (onRange.length > 0) run(new Set(onRange.flatMap((n) => [n, ...dependents(models, n)])), statesRef.current);
  }, [rangeKey]);

  const scope = useMemo(() => scopeOf(states), [states]);
  return {
    states,
    ready,
    scope,
    select: (name, values) => {
      const next = statesRef.current.map((s) => (s.model.name === name ? { ...s, current: [...values] } : s));
      setStates(next);
      const deps = dependents(models, name);
      if (deps.length > 0) run(new Set(deps), next);
    },
    repeatValues: (name) => {
      const s = states.find((x) => x.model.name === name);
      return s === undefined ? [] : varValue(s).values;
    },
  };
}

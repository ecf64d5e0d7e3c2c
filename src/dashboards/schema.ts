import { z } from 'zod';
import { DashboardInvalidError } from './errors.js';

/** A dashboard in Grafana's JSON model: an object with at least a title; every other field kept as given. */
export type Dashboard = Record<string, unknown> & { title: string };

/** Deepest nesting accepted (Grafana dashboards stay well under 20 levels). */
export const MAX_DEPTH = 64;
/** A key that could reach Object.prototype when copied carelessly: refused anywhere. */
const FORBIDDEN_KEYS = new Set(['__proto__']);

const num = z.number({ error: 'expected a number' });
const gridPos = z.looseObject({ x: num, y: num, w: num, h: num }, { error: 'expected an object {x, y, w, h}' });
const object = (what: string) => z.looseObject({}, { error: `expected ${what}` });

interface PanelShape {
  [k: string]: unknown;
  panels?: PanelShape[] | undefined;
}

const panel: z.ZodType<PanelShape> = z.lazy(() =>
  z.looseObject(
    {
      id: z.number({ error: 'expected a number' }).nullable().optional(),
      type: z.string({ error: 'expected a string' }).optional(),
      title: z.string({ error: 'expected a string' }).optional(),
      gridPos: gridPos.optional(),
      targets: z.array(object('an object (a query)'), { error: 'expected an array' }).optional(),
      panels: z.array(panel, { error: 'expected an array' }).optional(),
    },
    { error: 'expected an object (a panel)' },
  ),
);

const dashboardSchema = z.looseObject(
  {
    uid: z.string({ error: 'expected a string' }).nullable().optional(),
    title: z.string({ error: 'expected a string' }),
    tags: z.array(z.string({ error: 'expected a string' }), { error: 'expected an array' }).optional(),
    version: z.number({ error: 'expected a number' }).nullable().optional(),
    panels: z.array(panel, { error: 'expected an array' }).optional(),
    templating: z.looseObject({ list: z.array(object('an object (a variable)'), { error: 'expected an array' }).optional() }, { error: 'expected an object' }).optional(),
  },
  { error: 'expected a JSON object (a Grafana dashboard)' },
);

/** `panels[3].gridPos.w` from zod's path; '' for the root. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (typeof p === 'string' && /^[A-Za-z_$][\w$]*$/.test(p)) out += out === '' ? p : `.${p}`;
    else out += `[${JSON.stringify(String(p))}]`;
  }
  return out;
}

const at = (path: string, msg: string): string => (path === '' ? msg : `${path}: ${msg}`);

/**
 * Refuses what would hurt before schema checks: nesting deeper than MAX_DEPTH and keys such as
 * `__proto__`. Iterative, so hostile depth cannot overflow the stack. `prefix` names the root.
 */
export function checkShape(value: unknown, prefix: readonly PropertyKey[] = []): void {
  const stack: { v: unknown; path: readonly PropertyKey[] }[] = [{ v: value, path: prefix }];
  while (stack.length > 0) {
    const { v, path } = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (path.length - prefix.length > MAX_DEPTH) throw new DashboardInvalidError(at(formatPath(path), `nested deeper than ${MAX_DEPTH} levels`));
    if (Array.isArray(v)) {
      v.forEach((item: unknown, i) => stack.push({ v: item, path: [...path, i] }));
      continue;
    }
    for (const [k, item] of Object.entries(v)) {
      if (FORBIDDEN_KEYS.has(k)) throw new DashboardInvalidError(at(formatPath([...path, k]), 'this key is not allowed'));
      stack.push({ v: item, path: [...path, k] });
    }
  }
}

/**
 * Checks that `value` is a dashboard Vigie can store: an object with a non-empty string title,
 * `panels` an array of panels (numeric id, string type, gridPos {x,y,w,h} numbers, `targets`
 * an array, rows' nested `panels`), `templating.list` an array. Unknown fields are kept.
 * Throws DashboardInvalidError naming the first bad JSON path (prefixed by `prefix`, e.g. `dashboard`).
 */
export function parseDashboard(value: unknown, prefix: readonly PropertyKey[] = []): Dashboard {
  checkShape(value, prefix);
  const r = dashboardSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    const path = formatPath([...prefix, ...(issue?.path ?? [])]);
    let message = issue?.message ?? 'invalid dashboard';
    if (issue?.code === 'invalid_type' && message.startsWith('Invalid input')) message = `expected ${issue.expected}`;
    throw new DashboardInvalidError(at(path, message));
  }
  const title = r.data.title.trim();
  if (title === '') throw new DashboardInvalidError(at(formatPath([...prefix, 'title']), 'must not be empty'));
  if (title.length > 500) throw new DashboardInvalidError(at(formatPath([...prefix, 'title']), 'longer than 500 characters'));
  return { ...(value as Record<string, unknown>), title };
}

/** Grafana's uid rule: 1 to 40 characters among letters, digits, '-' and '_'. */
export function checkUid(uid: string, where = 'uid'): string {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(uid)) throw new DashboardInvalidError(`${where}: ${JSON.stringify(uid.slice(0, 60))} is not a valid uid (1 to 40 letters, digits, '-' or '_')`);
  return uid;
}

/**
 * A SQL `WHERE` clause from optional filters: each `[clause, arg]` whose arg is defined is
 * ANDed in, its arg bound to the clause's single `?`. Returns '' when nothing applies.
 */
export function sqlWhere(conds: readonly (readonly [string, string | number | undefined])[]): { readonly sql: string; readonly args: (string | number)[] } {
  const clauses: string[] = [];
  const args: (string | number)[] = [];
  for (const [clause, arg] of conds) {
    if (arg === undefined) continue;
    clauses.push(clause);
    args.push(arg);
  }
  return { sql: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', args };
}

import type { Expr } from '../../promql/index.js';

/**
 * Mistakes that parse as PromQL but can never give a result in Vigie, with the working form.
 * Returns one message per mistake found (empty when none).
 *
 * - `histogram_quantile(φ, metric)` over a bare selector whose name has no `bucket`: Vigie
 *   stores classic histograms only (no native histograms), so the quantile needs the `le`
 *   buckets, usually as a rate: `histogram_quantile(0.99, sum by (le) (rate(metric_bucket[5m])))`.
 */
export function exprMistakes(expr: Expr): string[] {
  const out: string[] = [];
  walk(expr, (e) => {
    if (e.kind !== 'Call' || e.func.name !== 'histogram_quantile') return;
    let arg = e.args[1];
    while (arg?.kind === 'ParenExpr') arg = arg.expr;
    // Recorded buckets (`job:x_bucket:rate5m`) keep "bucket" in their name: only names without it are flagged.
    if (arg?.kind !== 'VectorSelector' || arg.name === '' || arg.name.includes('bucket')) return;
    const base = arg.name.replace(/_(count|sum)$/, '');
    const phi = e.args[0]?.kind === 'NumberLiteral' ? String(e.args[0].value) : '0.99';
    out.push(
      `histogram_quantile over ${arg.name}, which is not a histogram's _bucket series: it needs the per-"le" buckets of a classic histogram ` +
        `(Vigie has no native histograms), so this rule would never return anything. ` +
        `Write: histogram_quantile(${phi}, sum by (le) (rate(${base}_bucket[5m])))`,
    );
  });
  return out;
}

function walk(e: Expr, visit: (e: Expr) => void): void {
  visit(e);
  switch (e.kind) {
    case 'ParenExpr':
    case 'UnaryExpr':
    case 'SubqueryExpr':
      walk(e.expr, visit);
      break;
    case 'AggregateExpr':
      walk(e.expr, visit);
      if (e.param !== undefined) walk(e.param, visit);
      break;
    case 'BinaryExpr':
      walk(e.lhs, visit);
      walk(e.rhs, visit);
      break;
    case 'Call':
      for (const a of e.args) walk(a, visit);
      break;
    case 'MatrixSelector':
      walk(e.vectorSelector, visit);
      break;
    default:
  }
}

import { Alias, type Document, type LineCounter, isMap, isScalar, isSeq, type Node } from 'yaml';

/** 1-based line and column in the config file. */
export interface SourcePos {
  readonly line: number;
  readonly col: number;
}

/**
 * Finds where a key path of the parsed data comes from in the YAML source.
 * `at: 'key'` points at the last key itself (for unknown keys), `'value'` at its value.
 * When the path leads nowhere (a missing key), returns the deepest node found on the way.
 * Follows aliases. Returns undefined only for an empty document.
 */
export function positionOf(
  doc: Document,
  lc: LineCounter,
  path: readonly PropertyKey[],
  at: 'key' | 'value' = 'value',
): SourcePos | undefined {
  let node: Node | null | undefined = deref(doc, doc.contents);
  let best: Node | null | undefined = node;
  for (let i = 0; i < path.length && node; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    let next: Node | null | undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (pair === undefined) break;
      if (last && at === 'key' && isScalar(pair.key)) {
        best = pair.key;
        break;
      }
      next = (pair.value as Node | null) ?? (isScalar(pair.key) ? pair.key : undefined);
    } else if (isSeq(node) && typeof seg === 'number') {
      next = node.items[seg] as Node | undefined;
    } else {
      break;
    }
    node = deref(doc, next);
    if (node) best = node;
  }
  const offset = best?.range?.[0];
  if (offset === undefined) return undefined;
  return toPos(lc, offset);
}

function deref(doc: Document, n: unknown): Node | null | undefined {
  if (n instanceof Alias) return n.resolve(doc) ?? n;
  return n as Node | null | undefined;
}

export function toPos(lc: LineCounter, offset: number): SourcePos {
  const { line, col } = lc.linePos(offset);
  return { line, col };
}

import type { Label, Labels } from '../model/index.js';

/**
 * A copy of `s` that shares no memory with a larger string. V8 represents `big.slice(a, b)`
 * of 13 characters or more as a view that keeps all of `big` alive: a series text or label
 * value sliced from a scraped body would pin the whole body (~60 KB for node_exporter) for
 * as long as the series is cached. Shorter slices are already copies.
 */
export function ownString(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, 'utf16le').toString('utf16le');
}

/**
 * Shares `Label` objects (and their strings) between the series of all targets: the series
 * of 1,000 node_exporters mostly differ only by their target labels, so per series only the
 * labels array remains (was one `{name, value}` object and up to two strings per label:
 * ~40% of the heap at 500k series). Bounded: two generations of at most `maxPerGen` pairs;
 * when the current one is full it becomes the previous one and the older is dropped (hot
 * pairs move forward on use). Dropping loses nothing but sharing.
 */
export class LabelInterner {
  private cur = new Map<string, Map<string, Label>>();
  private prev = new Map<string, Map<string, Label>>();
  private size = 0;

  constructor(private readonly maxPerGen = 1 << 16) {}

  /** The shared label equal to `l`. */
  label(l: Label): Label {
    let vals = this.cur.get(l.name);
    const hit = vals?.get(l.value);
    if (hit !== undefined) return hit;
    let found = this.prev.get(l.name)?.get(l.value);
    if (this.size >= this.maxPerGen) {
      this.prev = this.cur;
      this.cur = new Map();
      this.size = 0;
      vals = undefined;
    }
    found ??= l.name.length < 13 && l.value.length < 13 ? l : { name: ownString(l.name), value: ownString(l.value) };
    if (vals === undefined) {
      vals = new Map();
      this.cur.set(found.name, vals);
    }
    vals.set(found.value, found);
    this.size++;
    return found;
  }

  /** `labels` with every label shared (a new array; same order). */
  labels(labels: Labels): Labels {
    const out = new Array<Label>(labels.length);
    for (let i = 0; i < labels.length; i++) out[i] = this.label(labels[i]!);
    return out;
  }
}

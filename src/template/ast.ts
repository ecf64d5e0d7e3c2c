import type { Pos } from './errors.js';

/** Syntax tree of a parsed template. Every node keeps its position and source excerpt for messages. */

export type Node = TextNode | ActionNode | IfNode | RangeNode | TemplateCallNode | LoopControlNode;

export interface TextNode {
  readonly kind: 'text';
  readonly text: string;
  readonly pos: Pos;
}

export interface ActionNode {
  readonly kind: 'action';
  readonly pos: Pos;
  readonly pipe: Pipeline;
}

/** `if` and `with` share a shape; `with` rebinds dot to the pipeline's value. */
export interface IfNode {
  readonly kind: 'if' | 'with';
  readonly pos: Pos;
  readonly pipe: Pipeline;
  readonly list: readonly Node[];
  readonly elseList: readonly Node[] | undefined;
}

export interface RangeNode {
  readonly kind: 'range';
  readonly pos: Pos;
  readonly pipe: Pipeline;
  readonly list: readonly Node[];
  readonly elseList: readonly Node[] | undefined;
}

export interface TemplateCallNode {
  readonly kind: 'template';
  readonly pos: Pos;
  readonly name: string;
  readonly pipe: Pipeline | undefined;
}

export interface LoopControlNode {
  readonly kind: 'break' | 'continue';
  readonly pos: Pos;
}

export interface Pipeline {
  readonly pos: Pos;
  /** Variables declared (`:=`) or assigned (`=`), with their `$`. */
  readonly vars: readonly string[];
  readonly isAssign: boolean;
  readonly cmds: readonly Command[];
}

export interface Command {
  readonly pos: Pos;
  readonly args: readonly Operand[];
}

export type Operand =
  | { readonly kind: 'dot'; readonly pos: Pos; readonly src: string }
  | { readonly kind: 'nil'; readonly pos: Pos; readonly src: string }
  | { readonly kind: 'bool'; readonly value: boolean; readonly pos: Pos; readonly src: string }
  | { readonly kind: 'string'; readonly value: string; readonly pos: Pos; readonly src: string }
  /** Go int constants are bigint; float constants are number. */
  | { readonly kind: 'number'; readonly value: number | bigint; readonly pos: Pos; readonly src: string }
  | { readonly kind: 'function'; readonly name: string; readonly pos: Pos; readonly src: string }
  /** `.a.b`: fields of dot. */
  | { readonly kind: 'field'; readonly names: readonly string[]; readonly pos: Pos; readonly src: string }
  /** `$x.a.b` */
  | { readonly kind: 'variable'; readonly name: string; readonly fields: readonly string[]; readonly pos: Pos; readonly src: string }
  /** `(pipeline).a.b` */
  | { readonly kind: 'paren'; readonly pipe: Pipeline; readonly fields: readonly string[]; readonly pos: Pos; readonly src: string };

/** A parsed template: its main body and the `define`/`block` templates it declares. */
export interface ParsedTree {
  readonly root: readonly Node[];
  readonly defines: ReadonlyMap<string, readonly Node[]>;
}

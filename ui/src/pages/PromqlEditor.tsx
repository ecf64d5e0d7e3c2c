// The PromQL editor: CodeMirror 6 with @prometheus-io/codemirror-promql (highlighting, linting,
// completion of functions, metric names, labels and values from Vigie's Prometheus API).
import { autocompletion, closeBrackets, closeBracketsKeymap, closeCompletion, completionKeymap, completionStatus } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, insertNewlineAndIndent } from '@codemirror/commands';
import { HighlightStyle, bracketMatching, syntaxHighlighting } from '@codemirror/language';
import { lintKeymap } from '@codemirror/lint';
import { EditorState, Prec } from '@codemirror/state';
import { EditorView, keymap, placeholder } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { PromQLExtension } from '@prometheus-io/codemirror-promql';
import { useEffect, useRef } from 'preact/hooks';

const promqlHighlight = HighlightStyle.define([
  { tag: tags.number, color: 'var(--hl-number)' },
  { tag: tags.string, color: 'var(--hl-string)' },
  { tag: tags.keyword, color: 'var(--hl-keyword)', fontWeight: 'bold' },
  { tag: tags.function(tags.variableName), color: 'var(--hl-function)' },
  { tag: tags.labelName, color: 'var(--hl-label)' },
  { tag: tags.operator, color: 'var(--hl-operator)' },
  { tag: tags.modifier, color: 'var(--hl-keyword)' },
  { tag: tags.paren, color: 'var(--muted)' },
  { tag: tags.comment, color: 'var(--muted)', fontStyle: 'italic' },
  { tag: tags.invalid, color: 'var(--crit)' },
]);

const theme = EditorView.theme({
  '&': { fontSize: '14px', border: '1px solid var(--border)', borderRadius: '6px', background: 'var(--input-bg)' },
  '&.cm-focused': { outline: '2px solid var(--accent)' },
  '.cm-content': { fontFamily: 'var(--mono)', padding: '8px 0', caretColor: 'var(--fg)', lineHeight: '1.6' },
  '.cm-scroller': { overflow: 'auto' },
  '.cm-tooltip': { background: 'var(--card)', color: 'var(--fg)', border: '1px solid var(--border)' },
  '.cm-tooltip-autocomplete ul li[aria-selected]': { background: 'var(--accent)', color: '#fff' },
  '.cm-completionDetail': { color: 'var(--muted)', marginLeft: '0.5em' },
});

export interface PromqlEditorProps {
  readonly value: string;
  readonly onChange: (expr: string) => void;
  /** Enter (without Shift) runs the query. */
  readonly onExecute: (expr: string) => void;
}

export function PromqlEditor({ value, onChange, onExecute }: PromqlEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  // The last text the editor reported: a `value` equal to it is our own echo, not an outside change
  // (re-applying a stale echo while the user types would fight the keyboard).
  const emitted = useRef(value);
  const cb = useRef({ onChange, onExecute });
  cb.current = { onChange, onExecute };

  useEffect(() => {
    const el = host.current;
    if (el === null) return;
    const promql = new PromQLExtension().setComplete({ remote: { url: '', httpMethod: 'GET', cache: { maxAge: 60_000 } } });
    const state = EditorState.create({
      doc: value,
      extensions: [
        history(),
        closeBrackets(),
        bracketMatching(),
        autocompletion({ activateOnTyping: true }),
        syntaxHighlighting(promqlHighlight),
        placeholder('PromQL expression, e.g. rate(node_network_receive_bytes_total[5m])'),
        EditorView.lineWrapping,
        theme,
        promql.asExtension(),
        Prec.highest(
          keymap.of([
            {
              key: 'Enter',
              run: (v) => {
                // With the completion list open, Enter picks the entry (completionKeymap); otherwise it runs the query.
                if (completionStatus(v.state) === 'active') return false;
                closeCompletion(v);
                cb.current.onExecute(v.state.doc.toString());
                return true;
              },
            },
            { key: 'Shift-Enter', run: insertNewlineAndIndent },
          ]),
        ),
        keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...completionKeymap, ...lintKeymap]),
        EditorView.updateListener.of((u) => {
          if (!u.docChanged) return;
          emitted.current = u.state.doc.toString();
          cb.current.onChange(emitted.current);
        }),
        EditorView.contentAttributes.of({ 'aria-label': 'PromQL expression' }),
      ],
    });
    const v = new EditorView({ state, parent: el });
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
    // The editor is created once; later `value` changes from outside are applied below.
  }, []);

  useEffect(() => {
    const v = view.current;
    if (v === null || value === emitted.current) return;
    emitted.current = value;
    if (v.state.doc.toString() !== value) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  return <div ref={host} class="promql-editor" />;
}

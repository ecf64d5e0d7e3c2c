import { useState } from 'preact/hooks';
import { useApp } from '../../components/nav';
import { type PostableSilence, type SilenceMatcher, DEFAULT_SILENCE_MS, formatMatchers, parseMatchers, postSilence } from '../../lib/silences';
import { formatDuration, parseDuration } from '../../lib/timerange';

export interface SilenceFormProps {
  /** Editing this silence (its id is sent back); absent: a new silence. */
  readonly id?: string;
  readonly matchers: readonly SilenceMatcher[];
  /** Kept when editing a silence that already started (RFC 3339); else the silence starts now. */
  readonly startsAt?: string;
  readonly durationMs?: number;
  readonly comment: string;
  readonly onDone: (silenceId: string) => void;
  readonly onCancel: () => void;
}

/** Matchers (text), duration from now, comment; createdBy is the logged-in user. POST /api/v2/silences. */
export function SilenceForm(props: SilenceFormProps) {
  const { session, me } = useApp();
  const [matchers, setMatchers] = useState(() => formatMatchers(props.matchers));
  const [duration, setDuration] = useState(() => formatDuration(props.durationMs ?? DEFAULT_SILENCE_MS));
  const [comment, setComment] = useState(props.comment);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setError(undefined);
    let ms: SilenceMatcher[];
    try {
      ms = parseMatchers(matchers);
    } catch (err) {
      setError(`Matchers: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    const d = parseDuration(duration);
    if (d === undefined) {
      setError('Duration: write it like 30m, 2h or 7d');
      return;
    }
    if (comment.trim() === '') {
      setError('Comment: say why (it is shown to everyone)');
      return;
    }
    const now = Date.now();
    const started = props.startsAt !== undefined ? Date.parse(props.startsAt) : NaN;
    const startsAt = Number.isFinite(started) && started < now ? started : now;
    const body: PostableSilence = { ...(props.id !== undefined ? { id: props.id } : {}), matchers: ms, startsAt: new Date(startsAt).toISOString(), endsAt: new Date(now + d).toISOString(), createdBy: me.user, comment: comment.trim() };
    setBusy(true);
    try {
      props.onDone(await postSilence(session, body));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="silence-form card" onSubmit={(e) => void submit(e)}>
      <label>
        Matchers
        <input class="mono" value={matchers} onInput={(e) => setMatchers(e.currentTarget.value)} spellcheck={false} aria-label="Matchers" />
      </label>
      <div class="silence-form-row">
        <label>
          Duration (from now)
          <input value={duration} onInput={(e) => setDuration(e.currentTarget.value)} size={6} aria-label="Duration" />
        </label>
        <label class="grow">
          Comment
          <input value={comment} onInput={(e) => setComment(e.currentTarget.value)} aria-label="Comment" />
        </label>
      </div>
      <p class="muted small">Created by {me.user}.</p>
      {error !== undefined ? <p class="error" role="alert">{error}</p> : null}
      <div class="silence-form-row">
        <button type="submit" class="primary" data-change disabled={busy}>{props.id !== undefined ? 'Save' : 'Create'}</button>
        <button type="button" onClick={props.onCancel}>Cancel</button>
      </div>
    </form>
  );
}

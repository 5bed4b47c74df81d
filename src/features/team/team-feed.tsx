import { useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import { formatRelative } from '../../domain/dates';
import { REACTION_LABELS, winSentence, type FeedComment, type FeedWin } from '../../domain/team-feed';
import { COMMENT_MAX, type Reaction } from '../../domain/team-feed-schema';
import './team-feed.css';

/*
 * The team feed: the wins the team chose to share, newest first, each with its reactions and comments.
 * Presentational only: everything comes in as props and every action goes out through a callback
 * (wired to the store by the Team screen). User text is rendered as text, never as HTML.
 * Reactions, comments, edits and deletes work offline (they queue); hiding a comment needs the server.
 */

export type TeamFeedProps = {
  /** Newest first; undefined while loading. */
  readonly wins: readonly FeedWin[] | undefined;
  readonly now: number;
  readonly offline: boolean;
  readonly loadingMore: boolean;
  readonly hasMore: boolean;
  readonly error: string | null;
  readonly onLoadMore: () => void;
  /** Toggles the member's own reaction of this kind. */
  readonly onReact: (winId: string, emoji: Reaction) => void;
  /** Each resolves an error sentence to show inline, or null on success. */
  readonly onComment: (winId: string, body: string) => Promise<string | null>;
  readonly onEditComment: (commentId: string, body: string) => Promise<string | null>;
  readonly onDeleteComment: (commentId: string) => Promise<string | null>;
  readonly onHideComment: (commentId: string, hide: boolean) => Promise<string | null>;
  /** Takes one of the member's own wins off the feed (absent: no button). */
  readonly onRemoveWin?: ((winId: string) => Promise<string | null>) | undefined;
};

type CommentActions = Pick<TeamFeedProps, 'onEditComment' | 'onDeleteComment' | 'onHideComment'>;

export const FEED_EMPTY =
  "When someone on your team shares a win — a new customer, a new team member, goals reached, a streak — it shows here. Nobody's prospects are ever shown.";
const HIDE_OFFLINE = 'You are offline. Hiding a comment needs a connection.';
const EMPTY_COMMENT = 'Write a comment';
const TOO_LONG = `At most ${COMMENT_MAX} characters`;
/** The counter shows from this many characters left. */
const COUNTER_FROM = 50;

const exactTime = (iso: string) => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
};

function When({ iso, now }: { readonly iso: string; readonly now: number }) {
  return (
    <time dateTime={iso} title={exactTime(iso)}>
      {formatRelative(iso, now)}
    </time>
  );
}

/** What is wrong with a comment before it is sent, or null. */
const checkBody = (body: string): string | null => (body.length === 0 ? EMPTY_COMMENT : body.length > COMMENT_MAX ? TOO_LONG : null);

/** Ctrl+Enter or Cmd+Enter sends. */
const isSendKey = (event: KeyboardEvent) => event.key === 'Enter' && (event.ctrlKey || event.metaKey);

export function TeamFeed(props: TeamFeedProps) {
  const { wins, loadingMore, hasMore, error } = props;
  return (
    <section className="card team-feed" aria-labelledby="team-feed-title" aria-busy={wins === undefined ? true : undefined}>
      <h2 id="team-feed-title">Team wins</h2>
      {error !== null ? <p className="team-feed__note team-feed__note--problem">{error}</p> : null}
      {wins === undefined ? (
        <p className="subtle">Loading the team feed…</p>
      ) : wins.length === 0 ? (
        <p className="team-feed__empty">{FEED_EMPTY}</p>
      ) : (
        <ol className="team-feed__list" aria-label="Team wins, newest first">
          {wins.map((win) => (
            <li key={win.id}>
              <WinCard win={win} {...props} />
            </li>
          ))}
        </ol>
      )}
      {wins !== undefined && hasMore ? (
        <div className="form__actions form__actions--start">
          <button type="button" className="button" disabled={loadingMore} onClick={props.onLoadMore}>
            {loadingMore ? 'Loading…' : 'Show older wins'}
          </button>
        </div>
      ) : null}
    </section>
  );
}

function WinCard(props: TeamFeedProps & { readonly win: FeedWin }) {
  const { win, now, offline } = props;
  const id = useId();
  const sentence = winSentence(win.author, win.kind, win.amount);
  const hideable = win.canHide && win.comments.some((comment) => !comment.mine);
  return (
    <article className="team-feed__win" aria-labelledby={`${id}-sentence`}>
      <p className="team-feed__sentence" id={`${id}-sentence`}>
        {sentence}
      </p>
      <p className="team-feed__meta">
        <When iso={win.occurred_at} now={now} />
      </p>
      {win.mine && props.onRemoveWin ? <RemoveWin winId={win.id} sentence={sentence} onRemoveWin={props.onRemoveWin} /> : null}
      <div className="team-feed__reactions" role="group" aria-label={`Reactions to ${sentence}`}>
        {win.reactions.map((reaction) => {
          const label = REACTION_LABELS[reaction.emoji];
          return (
            <button
              key={reaction.emoji}
              type="button"
              className="team-feed__reaction"
              aria-pressed={reaction.mine}
              aria-label={reaction.count > 0 ? `${label.name}, ${reaction.count}` : label.name}
              title={label.name}
              onClick={() => props.onReact(win.id, reaction.emoji)}
            >
              <span aria-hidden="true">{label.symbol}</span>
              {reaction.count > 0 ? (
                <span className="team-feed__reaction-count" aria-hidden="true">
                  {reaction.count}
                </span>
              ) : null}
            </button>
          );
        })}
      </div>
      {win.comments.length > 0 ? (
        <ul className="team-feed__comments" aria-label={`Comments on ${sentence}`}>
          {win.comments.map((comment) => (
            <CommentItem key={comment.id} comment={comment} now={now} offline={offline} canHide={win.canHide}
              hideReasonId={`${id}-hide-reason`}
              onEditComment={props.onEditComment}
              onDeleteComment={props.onDeleteComment}
              onHideComment={props.onHideComment}
            />
          ))}
        </ul>
      ) : null}
      {hideable && offline ? (
        <p className="hint" id={`${id}-hide-reason`}>
          {HIDE_OFFLINE}
        </p>
      ) : null}
      <CommentForm winId={win.id} sentence={sentence} onComment={props.onComment} />
    </article>
  );
}

function CommentItem(
  props: CommentActions & {
    readonly comment: FeedComment;
    readonly now: number;
    readonly offline: boolean;
    readonly canHide: boolean;
    readonly hideReasonId: string;
  },
) {
  const { comment, now, offline } = props;
  const id = useId();
  const [mode, setMode] = useState<'view' | 'edit' | 'confirm-delete'>('view');
  const [draft, setDraft] = useState(comment.body);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = async (action: () => Promise<string | null>, after: () => void) => {
    setBusy(true);
    setError(null);
    const problem = await action();
    setBusy(false);
    if (problem !== null) return setError(problem);
    after();
  };

  const save = () => {
    const body = draft.trim();
    const problem = checkBody(body);
    if (problem !== null) return setError(problem);
    if (body === comment.body) return setMode('view');
    void run(() => props.onEditComment(comment.id, body), () => setMode('view'));
  };

  const cancel = () => {
    setMode('view');
    setError(null);
  };

  const startEdit = () => {
    setDraft(comment.body);
    setError(null);
    setMode('edit');
  };

  const showHide = props.canHide && !comment.mine;
  const hideName = comment.hidden ? `Show ${comment.author}’s comment again` : `Hide ${comment.author}’s comment`;

  return (
    <li className={`team-feed__comment${comment.hidden ? ' team-feed__comment--hidden' : ''}`}>
      <p className="team-feed__comment-head">
        <span className="team-feed__author">{comment.author}</span>
        <span className="team-feed__comment-meta">
          <When iso={comment.created_at} now={now} />
          {comment.edited ? <span> · edited</span> : null}
          {comment.pending ? <span> · Sending…</span> : null}
        </span>
      </p>
      {comment.hidden ? <p className="team-feed__hidden-note">Hidden by a leader</p> : null}
      {mode === 'edit' ? (
        <div className={`field${error ? ' field--invalid' : ''}`}>
          <label htmlFor={`${id}-edit`} className="visually-hidden">
            Edit your comment
          </label>
          <textarea
            id={`${id}-edit`}
            value={draft}
            autoFocus
            rows={3}
            maxLength={COMMENT_MAX}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-error` : undefined}
            onChange={(event) => setDraft(event.target.value)}
            onKeyDown={(event) => {
              if (isSendKey(event)) {
                event.preventDefault();
                save();
              } else if (event.key === 'Escape') cancel();
            }}
          />
          <Counter length={draft.length} />
          <div className="form__actions form__actions--start">
            <button type="button" className="button button--primary button--small" disabled={busy} onClick={save}>
              Save
            </button>
            <button type="button" className="button button--small" disabled={busy} onClick={cancel}>
              Cancel
            </button>
          </div>
        </div>
      ) : comment.body !== '' ? (
        <p className="team-feed__body">{comment.body}</p>
      ) : null}
      {mode === 'confirm-delete' ? (
        <div className="team-feed__confirm" role="group" aria-label="Delete this comment?">
          <p>Delete this comment?</p>
          <div className="form__actions form__actions--start">
            <button type="button" className="button button--danger button--small" disabled={busy} onClick={() => void run(() => props.onDeleteComment(comment.id), () => setMode('view'))}>
              Delete
            </button>
            <button type="button" className="button button--small" disabled={busy} onClick={cancel}>
              Keep
            </button>
          </div>
        </div>
      ) : null}
      {mode === 'view' && (comment.mine || showHide) ? (
        <div className="team-feed__comment-actions">
          {comment.mine ? (
            <>
              <button type="button" className="button button--ghost button--small" onClick={startEdit}>
                Edit<span className="visually-hidden"> your comment</span>
              </button>
              <button type="button" className="button button--ghost button--small" onClick={() => {
                  setError(null);
                  setMode('confirm-delete');
                }}>
                Delete<span className="visually-hidden"> your comment</span>
              </button>
            </>
          ) : null}
          {showHide ? (
            <button
              type="button"
              className="button button--ghost button--small"
              disabled={offline || busy}
              aria-label={hideName}
              aria-describedby={offline ? props.hideReasonId : undefined}
              title={offline ? HIDE_OFFLINE : undefined}
              onClick={() => void run(() => props.onHideComment(comment.id, !comment.hidden), () => undefined)}
            >
              {comment.hidden ? 'Show again' : 'Hide'}
            </button>
          ) : null}
        </div>
      ) : null}
      {error !== null ? (
        <p className="field__error" id={`${id}-error`} role="alert">
          {error}
        </p>
      ) : null}
    </li>
  );
}

/** "12 characters left", shown near the limit only. */
function Counter({ length }: { readonly length: number }) {
  const left = COMMENT_MAX - length;
  if (left > COUNTER_FROM) return null;
  return (
    <p className={`field__hint team-feed__counter${left <= 0 ? ' team-feed__counter--full' : ''}`} aria-live="polite">
      {left === 1 ? '1 character left' : `${Math.max(0, left)} characters left`}
    </p>
  );
}

function CommentForm({ winId, sentence, onComment }: { readonly winId: string; readonly sentence: string; readonly onComment: TeamFeedProps['onComment'] }) {
  const id = useId();
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (busy) return;
    const clean = body.trim();
    const problem = checkBody(clean);
    if (problem !== null) return setError(problem);
    setBusy(true);
    setError(null);
    const answer = await onComment(winId, clean);
    setBusy(false);
    if (answer !== null) return setError(answer);
    // Clear what was sent, not what was typed meanwhile.
    setBody((typed) => (typed.trim() === clean ? '' : typed));
  };

  return (
    <form className="team-feed__form" onSubmit={(event) => void submit(event)} noValidate>
      <div className={`field${error ? ' field--invalid' : ''}`}>
        <label htmlFor={`${id}-body`} className="visually-hidden">
          Comment on {sentence}
        </label>
        <textarea
          id={`${id}-body`}
          name="body"
          value={body}
          rows={2}
          maxLength={COMMENT_MAX}
          placeholder="Say well done…"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          onChange={(event) => setBody(event.target.value)}
          onKeyDown={(event) => {
            if (isSendKey(event)) {
              event.preventDefault();
              void submit();
            }
          }}
        />
        <Counter length={body.length} />
        {error !== null ? (
          <p className="field__error" id={`${id}-error`} role="alert">
            {error}
          </p>
        ) : null}
      </div>
      <div className="form__actions form__actions--start">
        <button type="submit" className="button button--small" disabled={busy}>
          Comment
        </button>
      </div>
    </form>
  );
}

/** The member's own win: taken off the feed after a confirmation (it stays off on every device). */
function RemoveWin(props: { readonly winId: string; readonly sentence: string; readonly onRemoveWin: (winId: string) => Promise<string | null> }) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!confirming)
    return (
      <button type="button" className="button button--ghost button--small team-feed__remove" onClick={() => setConfirming(true)}>
        Remove<span className="visually-hidden"> “{props.sentence}” from the feed</span>
      </button>
    );
  return (
    <div className="team-feed__confirm" role="group" aria-label="Remove this win from the feed?">
      <p>Remove this win from your team’s feed? Its reactions and comments go with it.</p>
      <button
        type="button"
        className="button button--danger button--small"
        onClick={() =>
          void props.onRemoveWin(props.winId).then((problem) => {
            setError(problem);
            if (problem === null) setConfirming(false);
          })
        }
      >
        Remove win
      </button>{' '}
      <button type="button" className="button button--small" onClick={() => setConfirming(false)}>
        Keep
      </button>
      {error !== null ? (
        <p className="form__error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

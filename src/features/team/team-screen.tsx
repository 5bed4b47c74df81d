import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import { formatRelative, startOfLocalDay, toDay } from '../../domain/dates';
import { useAppServices, type TeamInvitation, type TeamPort } from '../../hooks/app-services';
import { useLinkTo } from '../../hooks/use-link-to';
import { useStoreValue } from '../../hooks/use-store-value';
import { useTeam, type TeamMemberRow, type TeamView } from '../../hooks/use-team';
import { useTeamPresence } from '../../hooks/use-team-presence';
import { useLeaderDay, useShareWins, useTeamFeed } from '../../hooks/use-team-feed';
import { LeaderDay, type LeaderDayDepth } from './leader-day';
import { ShareWinsQuestion } from './share-wins';
import { TeamFeed } from './team-feed';
import './team.css';

/*
 * The team: invite someone (a code and a link), join a team with a code, and the team itself (the
 * sponsor line and the downline by level, with who is in the app now). The team is read from the
 * device's copy (team_members), so it shows offline with when it was last updated; the actions need
 * the server and say so when offline.
 */

const PRIVACY = "Your team sees your name and when you're in the app. Never your contacts, notes or messages.";
const JOINED = 'You joined the team. Your sponsor is shown under Your team.';
const OFFLINE_REASON = 'You are offline. Invitations and changes to your team need a connection.';

/** Upper case, without spaces or dashes, as the server compares codes. */
const normalizeCode = (code: string) => code.replace(/[\s-]+/g, '').toUpperCase();

const NOBODY: ReadonlySet<string> = new Set();

const nameOf = (member: TeamMemberRow) => member.full_name.trim() || 'A member without a name yet';

const formatExpiry = (iso: string) =>
  new Date(iso).toLocaleString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

const levelTitle = (level: number) => (level === 1 ? 'Level 1 — personally sponsored' : `Level ${level}`);

export function TeamScreen({ code }: { readonly code?: string | undefined }) {
  const { team } = useAppServices();
  return (
    <section className="screen team" aria-labelledby="team-heading">
      <h1 id="team-heading">Team</h1>
      <p className="team__privacy">{PRIVACY}</p>
      {team ? <SignedInTeam team={team} code={code} /> : <NoAccount />}
    </section>
  );
}

function NoAccount() {
  const linkTo = useLinkTo();
  return (
    <div className="card team__card">
      <h2>A team needs an account</h2>
      <p>Invitations, your sponsor and your downline live on the server, so everyone on the team can see them. This device is working on its own.</p>
      <p>
        <a className="button button--primary" {...linkTo('/account')}>
          Create an account or sign in
        </a>
      </p>
    </div>
  );
}

function SignedInTeam({ team, code }: { readonly team: TeamPort; readonly code?: string | undefined }) {
  const { sync, platform } = useAppServices();
  const offline = useStoreValue(sync).network === 'offline';
  const view = useTeam();
  const present = useTeamPresence();
  // Offline, presence is stale: nobody is shown as online rather than a guess.
  const online = offline ? NOBODY : present;
  const [refreshError, setRefreshError] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    const answer = await team.refresh();
    setRefreshError(answer.ok ? null : answer.error);
  }, [team]);

  const joining = code !== undefined;
  const hasDownline = (view?.downline.length ?? 0) > 0;
  const tabs: readonly { readonly id: TeamTab; readonly label: string }[] = [
    { id: 'feed', label: 'Feed' },
    { id: 'members', label: 'Members' },
    ...(hasDownline ? [{ id: 'day' as const, label: 'Their day' }] : []),
  ];
  const [chosen, setTab] = useState<TeamTab>(joining ? 'members' : 'feed');
  const tab = tabs.some((item) => item.id === chosen) ? chosen : 'feed';
  // The team is read from the server when the screen opens and again whenever Members is shown
  // (someone may have left meanwhile; nothing else tells this device).
  const showingMembers = tab === 'members';
  const wasShowingMembers = useRef(showingMembers);
  useEffect(() => {
    if (!offline) void refresh();
  }, [refresh, offline]);
  useEffect(() => {
    if (showingMembers && !wasShowingMembers.current && !offline) void refresh();
    wasShowingMembers.current = showingMembers;
  }, [refresh, offline, showingMembers]);
  const join = <JoinCard key="join" team={team} offline={offline} initialCode={code ?? ''} />;
  const invite = <InviteCard key="invite" team={team} offline={offline} />;
  return (
    <>
      {offline ? <p className="team__offline">{OFFLINE_REASON}</p> : null}
      <Tabs tabs={tabs} selected={tab} onSelect={setTab} />
      <div role="tabpanel" id={`team-panel-${tab}`} aria-labelledby={`team-tab-${tab}`} className="team__panel">
        {tab === 'feed' ? <FeedPanel team={team} view={view} offline={offline} now={platform.now()} /> : null}
        {tab === 'day' ? <LeaderPanel team={team} offline={offline} now={platform.now()} /> : null}
        {tab === 'members' ? (
          <>
            {joining ? join : null}
            <YourTeam team={team} view={view} online={online} offline={offline} now={platform.now()} refreshError={refreshError} />
            {invite}
            {joining ? null : join}
          </>
        ) : null}
      </div>
    </>
  );
}

type TeamTab = 'feed' | 'members' | 'day';

const LEADER_REFRESH_MS = 60_000;

/** Tabs as the ARIA pattern has them: one tab stop, arrow keys move between tabs. */
function Tabs(props: { readonly tabs: readonly { readonly id: TeamTab; readonly label: string }[]; readonly selected: TeamTab; readonly onSelect: (tab: TeamTab) => void }) {
  const { tabs, selected, onSelect } = props;
  const move = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const index = tabs.findIndex((tab) => tab.id === selected);
    const next = tabs[(index + step + tabs.length) % tabs.length];
    if (!next) return;
    onSelect(next.id);
    event.currentTarget.querySelector<HTMLButtonElement>(`#team-tab-${next.id}`)?.focus();
  };
  return (
    <div className="team__tabs" role="tablist" aria-label="Team" onKeyDown={move}>
      {tabs.map((tab) => (
        <button
          key={tab.id}
          id={`team-tab-${tab.id}`}
          type="button"
          role="tab"
          className="team__tab"
          aria-selected={tab.id === selected}
          aria-controls={`team-panel-${tab.id}`}
          tabIndex={tab.id === selected ? 0 : -1}
          onClick={() => onSelect(tab.id)}
        >
          {tab.label}
        </button>
      ))}
    </div>
  );
}

/** A failed write as a sentence for the feed's inline errors (null: it worked). */
const problem = (result: { readonly ok: true } | { readonly ok: false; readonly error: { readonly message: string } }) => (result.ok ? null : result.error.message);

function FeedPanel({ team, view, offline, now }: { readonly team: TeamPort; readonly view: TeamView | undefined; readonly offline: boolean; readonly now: number }) {
  const { store } = useAppServices();
  const feed = useTeamFeed(team.memberId);
  const share = useShareWins();
  const [error, setError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);

  useEffect(() => {
    if (offline) return;
    void team.refreshFeed().then((answer) => setError(answer.ok ? null : answer.error));
  }, [team, offline]);

  const inTeam = view !== undefined && view.upline.length + view.downline.length > 0;
  const stale =
    offline && feed?.state.refreshedAt != null ? `You are offline: showing the feed as of ${formatRelative(new Date(feed.state.refreshedAt).toISOString(), now)}. Comments you write are sent when you are back.` : null;
  return (
    <>
      {share && !share.asked && inTeam ? <ShareWinsQuestion current={share.kinds} onSave={async (kinds) => problem(await store.saveShareWins(kinds))} /> : null}
      <TeamFeed
        wins={feed?.wins}
        now={now}
        offline={offline}
        loadingMore={loadingMore}
        hasMore={feed?.state.hasMore ?? false}
        error={error ?? stale}
        onLoadMore={() => {
          setLoadingMore(true);
          void team.loadOlderWins().then((answer) => {
            setLoadingMore(false);
            setError(answer.ok ? null : answer.error);
          });
        }}
        onReact={(winId, emoji) => void store.toggleTeamReaction(winId, emoji)}
        onComment={async (winId, body) => problem(await store.addTeamComment(winId, body))}
        onEditComment={async (id, body) => problem(await store.editTeamComment(id, body))}
        onDeleteComment={async (id) => problem(await store.deleteTeamComment(id))}
        onRemoveWin={async (id) => problem(await store.removeWin(id))}
        onHideComment={async (id, hide) => {
          const answer = await team.hideComment(id, hide);
          return answer.ok ? null : answer.error;
        }}
      />
    </>
  );
}

function LeaderPanel({ team, offline, now }: { readonly team: TeamPort; readonly offline: boolean; readonly now: number }) {
  const today = toDay(new Date(now));
  const [day, setDay] = useState(today);
  const [depth, setDepth] = useState<LeaderDayDepth>(1);
  const [error, setError] = useState<string | null>(null);
  const [refreshing, setRefreshing] = useState(false);
  const cached = useLeaderDay(day, depth);

  const refresh = useCallback(async () => {
    setRefreshing(true);
    const answer = await team.refreshLeaderDay(day, depth);
    setRefreshing(false);
    setError(answer.ok ? null : answer.error);
  }, [team, day, depth]);
  // The counts change as the team works: read again every minute while the screen is open.
  useEffect(() => {
    if (offline) return undefined;
    void refresh();
    const timer = setInterval(() => void refresh(), LEADER_REFRESH_MS);
    return () => clearInterval(timer);
  }, [refresh, offline]);

  return (
    <LeaderDay
      // Never read on this device: loading (or the error, or the offline note), not an empty downline.
      members={cached?.members}
      day={day}
      today={today}
      depth={depth}
      refreshedAt={cached?.refreshed_at ?? null}
      now={now}
      offline={offline}
      error={error}
      onDay={setDay}
      onDepth={setDepth}
      onRefresh={() => void refresh()}
      refreshing={refreshing}
    />
  );
}

function YourTeam(props: {
  readonly team: TeamPort;
  readonly view: TeamView | undefined;
  readonly online: ReadonlySet<string>;
  readonly offline: boolean;
  readonly now: number;
  readonly refreshError: string | null;
}) {
  const { team, view, online, offline, now } = props;
  const [confirmRemove, setConfirmRemove] = useState<string | null>(null);
  const [confirmLeave, setConfirmLeave] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (view === undefined) return <div className="card team__card" aria-busy="true" />;
  const sponsor = view.upline[0];
  const startOfToday = startOfLocalDay(new Date(now)).getTime();
  const seenToday = (id: string) => (view.lastSeen[id] ?? 0) >= startOfToday;
  const act = async (run: () => Promise<{ ok: boolean; error?: string }>) => {
    setBusy(true);
    setError(null);
    const answer = await run();
    setBusy(false);
    if (!answer.ok) setError(answer.error ?? 'That did not work. Try again.');
    setConfirmRemove(null);
    setConfirmLeave(false);
  };
  const disabled = offline || busy;

  return (
    <section className="card team__card" aria-labelledby="your-team-title">
      <h2 id="your-team-title">Your team</h2>
      <p className="subtle">
        {view.refreshedAt === null
          ? offline
            ? 'Not loaded on this device yet. Connect to see your team.'
            : 'Loading your team…'
          : `Last updated ${formatRelative(new Date(view.refreshedAt).toISOString(), now)}`}
        {props.refreshError !== null && !offline ? ` · Could not update: ${props.refreshError}` : ''}
      </p>

      <h3 className="team__subtitle">Your sponsor line</h3>
      {view.upline.length === 0 ? (
        <p className="subtle">You have no sponsor. Join a team with an invitation code.</p>
      ) : (
        <ol className="team__list" aria-label="Your sponsor line, nearest first">
          {view.upline.map((member) => (
            <MemberItem key={member.member_id} member={member} online={online.has(member.member_id)} activeToday={seenToday(member.member_id)} note={member.depth === -1 ? 'your sponsor' : `${-member.depth} levels up`} />
          ))}
        </ol>
      )}

      <h3 className="team__subtitle">Your downline</h3>
      {view.levels.length === 0 ? (
        <p className="subtle">Nobody on your team yet. Invite someone below.</p>
      ) : (
        view.levels.map(({ level, members }) => (
          <section key={level} className="team__level" aria-label={levelTitle(level)}>
            <h4 className="team__level-title">
              {levelTitle(level)} <span className="count">{members.length}</span>
            </h4>
            <ul className="team__list">
              {members.map((member) => (
                <MemberItem key={member.member_id} member={member} online={online.has(member.member_id)} activeToday={seenToday(member.member_id)} note={member.joined_at ? `joined ${formatRelative(member.joined_at, now)}` : undefined}>
                  {level === 1 ? (
                    confirmRemove === member.member_id ? (
                      <div className="confirm team__confirm" role="alert">
                        <p>Remove {nameOf(member)} from your team? Their own team goes with them.</p>
                        <div className="form__actions form__actions--start">
                          <button type="button" className="button button--danger button--small" disabled={disabled} onClick={() => void act(() => team.removeMember(member.member_id))}>
                            Remove
                          </button>
                          <button type="button" className="button button--small" onClick={() => setConfirmRemove(null)}>
                            Keep
                          </button>
                        </div>
                      </div>
                    ) : (
                      <button
                        type="button"
                        className="button button--small team__remove"
                        disabled={disabled}
                        title={offline ? OFFLINE_REASON : undefined}
                        aria-label={`Remove ${nameOf(member)}`}
                        onClick={() => setConfirmRemove(member.member_id)}
                      >
                        Remove
                      </button>
                    )
                  ) : null}
                </MemberItem>
              ))}
            </ul>
          </section>
        ))
      )}

      {error ? (
        <p className="form__error" role="alert">
          {error}
        </p>
      ) : null}

      {sponsor ? (
        confirmLeave ? (
          <div className="confirm team__confirm" role="alert">
            <p>
              Leave {nameOf(sponsor)}’s team?{' '}
              {view.downline.length > 0
                ? `Your own team (${view.downline.length} ${view.downline.length === 1 ? 'person' : 'people'}) comes with you.`
                : 'Anyone you invite later will be on your own team.'}{' '}
              To join again you need a new invitation.
            </p>
            <div className="form__actions form__actions--start">
              <button type="button" className="button button--danger" disabled={disabled} onClick={() => void act(() => team.leave())}>
                Leave team
              </button>
              <button type="button" className="button" onClick={() => setConfirmLeave(false)}>
                Stay
              </button>
            </div>
          </div>
        ) : (
          <div className="team__leave">
            <button type="button" className="button button--danger" disabled={disabled} onClick={() => setConfirmLeave(true)}>
              Leave team
            </button>
            {offline ? <p className="subtle">{OFFLINE_REASON}</p> : null}
          </div>
        )
      ) : null}
    </section>
  );
}

function MemberItem(props: {
  readonly member: TeamMemberRow;
  readonly online: boolean;
  /** Seen in the app earlier today by this device (presence), though not now. */
  readonly activeToday: boolean;
  readonly note?: string | undefined;
  readonly children?: ReactNode;
}) {
  const { member, online, note } = props;
  return (
    <li className="team__member">
      <span className="avatar" aria-hidden="true">
        {nameOf(member).slice(0, 1).toUpperCase()}
      </span>
      <span className="team__who">
        <span className="team__name">{nameOf(member)}</span>
        {note ? <span className="team__note">{note}</span> : null}
      </span>
      {online ? (
        <span className="team__online">
          <span className="team__dot" aria-hidden="true" />
          online
        </span>
      ) : props.activeToday ? (
        <span className="team__note">active today</span>
      ) : null}
      {props.children}
    </li>
  );
}

function InviteCard({ team, offline }: { readonly team: TeamPort; readonly offline: boolean }) {
  const { announcements } = useAppServices();
  const [invites, setInvites] = useState<readonly TeamInvitation[]>([]);
  const [fresh, setFresh] = useState<TeamInvitation | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [shared, setShared] = useState<string | null>(null);

  const load = useCallback(async () => {
    const answer = await team.listInvites();
    if (answer.ok) setInvites(answer.value);
  }, [team]);
  useEffect(() => {
    if (!offline) void load();
  }, [load, offline]);

  const create = async () => {
    setBusy(true);
    setError(null);
    setShared(null);
    const answer = await team.createInvite();
    setBusy(false);
    if (!answer.ok) return setError(answer.error);
    setFresh(answer.value);
    announcements.announce(`Invitation code ${answer.value.code.split('').join(' ')} is ready to share`);
    await load();
  };
  const withdraw = async (code: string) => {
    setBusy(true);
    setError(null);
    const answer = await team.revokeInvite(code);
    setBusy(false);
    if (!answer.ok) return setError(answer.error);
    if (fresh?.code === code) setFresh(null);
    await load();
  };
  const share = async (code: string) => {
    const outcome = await team.shareInvite(code);
    const message = outcome === 'shared' ? 'Shared.' : outcome === 'copied' ? 'Link copied. Paste it into a message.' : 'Could not share. Copy the link above instead.';
    setShared(message);
    announcements.announce(message);
  };

  return (
    <section className="card team__card" aria-labelledby="invite-title">
      <h2 id="invite-title">Invite someone</h2>
      <p className="subtle">Each code works for one week or until you withdraw it. Whoever joins with it is on your team at level 1.</p>
      {fresh ? (
        <div className="team__invite">
          <p className="team__code-label" id="invite-code-label">
            Invitation code
          </p>
          <p className="team__code" aria-labelledby="invite-code-label">
            {fresh.code}
          </p>
          <p className="team__link">
            <a href={team.joinLink(fresh.code)}>{team.joinLink(fresh.code)}</a>
          </p>
          <p className="subtle">Valid until {formatExpiry(fresh.expires_at)}</p>
          <div className="form__actions form__actions--start">
            <button type="button" className="button button--primary" onClick={() => void share(fresh.code)}>
              Share link
            </button>
          </div>
          {shared ? <p className="subtle">{shared}</p> : null}
        </div>
      ) : null}
      <div className="form__actions form__actions--start">
        <button type="button" className={`button${fresh ? '' : ' button--primary'}`} disabled={offline || busy} onClick={() => void create()}>
          {fresh ? 'Create another code' : 'Create an invitation code'}
        </button>
      </div>
      {offline ? <p className="subtle">{OFFLINE_REASON}</p> : null}
      {error ? (
        <p className="form__error" role="alert">
          {error}
        </p>
      ) : null}
      {invites.length > 0 ? (
        <>
          <h3 className="team__subtitle">Open invitations</h3>
          <ul className="team__list" aria-label="Open invitations">
            {invites.map((invite) => (
              <li key={invite.code} className="team__member team__open-invite">
                <span className="team__who">
                  <span className="team__name team__mono">{invite.code}</span>
                  <span className="team__note">until {formatExpiry(invite.expires_at)}</span>
                </span>
                <button type="button" className="button button--small" disabled={offline || busy} aria-label={`Withdraw ${invite.code}`} onClick={() => void withdraw(invite.code)}>
                  Withdraw
                </button>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

function JoinCard({ team, offline, initialCode }: { readonly team: TeamPort; readonly offline: boolean; readonly initialCode: string }) {
  const { announcements } = useAppServices();
  const id = useId();
  const [code, setCode] = useState(initialCode);
  const [error, setError] = useState<string | null>(null);
  const [joined, setJoined] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const clean = normalizeCode(code);
    setJoined(false);
    if (clean.length !== 8) return setError('A code has 8 letters and digits, like K7QM4XPA.');
    setBusy(true);
    setError(null);
    const answer = await team.acceptInvite(clean);
    setBusy(false);
    if (!answer.ok) return setError(answer.error);
    setJoined(true);
    setCode('');
    announcements.announce(JOINED);
  };

  return (
    <section className="card team__card" aria-labelledby="join-title">
      <h2 id="join-title">Join a team</h2>
      <form className="team__join" onSubmit={(event) => void submit(event)} noValidate>
        <div className={`field${error ? ' field--invalid' : ''}`}>
          <label htmlFor={`${id}-code`}>Invitation code</label>
          <input
            id={`${id}-code`}
            name="code"
            className="team__code-input"
            value={code}
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-error` : `${id}-hint`}
            onChange={(event) => setCode(event.target.value)}
          />
          {error ? (
            <p className="field__error" id={`${id}-error`} role="alert">
              {error}
            </p>
          ) : (
            <p className="field__hint" id={`${id}-hint`}>
              8 letters and digits from the person who invited you; spaces and case don’t matter.
            </p>
          )}
        </div>
        <div className="form__actions form__actions--start">
          <button type="submit" className="button button--primary" disabled={offline || busy}>
            Join team
          </button>
        </div>
        {offline ? <p className="subtle">{OFFLINE_REASON}</p> : null}
        {joined ? <p className="team__joined">{JOINED}</p> : null}
      </form>
    </section>
  );
}

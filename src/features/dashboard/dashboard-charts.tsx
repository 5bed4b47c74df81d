import { memo, useMemo } from 'react';
import { ColumnChart, RowChart, type BarDatum } from '../../charts/bar-chart';
import { StackedBarChart, type StackRow, type StackSeries } from '../../charts/stacked-bar-chart';
import { ChartFigure, ChartLegend } from '../../charts/chart-figure';
import { ChartTable, type ChartTableColumn, type ChartTableRow } from '../../charts/chart-table';
import { OKABE_ITO, SERIES_STYLES, type SeriesStyle } from '../../charts/palette';
import { Swatch } from '../../charts/patterns';
import { useLinkTo } from '../../hooks/use-link-to';
import { ACTIVITY_CATEGORIES, ACTIVITY_CATEGORY_LABELS } from '../../domain/goal-stats';
import { GOAL_KINDS, GOAL_LABELS, type GoalKind } from '../../domain/goals';
import { dayToDate } from '../../domain/dates';
import { WEEKDAY_NAMES, WEEKDAY_SHORT } from '../../domain/zone-days';
import type { ActivityByKind, ContactStats, GoalWeek, GoalWeekDay } from '../../domain/dashboard-stats';
import { weekdayIndex } from '../../domain/dashboard-stats';

const percent = (share: number) => `${Math.round(share * 100)}%`;
const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
const shortDate = (day: string) => dayToDate(day).toLocaleDateString('en-GB', { day: 'numeric', month: 'short' });
const longDate = (day: string) => dayToDate(day).toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short' });

// ---------------------------------------------------------------------------------------------------
// Goal progress this week

const WEEK_STYLES: readonly SeriesStyle[] = [
  { color: OKABE_ITO.blue, pattern: 'solid' },
  { color: OKABE_ITO.bluishGreen, pattern: 'dots' },
];

const STATUS_TEXT: Readonly<Record<GoalWeekDay['status'], string>> = { open: '', future: 'To come', off: 'Day off', no_plan: 'No goals yet' };

function weekSummary(week: GoalWeek, today: string): string {
  if (!week.hasPlan) return 'Goal progress this week: no daily goals are set.';
  const current = week.days.find((day) => day.day === today);
  const todayText =
    current === undefined || current.status === 'off'
      ? 'today is a day off'
      : current.status === 'no_plan'
        ? 'today has no goals'
        : `today ${current.met} of ${plural(current.targets, 'target')} met`;
  return `Goal progress this week: every target met on ${week.metDays} of ${plural(week.workDays, 'working day')}; ${todayText}.`;
}

export const GoalWeekChart = memo(function GoalWeekChart({ week, today }: { readonly week: GoalWeek; readonly today: string }) {
  const linkTo = useLinkTo();
  const data = useMemo<BarDatum[]>(
    () =>
      week.days.map((day) => {
        const name = WEEKDAY_SHORT[weekdayIndex(day.day)] ?? day.day;
        const counted = day.status === 'open' || day.status === 'future';
        return {
          key: day.day,
          label: name,
          value: counted ? day.share : 0,
          ...(counted ? (day.targets > 0 && day.status === 'open' ? { text: `${day.met}/${day.targets}` } : {}) : { note: day.status === 'off' ? 'Off' : '–' }),
          styleIndex: day.targets > 0 && day.met === day.targets ? 1 : 0,
          emphasis: day.day === today,
          title: `${WEEKDAY_NAMES[weekdayIndex(day.day)] ?? ''}: ${counted ? `${day.met} of ${day.targets} targets met` : STATUS_TEXT[day.status]}`,
        };
      }),
    [week, today],
  );
  const kinds = useMemo(() => GOAL_KINDS.filter((kind) => week.days.some((day) => day.goals[kind] > 0 || day.counts[kind] > 0)), [week]);
  const columns = useMemo<ChartTableColumn[]>(
    () => [{ key: 'day', label: 'Day' }, { key: 'met', label: 'Targets met' }, ...kinds.map((kind) => ({ key: kind, label: GOAL_LABELS[kind], numeric: true }))],
    [kinds],
  );
  const rows = useMemo<ChartTableRow[]>(
    () =>
      week.days.map((day) => ({
        key: day.day,
        header: `${longDate(day.day)}${day.day === today ? ' (today)' : ''}`,
        cells: [
          day.status === 'open' || day.status === 'future' ? `${day.met} of ${day.targets} (${percent(day.share)})` : STATUS_TEXT[day.status],
          ...kinds.map((kind: GoalKind) => (day.goals[kind] > 0 ? `${day.counts[kind]} of ${day.goals[kind]}` : day.counts[kind])),
        ],
      })),
    [week, kinds, today],
  );
  return (
    <ChartFigure
      title="Goals this week"
      summary={weekSummary(week, today)}
      note={
        week.hasPlan ? (
          'Per day, the share of that day’s targets met.'
        ) : (
          <>
            No daily goals yet. <a {...linkTo('/goals')}>Set your daily goals</a> to see each day’s progress here.
          </>
        )
      }
      legend={
        week.hasPlan ? (
          <ChartLegend
            items={[
              { key: 'some', label: 'Targets met so far', swatch: <Swatch style={WEEK_STYLES[0] as SeriesStyle} /> },
              { key: 'all', label: 'Every target met', swatch: <Swatch style={WEEK_STYLES[1] as SeriesStyle} /> },
            ]}
          />
        ) : null
      }
      table={<ChartTable caption="Goal progress this week" columns={columns} rows={rows} />}
    >
      {week.hasPlan ? <ColumnChart data={data} styles={WEEK_STYLES} max={1} tickFormat={percent} track height={190} /> : null}
    </ChartFigure>
  );
});

// ---------------------------------------------------------------------------------------------------
// Activity over the last 30 days

const CATEGORY_SERIES: readonly StackSeries[] = ACTIVITY_CATEGORIES.map((category) => ({ key: category, label: ACTIVITY_CATEGORY_LABELS[category] }));

export const ActivityChart = memo(function ActivityChart({ activity, today }: { readonly activity: ActivityByKind; readonly today: string }) {
  const rows = useMemo<StackRow[]>(
    () => activity.days.map((day) => ({ key: day.day, label: day.day === today ? 'Today' : shortDate(day.day), title: longDate(day.day), values: day.counts, emphasis: day.day === today })),
    [activity, today],
  );
  const tableRows = useMemo<ChartTableRow[]>(
    () =>
      activity.days
        .map((day) => ({ key: day.day, header: `${longDate(day.day)}${day.day === today ? ' (today)' : ''}`, cells: [...ACTIVITY_CATEGORIES.map((category) => day.counts[category]), day.total] }))
        .reverse(),
    [activity, today],
  );
  const columns = useMemo<ChartTableColumn[]>(
    () => [{ key: 'day', label: 'Day' }, ...CATEGORY_SERIES.map((series) => ({ key: series.key, label: series.label, numeric: true })), { key: 'total', label: 'Total', numeric: true }],
    [],
  );
  const legend = useMemo(
    () =>
      ACTIVITY_CATEGORIES.map((category, index) => ({
        key: category,
        label: ACTIVITY_CATEGORY_LABELS[category],
        swatch: <Swatch style={SERIES_STYLES[index] as SeriesStyle} />,
        value: activity.totals[category].toLocaleString('en'),
      })),
    [activity.totals],
  );
  const byKind = ACTIVITY_CATEGORIES.filter((category) => activity.totals[category] > 0).map((category) => `${ACTIVITY_CATEGORY_LABELS[category]} ${activity.totals[category].toLocaleString('en')}`);
  const summary = `Activity over the last 30 days: ${plural(activity.total, 'activity', 'activities')}${byKind.length > 0 ? ` (${byKind.join(', ')})` : ''}; today ${(activity.days[activity.days.length - 1]?.total ?? 0).toLocaleString('en')}.`;
  return (
    <ChartFigure
      className="chart--wide"
      title="Activity, last 30 days"
      summary={summary}
      note={activity.total === 0 ? 'Nothing logged in the last 30 days yet: calls, messages, emails, stage moves, opened links and notes show up here.' : undefined}
      legend={activity.total === 0 ? null : <ChartLegend items={legend} />}
      table={
        <ChartTable
          caption="Activities per day by kind, last 30 days"
          columns={columns}
          rows={tableRows}
          footer={{ key: 'total', header: 'Total', cells: [...ACTIVITY_CATEGORIES.map((category) => activity.totals[category]), activity.total] }}
        />
      }
    >
      {activity.total > 0 ? <StackedBarChart series={CATEGORY_SERIES} rows={rows} height={220} /> : null}
    </ChartFigure>
  );
});

// ---------------------------------------------------------------------------------------------------
// Pipeline

const STAGE_STYLES: readonly SeriesStyle[] = [
  { color: OKABE_ITO.blue, pattern: 'solid' },
  { color: OKABE_ITO.bluishGreen, pattern: 'dots' },
  { color: '#8c8c8c', pattern: 'reverse' },
];

export function conversionSentence(conversion: ContactStats['conversion']): string {
  if (conversion.added === 0) return `No contacts were added in the last ${conversion.days} days.`;
  return `Of the ${plural(conversion.added, 'contact')} added in the last ${conversion.days} days, ${conversion.converted.toLocaleString('en')} (${percent(conversion.share ?? 0)}) ${conversion.converted === 1 ? 'is' : 'are'} now ${conversion.converted === 1 ? 'a customer or team member' : 'customers or team members'}.`;
}

export const PipelineChart = memo(function PipelineChart({ stats }: { readonly stats: ContactStats }) {
  const data = useMemo<BarDatum[]>(
    () =>
      stats.stages.map((stage) => ({
        key: stage.stage,
        label: stage.label,
        value: stage.count,
        styleIndex: stage.stage === 'customer' || stage.stage === 'team_member' ? 1 : stage.stage === 'not_interested' ? 2 : 0,
        title: `${stage.label}: ${stage.count}`,
      })),
    [stats.stages],
  );
  const rows = useMemo<ChartTableRow[]>(
    () => stats.stages.map((stage) => ({ key: stage.stage, header: stage.label, cells: [stage.count, stats.total === 0 ? '–' : percent(stage.count / stats.total)] })),
    [stats.stages, stats.total],
  );
  const sentence = conversionSentence(stats.conversion);
  const summary = `Pipeline: ${plural(stats.total, 'contact')}; ${stats.stages.map((stage) => `${stage.label} ${stage.count.toLocaleString('en')}`).join(', ')}. ${sentence}`;
  return (
    <ChartFigure
      title="Pipeline"
      summary={summary}
      note={
        <>
          <span className="dashboard-conversion">{sentence}</span> Contacts are counted in the stage they are in now.
        </>
      }
      table={
        <ChartTable
          caption="Contacts per stage"
          columns={[
            { key: 'stage', label: 'Stage' },
            { key: 'count', label: 'People', numeric: true },
            { key: 'share', label: 'Share', numeric: true },
          ]}
          rows={rows}
          footer={{ key: 'total', header: 'All contacts', cells: [stats.total, stats.total === 0 ? '–' : '100%'] }}
        />
      }
    >
      {stats.total > 0 ? <RowChart data={data} styles={STAGE_STYLES} /> : null}
    </ChartFigure>
  );
});

// ---------------------------------------------------------------------------------------------------
// Lead sources of customers and team members

export const SourcesChart = memo(function SourcesChart({ stats }: { readonly stats: ContactStats }) {
  const data = useMemo<BarDatum[]>(
    () =>
      stats.sources.map((source) => ({
        key: source.key,
        label: source.label,
        value: source.count,
        // Recorded sources in one style; "Not recorded" and "Other" set apart (grey, hatched).
        styleIndex: source.kind === 'source' ? 0 : 2,
        title: `${source.label}: ${source.count}`,
      })),
    [stats.sources],
  );
  const rows = useMemo<ChartTableRow[]>(
    () => stats.sources.map((source) => ({ key: source.key, header: source.label, cells: [source.count, percent(source.count / Math.max(1, stats.won))] })),
    [stats.sources, stats.won],
  );
  const summary =
    stats.won === 0
      ? 'Where customers and team members came from: none yet.'
      : `Where your ${plural(stats.won, 'customer or team member', 'customers and team members')} came from: ${stats.sources.map((source) => `${source.label} ${source.count.toLocaleString('en')}`).join(', ')}.`;
  return (
    <ChartFigure
      title="Where customers and team members came from"
      summary={summary}
      note={stats.won === 0 ? 'No customers or team members yet. Their lead source shows up here.' : `Lead source of your ${plural(stats.won, 'customer or team member', 'customers and team members')}.`}
      table={
        <ChartTable
          caption="Lead sources of customers and team members"
          columns={[
            { key: 'source', label: 'Lead source' },
            { key: 'count', label: 'People', numeric: true },
            { key: 'share', label: 'Share', numeric: true },
          ]}
          rows={rows}
        />
      }
    >
      {stats.won > 0 ? <RowChart data={data} styles={STAGE_STYLES} /> : null}
    </ChartFigure>
  );
});

// ---------------------------------------------------------------------------------------------------
// Follow-ups due

const FOLLOW_UP_STYLES: readonly SeriesStyle[] = [
  { color: OKABE_ITO.blue, pattern: 'solid' },
  { color: OKABE_ITO.vermillion, pattern: 'diagonal' },
];

const dueLabel = (day: string, index: number) => (index === 0 ? 'Today' : index === 1 ? 'Tomorrow' : longDate(day));

export const FollowUpsChart = memo(function FollowUpsChart({ stats }: { readonly stats: ContactStats }) {
  const { followUps } = stats;
  const data = useMemo<BarDatum[]>(
    () => [
      { key: 'overdue', label: 'Overdue', value: followUps.overdue, styleIndex: 1, emphasis: followUps.overdue > 0, title: `Overdue: ${followUps.overdue}` },
      ...followUps.days.map((day, index) => ({ key: day.day, label: dueLabel(day.day, index), value: day.count, title: `${longDate(day.day)}: ${day.count}` })),
    ],
    [followUps],
  );
  const rows = useMemo<ChartTableRow[]>(
    () => [{ key: 'overdue', header: 'Overdue', cells: [followUps.overdue] }, ...followUps.days.map((day, index) => ({ key: day.day, header: index < 2 ? `${dueLabel(day.day, index)} (${longDate(day.day)})` : longDate(day.day), cells: [day.count] }))],
    [followUps],
  );
  const summary = `Follow-ups due: ${followUps.overdue.toLocaleString('en')} overdue, ${(followUps.days[0]?.count ?? 0).toLocaleString('en')} today, ${plural(followUps.total - followUps.overdue, 'follow-up')} in the next 7 days including today.`;
  return (
    <ChartFigure
      title="Follow-ups due"
      summary={summary}
      note={followUps.total === 0 ? 'Nothing due in the next 7 days and nothing overdue.' : 'Overdue, then today and the next six days.'}
      legend={
        followUps.total === 0 ? null : (
          <ChartLegend
            items={[
              { key: 'overdue', label: 'Overdue', swatch: <Swatch style={FOLLOW_UP_STYLES[1] as SeriesStyle} /> },
              { key: 'due', label: 'Due', swatch: <Swatch style={FOLLOW_UP_STYLES[0] as SeriesStyle} /> },
            ]}
          />
        )
      }
      table={
        <ChartTable
          caption="Follow-ups due"
          columns={[
            { key: 'day', label: 'Due' },
            { key: 'count', label: 'People', numeric: true },
          ]}
          rows={rows}
          footer={{ key: 'total', header: 'Total', cells: [followUps.total] }}
        />
      }
    >
      {followUps.total > 0 ? <RowChart data={data} styles={FOLLOW_UP_STYLES} /> : null}
    </ChartFigure>
  );
});

import { formatDay } from '../../domain/dates';
import { formatDelay, formatRate, type TemplatePerformance } from '../../domain/template-performance';
import { shortUrl } from '../../domain/tracked-message';

export const PERFORMANCE_WINDOWS = [7, 30] as const;
export type PerformanceWindow = (typeof PERFORMANCE_WINDOWS)[number];

/** 7 days / 30 days. */
export function WindowPicker({ days, onChange }: { readonly days: PerformanceWindow; readonly onChange: (days: PerformanceWindow) => void }) {
  return (
    <div className="perf-window" role="group" aria-label="Performance period">
      {PERFORMANCE_WINDOWS.map((value) => (
        <button key={value} type="button" className="chip" aria-pressed={days === value} onClick={() => onChange(value)}>
          {value} days
        </button>
      ))}
    </div>
  );
}

/** Sends per day (light) with the sends a person clicked (dark), as plain SVG bars. */
function DailyChart({ performance }: { readonly performance: TemplatePerformance }) {
  const { daily } = performance;
  const top = Math.max(1, ...daily.map((day) => day.sends));
  const width = 100 / daily.length;
  const first = daily[0];
  const last = daily.at(-1);
  return (
    <figure className="perf-chart">
      <svg viewBox="0 0 100 32" preserveAspectRatio="none" role="img" aria-label={`Sends per day: ${performance.sends} sent, ${performance.clicked} clicked by the person`}>
        {daily.map((day, index) => {
          // An empty day still shows a sliver, so the days read as a row.
          const sent = day.sends > 0 ? Math.max((day.sends / top) * 30, 1) : 0.8;
          const clicked = (day.clicked / top) * 30;
          return (
            <g key={day.day}>
              <title>{`${formatDay(day.day)}: ${day.sends} sent, ${day.clicked} clicked`}</title>
              <rect className="perf-chart__sent" x={index * width + width * 0.15} width={width * 0.7} y={32 - sent} height={sent} />
              {day.clicked > 0 ? <rect className="perf-chart__clicked" x={index * width + width * 0.15} width={width * 0.7} y={32 - clicked} height={clicked} /> : null}
            </g>
          );
        })}
      </svg>
      {first && last ? (
        <figcaption>
          <span>{formatDay(first.day)}</span>
          <span className="perf-chart__legend">
            <i className="perf-chart__key perf-chart__key--sent" /> sent <i className="perf-chart__key perf-chart__key--clicked" /> clicked
          </span>
          <span>{formatDay(last.day)}</span>
        </figcaption>
      ) : null}
    </figure>
  );
}

/** One template's sends, sends a person clicked, click rate and median time to the first click, overall and per link. */
export function TemplateStats({ performance, days }: { readonly performance: TemplatePerformance | undefined; readonly days: PerformanceWindow }) {
  if (!performance || performance.sends === 0) return <p className="perf perf--empty subtle">Not sent in the last {days} days.</p>;
  return (
    <section className="perf" aria-label={`Performance of ${performance.name}, last ${days} days`}>
      <dl className="perf__figures">
        <div>
          <dt>Sent</dt>
          <dd>{performance.sends}</dd>
        </div>
        <div>
          <dt>Clicked</dt>
          <dd>{performance.clicked}</dd>
        </div>
        <div>
          <dt>Click rate</dt>
          <dd>{formatRate(performance)}</dd>
        </div>
        <div>
          <dt>First click</dt>
          <dd>{formatDelay(performance.medianMsToFirstClick)}</dd>
        </div>
      </dl>
      <DailyChart performance={performance} />
      {performance.links.length > 0 ? (
        <table className="perf__links">
          <caption className="visually-hidden">Per link</caption>
          <thead>
            <tr>
              <th scope="col">Link</th>
              <th scope="col">Sent</th>
              <th scope="col">Clicked</th>
              <th scope="col">Rate</th>
              <th scope="col">First click</th>
            </tr>
          </thead>
          <tbody>
            {performance.links.map((link) => (
              <tr key={link.url}>
                <th scope="row" title={link.url}>
                  {shortUrl(link.url, 60)}
                </th>
                <td>{link.sends}</td>
                <td>{link.clicked}</td>
                <td>
                  <span className="perf__bar" aria-hidden="true">
                    <span style={{ width: `${Math.round(link.rate * 100)}%` }} />
                  </span>
                  {formatRate(link)}
                </td>
                <td>{formatDelay(link.medianMsToFirstClick)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="hint">No tracked links in these sends.</p>
      )}
    </section>
  );
}

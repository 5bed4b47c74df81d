import { formatRelative } from '../../domain/dates';
import { shortUrl } from '../../domain/tracked-message';
import { useAppServices } from '../../hooks/app-services';
import { useHotLeads } from '../../hooks/use-engagement';
import { useLinkTo } from '../../hooks/use-link-to';

/**
 * **Hot now**: people who opened a link you sent in the last 24 hours and have not heard from you
 * since; reaching out (a call, a message, a send) takes them off. Shown only when there is someone.
 */
export function HotNow() {
  const { platform } = useAppServices();
  const linkTo = useLinkTo();
  const leads = useHotLeads();
  if (!leads || leads.length === 0) return null;
  return (
    <section aria-labelledby="hot-title" className="card hot-now">
      <h2 id="hot-title">
        Hot now <span className="count">{leads.length}</span> <span className="subtle">(opened a link in the last 24 hours)</span>
      </h2>
      <ul className="today-list">
        {leads.map((lead) => (
          <li key={lead.contactId}>
            <a className="today-row" {...linkTo(`/contacts/${lead.contactId}`)}>
              <span className="today-row__name">{lead.name}</span>
              <span className="today-row__detail hot-now__what">
                Opened {lead.templateName ? `‘${lead.templateName}’` : shortUrl(lead.url, 28)}
                {lead.opens > 1 ? ` · ${lead.opens} times` : ''}
              </span>
              <time className="hot-now__when" dateTime={lead.lastOpenedAt}>
                {formatRelative(lead.lastOpenedAt, platform.now())}
              </time>
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

import { useState } from 'react';
import { CHANNEL_LABELS, type EmailTemplate } from '../../domain/email-template';
import { useAppServices } from '../../hooks/app-services';
import { useProfile, useTemplates } from '../../hooks/use-local-data';
import { useNotify } from '../../hooks/use-notify';
import { useTemplatePerformance } from '../../hooks/use-engagement';
import { EmptyState } from '../../ui/empty-state';
import { TemplateForm } from './template-form';
import { TemplateStats, WindowPicker, type PerformanceWindow } from './template-performance';

type Editing = { readonly template: EmailTemplate | null };

/** Message templates for email, text and WhatsApp, with merge fields. */
export function TemplatesScreen() {
  const { store } = useAppServices();
  const notify = useNotify();
  const templates = useTemplates();
  const profile = useProfile();
  const [editing, setEditing] = useState<Editing | null>(null);
  const [days, setDays] = useState<PerformanceWindow>(7);
  const performance = useTemplatePerformance(days);
  const performanceById = new Map((performance ?? []).map((row) => [row.templateId, row]));

  if (editing) {
    const { template } = editing;
    return (
      <section className="screen" aria-labelledby="template-title">
        <div className="screen__header">
          <h1 id="template-title">{template ? `Edit ${template.name}` : 'New template'}</h1>
        </div>
        <TemplateForm
          initial={template ? { name: template.name, channel: template.channel, subject: template.subject, body: template.body, track_links: template.track_links, is_invitation: template.is_invitation === true } : { name: '', channel: 'email', subject: '', body: '', track_links: true, is_invitation: false }}
          profile={profile ?? null}
          onCancel={() => setEditing(null)}
          onSubmit={async (input) => {
            const result = await store.saveTemplate(template?.id ?? null, input);
            if (!result.ok) return result.error.message;
            notify(`Saved template ${input.name}`);
            setEditing(null);
            return null;
          }}
        />
      </section>
    );
  }

  const remove = async (template: EmailTemplate) => {
    const result = await store.deleteTemplate(template.id);
    notify(result.ok ? `Deleted template ${template.name}` : result.error.message);
  };

  return (
    <section className="screen" aria-labelledby="templates-title">
      <div className="screen__header">
        <h1 id="templates-title">Templates</h1>
        <button type="button" className="button button--primary" onClick={() => setEditing({ template: null })}>
          + New template
        </button>
      </div>
      {templates === undefined ? (
        <p className="loading">Loading…</p>
      ) : templates.length === 0 ? (
        <EmptyState title="No templates yet">Save the messages you send most, with {'{{first_name}}'} filled in for each contact.</EmptyState>
      ) : (
        <>
        <div className="perf-head">
          <p className="hint">Clicks by people on the links you sent, from this device's data. Previews and scanners are not counted; email opens are not tracked.</p>
          <WindowPicker days={days} onChange={setDays} />
        </div>
        <ul className="template-list">
          {templates.map((template) => (
            <li key={template.id} className="card">
              <div className="template-list__head">
                <h2>{template.name}</h2>
                <span className="badge">{CHANNEL_LABELS[template.channel]}</span>
                {template.is_invitation === true ? <span className="badge">Invitation</span> : null}
              </div>
              {template.subject ? <p className="template-list__subject">{template.subject}</p> : null}
              <p className="template-list__body">{template.body}</p>
              <TemplateStats performance={performanceById.get(template.id)} days={days} />
              <div className="form__actions form__actions--start">
                <button type="button" className="button" onClick={() => setEditing({ template })} aria-label={`Edit ${template.name}`}>
                  Edit
                </button>
                <button type="button" className="button button--danger" onClick={() => void remove(template)} aria-label={`Delete ${template.name}`}>
                  Delete
                </button>
              </div>
            </li>
          ))}
        </ul>
        </>
      )}
    </section>
  );
}

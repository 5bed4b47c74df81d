import { describe, expect, it } from 'vitest';
import { parseRoute } from './use-route';

describe('parseRoute', () => {
  it('maps paths to screens, ignoring query strings and trailing slashes', () => {
    expect(parseRoute('/')).toEqual({ name: 'today' });
    expect(parseRoute('/today?source=pwa')).toEqual({ name: 'today' });
    expect(parseRoute('/contacts/')).toEqual({ name: 'contacts' });
    expect(parseRoute('/contacts/new?source=shortcut')).toEqual({ name: 'contact-new' });
    expect(parseRoute('/contacts/import')).toEqual({ name: 'contacts-import' });
    expect(parseRoute('/contacts/duplicates/')).toEqual({ name: 'contacts-duplicates' });
    expect(parseRoute('/contacts/abc')).toEqual({ name: 'contact', id: 'abc' });
    expect(parseRoute('/contacts/abc/edit')).toEqual({ name: 'contact-edit', id: 'abc' });
    expect(parseRoute('/team')).toEqual({ name: 'team' });
    expect(parseRoute('/join/K7QM4XPA')).toEqual({ name: 'team', code: 'K7QM4XPA' });
    expect(parseRoute('/join/k7qm%204xpa/')).toEqual({ name: 'team', code: 'k7qm 4xpa' });
    expect(parseRoute('/join')).toEqual({ name: 'not-found', path: '/join' });
    expect(parseRoute('/join/A/B')).toEqual({ name: 'not-found', path: '/join/A/B' });
    expect(parseRoute('/nowhere')).toEqual({ name: 'not-found', path: '/nowhere' });
    expect(parseRoute('/contacts/%E0')).toEqual({ name: 'not-found', path: '/contacts/%E0' });
  });
});

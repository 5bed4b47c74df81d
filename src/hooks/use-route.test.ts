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
    expect(parseRoute('/nowhere')).toEqual({ name: 'not-found', path: '/nowhere' });
    expect(parseRoute('/contacts/%E0')).toEqual({ name: 'not-found', path: '/contacts/%E0' });
  });
});

import { describe, expect, it } from 'vitest';
import { alignContactPoints, mirrorContactPoints, withPrimary } from './contact-points';

const p = (label: string, value: string) => ({ label, value });

describe('phones and emails kept in step with the single fields', () => {
  it('a new contact with only a single phone gets it as its list; a list wins over the single value', () => {
    expect(mirrorContactPoints({ phone: '555 0100', email: '' }, undefined)).toEqual({ phone: '555 0100', phones: [p('mobile', '555 0100')], email: '', emails: [] });
    expect(mirrorContactPoints({ phone: 'ignored', phones: [p('work', '555 0200')] }, undefined)).toMatchObject({ phone: '555 0200', phones: [p('work', '555 0200')] });
  });

  it('an edit of the list sets the single field; an edit of the single field changes the first entry only', () => {
    const current = { phones: [p('mobile', '1'), p('work', '2')], emails: [p('home', 'a@x.io')] };
    expect(mirrorContactPoints({ phones: [p('work', '2')] }, current)).toEqual({ phones: [p('work', '2')], phone: '2' });
    expect(mirrorContactPoints({ phone: '9' }, current)).toEqual({ phone: '9', phones: [p('mobile', '9'), p('work', '2')] });
    // The form sends both: an unchanged list lets the single value speak.
    expect(mirrorContactPoints({ phone: '9', phones: current.phones }, current)).toEqual({ phone: '9', phones: [p('mobile', '9'), p('work', '2')] });
    expect(mirrorContactPoints({ email: '' }, current)).toEqual({ email: '', emails: [] });
    expect(mirrorContactPoints({ notes: 'x' }, current)).toEqual({ notes: 'x' });
  });

  it('withPrimary adds, replaces or drops the first entry', () => {
    expect(withPrimary([], '1', 'mobile')).toEqual([p('mobile', '1')]);
    expect(withPrimary([p('home', '1'), p('work', '2')], '3', 'mobile')).toEqual([p('home', '3'), p('work', '2')]);
    expect(withPrimary([p('home', '1'), p('work', '2')], '', 'mobile')).toEqual([p('work', '2')]);
  });

  it('a row from elsewhere gets its single fields and their stamps from the lists', () => {
    const drifted = { id: 'x', phone: '555 3333', phones: [p('mobile', '555 1111'), p('work', '555 2222')], email: '', emails: [], field_stamps: { phone: 's2', phones: 's3', email: 's1', emails: 's1' } };
    expect(alignContactPoints(drifted)).toEqual({ ...drifted, phone: '555 1111', field_stamps: { phone: 's3', phones: 's3', email: 's1', emails: 's1' } });
    const aligned = alignContactPoints(drifted);
    expect(alignContactPoints(aligned)).toBe(aligned);
    // Only what is out of line is copied: the lists of the row that came in are kept as they are.
    expect(aligned.phones).toBe(drifted.phones);
  });

  it('a row without stamps (a realtime record may come so) gets its single fields and nothing else', () => {
    const bare = { id: 'x', phone: '', phones: [p('mobile', '555 1111')] } as unknown as Parameters<typeof alignContactPoints>[0];
    expect(alignContactPoints(bare)).toEqual({ id: 'x', phone: '555 1111', phones: [p('mobile', '555 1111')] });
  });
});

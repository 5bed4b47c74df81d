import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createDayClock, deviceZone, isoWeekday, shiftDay, weekStart } from './zone-days';

/*
 * Member days in IANA zones. Expected instants are worked out by hand from each zone's offsets (not
 * from Intl), so a clock that formats the wrong instant or caches a slot that straddles a local
 * midnight is caught; the property test then compares with a direct Intl computation.
 */

const at = (iso: string) => Date.parse(iso);
const MINUTE = 60_000;

/** The calendar day of `ms` in `zone`, straight from Intl (no cache, no slots). */
const formatters = new Map<string, Intl.DateTimeFormat>();
function intlDay(zone: string, ms: number): string {
  let formatter = formatters.get(zone);
  if (!formatter) formatters.set(zone, (formatter = new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  const parts = formatter.formatToParts(ms);
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? '';
  return `${get('year').padStart(4, '0')}-${get('month')}-${get('day')}`;
}

const originalTz = process.env['TZ'];
afterEach(() => {
  if (originalTz === undefined) delete process.env['TZ'];
  else process.env['TZ'] = originalTz;
});

describe('dayOf in zones with daylight saving and odd offsets', () => {
  it('America/New_York, spring forward (2026-03-08, a 23-hour day): 23:30 local lands on that day', () => {
    const clock = createDayClock('America/New_York');
    expect(clock.zone).toBe('America/New_York');
    // The day before, still EST (-5): 23:30 local = 04:30Z next day.
    expect(clock.dayOf(at('2026-03-08T04:30:00Z'))).toBe('2026-03-07');
    // Midnight EST of the 8th = 05:00Z.
    expect(clock.dayOf(at('2026-03-08T04:59:59.999Z'))).toBe('2026-03-07');
    expect(clock.dayOf(at('2026-03-08T05:00:00Z'))).toBe('2026-03-08');
    // 01:59 EST, then 03:00 EDT (07:00Z): still the 8th.
    expect(clock.dayOf(at('2026-03-08T06:59:00Z'))).toBe('2026-03-08');
    expect(clock.dayOf(at('2026-03-08T07:00:00Z'))).toBe('2026-03-08');
    // 23:30 EDT (-4) = 03:30Z on the 9th, but the member's 8th.
    expect(clock.dayOf(at('2026-03-09T03:30:00Z'))).toBe('2026-03-08');
    expect(clock.dayOf(at('2026-03-09T03:59:59.999Z'))).toBe('2026-03-08');
    expect(clock.dayOf(at('2026-03-09T04:00:00Z'))).toBe('2026-03-09');
  });

  it('America/New_York, fall back (2026-11-01, a 25-hour day): both 01:30s and 23:30 local are that day', () => {
    const clock = createDayClock('America/New_York');
    // Midnight EDT of the 1st = 04:00Z.
    expect(clock.dayOf(at('2026-11-01T03:59:59.999Z'))).toBe('2026-10-31');
    expect(clock.dayOf(at('2026-11-01T04:00:00Z'))).toBe('2026-11-01');
    // 01:30 EDT (05:30Z) and 01:30 EST (06:30Z).
    expect(clock.dayOf(at('2026-11-01T05:30:00Z'))).toBe('2026-11-01');
    expect(clock.dayOf(at('2026-11-01T06:30:00Z'))).toBe('2026-11-01');
    // 23:30 EST (-5) = 04:30Z on the 2nd: the UTC-4 reading would wrongly give the 2nd.
    expect(clock.dayOf(at('2026-11-02T04:30:00Z'))).toBe('2026-11-01');
    expect(clock.dayOf(at('2026-11-02T04:59:59.999Z'))).toBe('2026-11-01');
    expect(clock.dayOf(at('2026-11-02T05:00:00Z'))).toBe('2026-11-02');
  });

  it('Europe/Lisbon: WET in winter, WEST after 2026-03-29', () => {
    const clock = createDayClock('Europe/Lisbon');
    expect(clock.dayOf(at('2026-01-10T23:30:00Z'))).toBe('2026-01-10');
    expect(clock.dayOf(at('2026-01-11T00:00:00Z'))).toBe('2026-01-11');
    // 23:30 WEST (+1) on the 29th = 22:30Z; 00:30 WEST on the 30th = 23:30Z on the 29th.
    expect(clock.dayOf(at('2026-03-29T22:30:00Z'))).toBe('2026-03-29');
    expect(clock.dayOf(at('2026-03-29T22:59:59.999Z'))).toBe('2026-03-29');
    expect(clock.dayOf(at('2026-03-29T23:00:00Z'))).toBe('2026-03-30');
    expect(clock.dayOf(at('2026-03-29T23:30:00Z'))).toBe('2026-03-30');
    // The day of the change itself: midnight WET = 00:00Z, the jump at 01:00Z.
    expect(clock.dayOf(at('2026-03-29T00:00:00Z'))).toBe('2026-03-29');
    expect(clock.dayOf(at('2026-03-28T23:59:59.999Z'))).toBe('2026-03-28');
    // Back to WET on 2026-10-25: 23:30 WET = 23:30Z.
    expect(clock.dayOf(at('2026-10-25T23:30:00Z'))).toBe('2026-10-25');
    expect(clock.dayOf(at('2026-10-24T23:00:00Z'))).toBe('2026-10-25');
  });

  it('Asia/Kathmandu (+5:45): the day turns at 18:15Z, not on a whole or half hour', () => {
    const clock = createDayClock('Asia/Kathmandu');
    expect(clock.dayOf(at('2026-06-14T18:14:59.999Z'))).toBe('2026-06-14');
    expect(clock.dayOf(at('2026-06-14T18:15:00Z'))).toBe('2026-06-15');
    expect(clock.dayOf(at('2026-06-14T18:00:00Z'))).toBe('2026-06-14');
    expect(clock.dayOf(at('2026-06-14T18:29:00Z'))).toBe('2026-06-15');
    // 23:30 local = 17:45Z.
    expect(clock.dayOf(at('2026-06-14T17:45:00Z'))).toBe('2026-06-14');
  });

  it('Pacific/Chatham (+12:45, +13:45 in summer): both sides of its changes', () => {
    const clock = createDayClock('Pacific/Chatham');
    // Winter (+12:45): midnight of 2026-07-01 = 11:15Z on 06-30.
    expect(clock.dayOf(at('2026-06-30T11:14:59.999Z'))).toBe('2026-06-30');
    expect(clock.dayOf(at('2026-06-30T11:15:00Z'))).toBe('2026-07-01');
    // Summer (+13:45): midnight of 2026-12-25 = 10:15Z on 12-24.
    expect(clock.dayOf(at('2026-12-24T10:14:59.999Z'))).toBe('2026-12-24');
    expect(clock.dayOf(at('2026-12-24T10:15:00Z'))).toBe('2026-12-25');
    // DST starts 2026-09-27 (02:45 → 03:45): 23:30 local that day (+13:45) = 09:45Z.
    expect(clock.dayOf(at('2026-09-27T09:45:00Z'))).toBe('2026-09-27');
    expect(clock.dayOf(at('2026-09-27T10:15:00Z'))).toBe('2026-09-28');
    // The day before, still +12:45: midnight of the 27th = 11:15Z on the 26th.
    expect(clock.dayOf(at('2026-09-26T11:15:00Z'))).toBe('2026-09-27');
    expect(clock.dayOf(at('2026-09-26T11:00:00Z'))).toBe('2026-09-26');
    // DST ends 2026-04-05 (03:45 → 02:45): 23:30 local that day (+12:45) = 10:45Z.
    expect(clock.dayOf(at('2026-04-05T10:45:00Z'))).toBe('2026-04-05');
    expect(clock.dayOf(at('2026-04-05T11:15:00Z'))).toBe('2026-04-06');
  });

  it('Australia/Lord_Howe (+10:30, half-hour daylight saving to +11)', () => {
    const clock = createDayClock('Australia/Lord_Howe');
    // Winter (+10:30): midnight of 2026-07-01 = 13:30Z on 06-30.
    expect(clock.dayOf(at('2026-06-30T13:29:59.999Z'))).toBe('2026-06-30');
    expect(clock.dayOf(at('2026-06-30T13:30:00Z'))).toBe('2026-07-01');
    // Summer (+11): midnight of 2026-12-25 = 13:00Z on 12-24.
    expect(clock.dayOf(at('2026-12-24T12:59:59.999Z'))).toBe('2026-12-24');
    expect(clock.dayOf(at('2026-12-24T13:00:00Z'))).toBe('2026-12-25');
    // DST ends 2026-04-05 (02:00 → 01:30): 23:30 local (+10:30) = 13:00Z, still the 5th.
    expect(clock.dayOf(at('2026-04-05T13:00:00Z'))).toBe('2026-04-05');
    expect(clock.dayOf(at('2026-04-05T13:30:00Z'))).toBe('2026-04-06');
    // DST starts 2026-10-04 (02:00 → 02:30): 23:30 local (+11) = 12:30Z, still the 4th.
    expect(clock.dayOf(at('2026-10-04T12:30:00Z'))).toBe('2026-10-04');
    expect(clock.dayOf(at('2026-10-04T13:00:00Z'))).toBe('2026-10-05');
  });

  it('a cached slot answers the same for every instant in it, and the next instant after midnight is the next day', () => {
    const clock = createDayClock('Asia/Kathmandu');
    // Fill the cache with the slot before midnight, then ask for the last millisecond and the first after.
    for (let ms = at('2026-06-14T18:00:00Z'); ms < at('2026-06-14T18:15:00Z'); ms += 7 * MINUTE) expect(clock.dayOf(ms)).toBe('2026-06-14');
    expect(clock.dayOf(at('2026-06-14T18:14:59.999Z'))).toBe('2026-06-14');
    expect(clock.dayOf(at('2026-06-14T18:15:00.000Z'))).toBe('2026-06-15');
    expect(clock.dayOf(at('2026-06-14T18:14:59.999Z'))).toBe('2026-06-14');
  });

  it('America/Santiago: the day DST starts has no midnight (00:00 → 01:00) and still starts on time', () => {
    const clock = createDayClock('America/Santiago');
    // 2026-09-06: clocks go from 00:00 (-04) to 01:00 (-03); the 6th starts at 04:00Z.
    expect(clock.dayOf(at('2026-09-06T03:59:59.999Z'))).toBe('2026-09-05');
    expect(clock.dayOf(at('2026-09-06T04:00:00Z'))).toBe('2026-09-06');
    // 23:30 (-03) on the 6th = 02:30Z on the 7th.
    expect(clock.dayOf(at('2026-09-07T02:30:00Z'))).toBe('2026-09-06');
    expect(clock.dayOf(at('2026-09-07T03:00:00Z'))).toBe('2026-09-07');
  });

  it('instants before 1970 (negative milliseconds) still land on their day', () => {
    const clock = createDayClock('America/New_York');
    expect(clock.dayOf(at('1969-12-31T04:59:59.999Z'))).toBe('1969-12-30');
    expect(clock.dayOf(at('1969-12-31T05:00:00Z'))).toBe('1969-12-31');
    expect(createDayClock('UTC').dayOf(-1)).toBe('1969-12-31');
    expect(createDayClock('UTC').dayOf(0)).toBe('1970-01-01');
  });
});

describe('dayOf against Intl (property)', () => {
  const ZONES = [
    'America/New_York',
    'Europe/Lisbon',
    'Asia/Kathmandu',
    'Pacific/Chatham',
    'Australia/Lord_Howe',
    'America/St_Johns',
    'Asia/Kolkata',
    'Pacific/Kiritimati',
    'Pacific/Pago_Pago',
    'UTC',
    // Days that start at 01:00 (DST begins at midnight), Ramadan switches, negative DST, a two-hour jump.
    'America/Santiago',
    'America/Havana',
    'Africa/Casablanca',
    'Europe/Dublin',
    'Antarctica/Troll',
    'Asia/Tehran',
  ] as const;
  const FROM = at('1990-01-01T00:00:00Z');
  const TO = at('2100-01-01T00:00:00Z');

  it.each(ZONES)('%s: thousands of random instants agree with a direct Intl computation', (zone) => {
    const clock = createDayClock(zone);
    fc.assert(
      fc.property(fc.integer({ min: FROM, max: TO }), (ms) => {
        expect(clock.dayOf(ms)).toBe(intlDay(zone, ms));
      }),
      { numRuns: 3000, seed: 20261129 },
    );
  });

  it.each(ZONES)('%s: instants within minutes of a local midnight agree with Intl (the slot edges)', (zone) => {
    const clock = createDayClock(zone);
    // Around each UTC quarter hour of a few hundred days, including the DST changes of 2026.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 * 365 * 96 }), fc.integer({ min: -2, max: 2 }), (quarter, offsetMs) => {
        const ms = at('2025-01-01T00:00:00Z') + quarter * 15 * MINUTE + offsetMs;
        expect(clock.dayOf(ms)).toBe(intlDay(zone, ms));
      }),
      { numRuns: 3000, seed: 11 },
    );
  });

  it('one clock asked in random order gives the same answers as fresh clocks (the cache never mixes slots)', () => {
    const cached = createDayClock('Pacific/Chatham');
    fc.assert(
      fc.property(fc.array(fc.integer({ min: at('2026-01-01T00:00:00Z'), max: at('2027-01-01T00:00:00Z') }), { minLength: 50, maxLength: 200 }), (instants) => {
        for (const ms of instants) expect(cached.dayOf(ms)).toBe(intlDay('Pacific/Chatham', ms));
      }),
      { numRuns: 30, seed: 7 },
    );
  });
});

describe('the zone in use', () => {
  it('an empty zone uses the device zone', () => {
    process.env['TZ'] = 'Asia/Tokyo';
    expect(deviceZone()).toBe('Asia/Tokyo');
    const clock = createDayClock('');
    expect(clock.zone).toBe('Asia/Tokyo');
    // 23:30 in Tokyo (+9) = 14:30Z.
    expect(clock.dayOf(at('2026-11-29T14:30:00Z'))).toBe('2026-11-29');
    expect(clock.dayOf(at('2026-11-29T15:00:00Z'))).toBe('2026-11-30');
  });

  it('a blank (whitespace) zone uses the device zone', () => {
    process.env['TZ'] = 'America/New_York';
    expect(createDayClock('   ').zone).toBe('America/New_York');
  });

  it('an unknown zone uses the device zone instead of throwing', () => {
    process.env['TZ'] = 'Asia/Tokyo';
    for (const bad of ['Mars/Olympus_Mons', 'Not a zone', 'Europe/Lisbonn', '+25:00']) {
      const clock = createDayClock(bad);
      expect(clock.zone).toBe('Asia/Tokyo');
      expect(clock.dayOf(at('2026-11-29T15:00:00Z'))).toBe('2026-11-30');
    }
  });

  it('a valid zone is used even when the device is elsewhere', () => {
    process.env['TZ'] = 'Asia/Tokyo';
    const clock = createDayClock('Europe/Lisbon');
    expect(clock.zone).toBe('Europe/Lisbon');
    expect(clock.dayOf(at('2026-11-29T23:30:00Z'))).toBe('2026-11-29');
  });

  it('surrounding spaces around a valid zone are ignored', () => {
    process.env['TZ'] = 'Asia/Tokyo';
    const clock = createDayClock('  Asia/Kathmandu ');
    expect(clock.zone).toBe('Asia/Kathmandu');
    expect(clock.dayOf(at('2026-06-14T18:15:00Z'))).toBe('2026-06-15');
  });
});

describe('calendar arithmetic on day keys', () => {
  it('shiftDay crosses months, years and leap days', () => {
    expect(shiftDay('2026-11-29', 0)).toBe('2026-11-29');
    expect(shiftDay('2026-11-30', 1)).toBe('2026-12-01');
    expect(shiftDay('2026-12-31', 1)).toBe('2027-01-01');
    expect(shiftDay('2027-01-01', -1)).toBe('2026-12-31');
    expect(shiftDay('2024-02-28', 1)).toBe('2024-02-29');
    expect(shiftDay('2024-02-29', 1)).toBe('2024-03-01');
    expect(shiftDay('2024-03-01', -1)).toBe('2024-02-29');
    expect(shiftDay('2023-02-28', 1)).toBe('2023-03-01');
    expect(shiftDay('2100-02-28', 1)).toBe('2100-03-01');
    expect(shiftDay('2000-02-28', 1)).toBe('2000-02-29');
    expect(shiftDay('2024-01-31', 30)).toBe('2024-03-01');
    expect(shiftDay('2026-11-29', -399)).toBe('2025-10-26');
    expect(shiftDay('2026-11-29', 365)).toBe('2027-11-29');
    // The days of a daylight-saving change are ordinary days here.
    expect(shiftDay('2026-03-08', 1)).toBe('2026-03-09');
    expect(shiftDay('2026-11-01', 1)).toBe('2026-11-02');
  });

  it('shiftDay is the inverse of itself and agrees with a count of calendar days (property)', () => {
    const base = Date.UTC(1990, 0, 1);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40_000 }), fc.integer({ min: -5000, max: 5000 }), (start, n) => {
        const day = new Date(base + start * 86_400_000).toISOString().slice(0, 10);
        const shifted = shiftDay(day, n);
        expect(shifted).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(shiftDay(shifted, -n)).toBe(day);
        expect(Math.round((Date.parse(shifted) - Date.parse(day)) / 86_400_000)).toBe(n);
      }),
      { numRuns: 2000, seed: 3 },
    );
  });

  it('shiftDay does not depend on the device zone', () => {
    process.env['TZ'] = 'America/New_York';
    expect(shiftDay('2026-03-08', 1)).toBe('2026-03-09');
    expect(shiftDay('2026-11-01', 1)).toBe('2026-11-02');
    process.env['TZ'] = 'Pacific/Chatham';
    expect(shiftDay('2026-09-27', 1)).toBe('2026-09-28');
    expect(isoWeekday('2026-09-27')).toBe(7);
  });

  it('isoWeekday: Monday is 1 and Sunday is 7', () => {
    expect(isoWeekday('2026-11-23')).toBe(1);
    expect(isoWeekday('2026-11-24')).toBe(2);
    expect(isoWeekday('2026-11-25')).toBe(3);
    expect(isoWeekday('2026-11-28')).toBe(6);
    expect(isoWeekday('2026-11-29')).toBe(7);
    expect(isoWeekday('2024-02-29')).toBe(4);
    expect(isoWeekday('2026-01-01')).toBe(4);
  });

  it('weekStart is the Monday on or before the day', () => {
    expect(weekStart('2026-11-23')).toBe('2026-11-23');
    expect(weekStart('2026-11-25')).toBe('2026-11-23');
    expect(weekStart('2026-11-29')).toBe('2026-11-23');
    expect(weekStart('2026-11-30')).toBe('2026-11-30');
    // Across a month and a year.
    expect(weekStart('2026-12-03')).toBe('2026-11-30');
    expect(weekStart('2027-01-03')).toBe('2026-12-28');
    expect(weekStart('2024-03-02')).toBe('2024-02-26');
  });

  it('weekStart is always a Monday at most six days back (property)', () => {
    const base = Date.UTC(1990, 0, 1);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40_000 }), (n) => {
        const day = new Date(base + n * 86_400_000).toISOString().slice(0, 10);
        const monday = weekStart(day);
        expect(isoWeekday(monday)).toBe(1);
        expect(monday <= day).toBe(true);
        expect(shiftDay(monday, 6) >= day).toBe(true);
      }),
      { numRuns: 2000, seed: 5 },
    );
  });
});

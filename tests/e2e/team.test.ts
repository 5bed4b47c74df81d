import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../supabase/local/server';
import { buildApp } from '../support/build-app';
import { browserAvailability, launchContext, type LaunchedContext } from '../support/chromium';
import { clientFor } from '../support/local-stack';
import { quickAdd, signIn } from '../support/page-helpers';
import { freePort, startPreview } from '../support/preview-server';

/*
 * The team screen in Chromium, two members in two browser contexts against the local stack: A (a
 * laptop) invites, B (a phone) opens /join/<code> and joins, and A's screen shows B at level 1 and
 * online without reloading (B's presence on A's channel makes A's app ask for the team again). Then
 * the feed: B chooses to share new customers, enrolls one, and A's open feed shows the win; A's
 * comment reaches B's open feed live; B's comment written offline arrives once B is back; A sees
 * the day's counts of B in "Their day"; B leaves and both screens follow.
 */

const { available } = browserAvailability();
const SHOTS = join(process.cwd(), 'tests', 'screenshots', 'out');
const password = 'correct-horse-battery';

describe.skipIf(!available)('the team in Chromium: two members against the local stack', () => {
  let stack: LocalStack;
  let server: PreviewServer;
  let url: string;
  let laptop: LaunchedContext;
  let phone: LaunchedContext;
  const suffix = Math.random().toString(36).slice(2, 8);
  const people = { a: { email: `team-a-${suffix}@example.com`, name: 'Alex Leader' }, b: { email: `team-b-${suffix}@example.com`, name: 'Bea Member' } };

  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, seed: false });
    const outDir = await buildApp('team', { supabase: { url: stack.url, anonKey: stack.anonKey } });
    ({ server, url } = await startPreview(outDir, await freePort()));
    for (const person of Object.values(people)) {
      const client = clientFor(stack);
      const { data, error } = await client.auth.signUp({ email: person.email, password });
      if (error || !data.user) throw new Error(error?.message ?? 'no user');
      const named = await client.from('member_profiles').update({ full_name: person.name }).eq('id', data.user.id);
      if (named.error) throw new Error(named.error.message);
    }
    laptop = await launchContext({ viewport: { width: 1280, height: 800 } });
    phone = await launchContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    mkdirSync(SHOTS, { recursive: true });
  }, 240_000);

  afterAll(async () => {
    await laptop?.close();
    await phone?.close();
    await server?.close();
    await stack?.close();
  });

  it('A invites, B opens /join/<code> and joins, and A sees B at level 1 and online', async () => {
    const a = await laptop.context.newPage();
    const b = await phone.context.newPage();
    const errors: string[] = [];
    for (const page of [a, b]) page.on('pageerror', (error) => errors.push(error.message));

    await signIn(a, url, people.a.email);
    await a.getByRole('link', { name: 'Team' }).click();
    // The team opens on its feed; the members are one tab along.
    await a.getByRole('heading', { name: 'Team wins' }).waitFor();
    await a.getByRole('tab', { name: 'Members' }).click();
    await a.getByRole('heading', { name: 'Your team' }).waitFor();
    await a.getByText('Nobody on your team yet. Invite someone below.').waitFor();
    await a.getByRole('button', { name: 'Create an invitation code' }).click();
    const code = (await a.locator('.team__code').textContent({ timeout: 10_000 }))?.trim() ?? '';
    expect(code).toMatch(/^[A-HJKMNP-Z2-9]{8}$/);
    await a.getByRole('link', { name: `${url}/join/${code}` }).waitFor();
    await a.getByRole('list', { name: 'Open invitations' }).getByText(code).waitFor();
    await a.screenshot({ path: join(SHOTS, 'team-invite-desktop.png'), fullPage: true });

    await signIn(b, url, people.b.email);
    // The shared link, typed as a person would get it: lower case is fine.
    await b.goto(`${url}/join/${code.toLowerCase()}`);
    const field = b.getByRole('textbox', { name: 'Invitation code' });
    expect(await field.inputValue()).toBe(code.toLowerCase());
    await b.screenshot({ path: join(SHOTS, 'team-join-phone.png'), fullPage: true });
    await b.getByRole('button', { name: 'Join team' }).click();
    await b.getByText(/You joined the team/).waitFor({ timeout: 10_000 });
    // Said through the app's one status region too.
    await expect.poll(() => b.getByRole('status').textContent(), { timeout: 5000 }).toContain('You joined the team.');
    const line = b.getByRole('list', { name: 'Your sponsor line, nearest first' });
    await line.getByText(people.a.name).waitFor({ timeout: 10_000 });
    await line.getByText('online').waitFor({ timeout: 10_000 });

    // A never reloads: B shows up at level 1, online (in words).
    const level1 = a.getByRole('region', { name: 'Level 1 — personally sponsored' });
    const bRow = level1.getByRole('listitem').filter({ hasText: people.b.name });
    await bRow.waitFor({ timeout: 15_000 });
    await bRow.getByText('online').waitFor({ timeout: 15_000 });
    await bRow.getByRole('button', { name: `Remove ${people.b.name}` }).waitFor();
    await a.screenshot({ path: join(SHOTS, 'team-desktop.png'), fullPage: true });
    // Every control on the screen is a 44 px touch target (links in running text excepted).
    for (const page of [a, b])
      expect(
        await page.evaluate(() =>
          [...document.querySelectorAll<HTMLElement>('main a[href], main button, main input')]
            .filter((element) => !(element.tagName === 'A' && element.closest('p')))
            .map((element) => ({ text: element.textContent, box: element.getBoundingClientRect() }))
            .filter(({ box }) => box.width > 0 && (box.width < 44 || box.height < 44))
            .map(({ text, box }) => `${text ?? ''} ${Math.round(box.width)}×${Math.round(box.height)}`),
        ),
      ).toEqual([]);
    // The app keeps one status region; the screen announces through it.
    for (const page of [a, b]) expect(await page.getByRole('status').count()).toBe(1);
    await b.screenshot({ path: join(SHOTS, 'team-phone.png'), fullPage: true });
    // A's downline at phone width too.
    await a.setViewportSize({ width: 390, height: 844 });
    await bRow.scrollIntoViewIfNeeded();
    await a.screenshot({ path: join(SHOTS, 'team-sponsor-phone.png') });
    await a.setViewportSize({ width: 1280, height: 800 });

    await b.getByRole('heading', { name: 'Invite someone' }).scrollIntoViewIfNeeded();
    await b.screenshot({ path: join(SHOTS, 'team-invite-phone.png') });
    await bRow.getByRole('button', { name: `Remove ${people.b.name}` }).click();
    await a.getByRole('alert').getByText(`Remove ${people.b.name} from your team?`).waitFor();
    await a.screenshot({ path: join(SHOTS, 'team-remove-confirm-desktop.png') });
    await a.getByRole('alert').getByRole('button', { name: 'Keep' }).click();

    // A second code for B is refused in B's own words from the server, inline.
    await field.fill('zzzz 2222');
    await b.getByRole('button', { name: 'Join team' }).click();
    await b.getByText('This invitation is not valid (it may have expired or been withdrawn)').waitFor();
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    await b.screenshot({ path: join(SHOTS, 'team-join-error-phone.png'), fullPage: true });

    // B closes the app: A sees B go offline.
    await b.close();
    await expect.poll(() => bRow.getByText('online').count(), { timeout: 15_000 }).toBe(0);

    // Offline, A still sees the team from the device, and the actions say why they are off.
    await laptop.context.setOffline(true);
    try {
      await a.getByText('You are offline. Invitations and changes to your team need a connection.').first().waitFor({ timeout: 10_000 });
      await level1.getByText(people.b.name).waitFor();
      expect(await a.getByRole('button', { name: 'Create another code' }).isDisabled()).toBe(true);
      expect(await bRow.getByRole('button', { name: `Remove ${people.b.name}` }).isDisabled()).toBe(true);
      await a.screenshot({ path: join(SHOTS, 'team-offline-desktop.png') });
    } finally {
      await laptop.context.setOffline(false);
    }
    expect(errors).toEqual([]);
  }, 120_000);

  it('the feed: B shares a new customer, A comments and B sees it live; B comments offline and it arrives; A sees B’s day', async () => {
    const a = await laptop.context.newPage();
    const b = await phone.context.newPage();
    const errors: string[] = [];
    for (const page of [a, b]) page.on('pageerror', (error) => errors.push(error.message));
    await a.goto(`${url}/team`);
    await b.goto(`${url}/team`);

    // B is asked once which wins to share; nothing is ticked until B chooses.
    const question = b.getByRole('region', { name: 'Share your wins with your team?' });
    await question.waitFor({ timeout: 15_000 });
    await b.screenshot({ path: join(SHOTS, 'team-share-question-phone.png'), fullPage: true });
    const customers = question.getByRole('checkbox', { name: /New customers/ });
    expect(await customers.isChecked()).toBe(false);
    await customers.check();
    await question.getByRole('button', { name: 'Share these' }).click();
    await question.waitFor({ state: 'detached' });

    // B enrolls a customer: a stage move, counted by the goals, shared as a win naming nobody.
    await quickAdd(b, 'Cara Client', '+1 555 010 0155');
    await b.getByRole('button', { name: 'View' }).first().click();
    await b.getByRole('button', { name: 'Edit' }).click();
    await b.getByLabel('Stage').selectOption({ label: 'Customer' });
    await b.getByRole('button', { name: 'Save changes' }).click();
    await b.getByText('Saved Cara Client').first().waitFor();

    const sentence = `${people.b.name} enrolled a new customer`;
    await a.getByRole('article', { name: sentence }).waitFor({ timeout: 20_000 });
    expect(await a.getByText('Cara Client').count()).toBe(0);
    await a.getByRole('button', { name: 'Applause' }).first().click();
    await a.getByRole('textbox', { name: `Comment on ${sentence}` }).fill('Wonderful, Bea!');
    await a.getByRole('button', { name: 'Comment' }).click();

    await b.getByRole('link', { name: 'Team' }).click();
    await b.getByText('Wonderful, Bea!').waitFor({ timeout: 5_000 });
    await b.getByRole('button', { name: 'Applause, 1' }).waitFor({ timeout: 5_000 });
    await b.screenshot({ path: join(SHOTS, 'team-feed-phone.png'), fullPage: true });

    // B comments offline: it waits, marked as sending, and arrives once B is back.
    await phone.context.setOffline(true);
    try {
      await b.getByRole('textbox', { name: `Comment on You enrolled a new customer` }).fill('Thank you! Next one this week');
      await b.getByRole('button', { name: 'Comment' }).click();
      await b.getByText('Sending…').waitFor();
      await b.screenshot({ path: join(SHOTS, 'team-feed-offline-phone.png'), fullPage: true });
    } finally {
      await phone.context.setOffline(false);
    }
    await a.getByText('Thank you! Next one this week').waitFor({ timeout: 20_000 });
    await a.screenshot({ path: join(SHOTS, 'team-feed-desktop.png'), fullPage: true });

    // A leads B: the day's counts, never the contact.
    await a.getByRole('tab', { name: 'Their day' }).click();
    const day = a.getByRole('region', { name: 'Your team’s day' });
    await day.getByText(people.b.name).waitFor({ timeout: 15_000 });
    // B's device sends the day's counts once they have been still a few seconds; Refresh asks again.
    await expect
      .poll(
        async () => {
          await day.getByRole('button', { name: 'Refresh' }).click();
          return day.getByRole('listitem').filter({ hasText: people.b.name }).textContent();
        },
        { timeout: 20_000, interval: 1_000 },
      )
      .toMatch(/New customers\s*1/);
    expect(await day.getByText('Cara Client').count()).toBe(0);
    await a.screenshot({ path: join(SHOTS, 'team-their-day-desktop.png'), fullPage: true });
    await a.setViewportSize({ width: 390, height: 844 });
    await a.screenshot({ path: join(SHOTS, 'team-their-day-phone.png'), fullPage: true });
    await a.setViewportSize({ width: 1280, height: 800 });

    // B leaves: both screens follow, and B's wins leave A's feed.
    await b.getByRole('tab', { name: 'Members' }).click();
    await b.getByRole('button', { name: 'Leave team' }).click();
    await b.getByRole('alert').getByRole('button', { name: 'Leave team' }).click();
    await b.getByText('You have no sponsor. Join a team with an invitation code.').waitFor({ timeout: 15_000 });
    await a.getByRole('tab', { name: 'Members' }).click();
    await a.getByText('Nobody on your team yet. Invite someone below.').waitFor({ timeout: 20_000 });
    await a.getByRole('tab', { name: 'Feed' }).click();
    await expect.poll(() => a.getByRole('article', { name: sentence }).count(), { timeout: 20_000 }).toBe(0);
    expect(errors).toEqual([]);
  }, 120_000);
});

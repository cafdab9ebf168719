// Signing in and out in a real browser, once hydrated and once without JavaScript
// (every form must work either way).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';

import { MODES, collectErrors, launch, ready, waitForText, waitUntil } from '../support/browser.mjs';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startWarden } from '../support/server.mjs';

const OUTPUT = 'end2end/output';

let warden;
let browser;

before(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  warden = await startWarden();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await warden?.stop();
});

async function signIn(page, mode, email, password) {
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', password);
  await Promise.all([
    mode.javaScriptEnabled ? Promise.resolve() : page.waitForNavigation(),
    page.click('button[type="submit"]'),
  ]);
}

for (const mode of MODES) {
  describe(`sign-in (${mode.name})`, () => {
    test('a wrong password shows the generic error', async () => {
      const context = await browser.newContext({ javaScriptEnabled: mode.javaScriptEnabled });
      const page = await context.newPage();
      await page.goto(`${warden.baseUrl}/sign-in`);
      await ready(page, mode);
      await signIn(page, mode, ADMIN_EMAIL, 'definitely not it');
      await waitForText(page.getByTestId('form-error'), 'Email or password is incorrect');
      // Keyboard and screen reader users land on what went wrong.
      await waitUntil('the focus on the error', () => page.evaluate(() => document.activeElement?.dataset.testid ?? null),
        (focused) => focused === 'form-error');
      assert.equal(new URL(page.url()).pathname, '/sign-in', 'still on the sign-in page');
      const me = await context.request.get(`${warden.baseUrl}/v1/me`);
      assert.equal(me.status(), 401, 'the browser holds no signed-in session');
      await context.close();
    });

    test('the right password lands on the dashboard with the admin name', async () => {
      const context = await browser.newContext({ javaScriptEnabled: mode.javaScriptEnabled });
      const page = await context.newPage();
      const errors = collectErrors(page);
      await page.goto(`${warden.baseUrl}/sign-in`);
      await ready(page, mode);
      await signIn(page, mode, ADMIN_EMAIL, ADMIN_PASSWORD);
      await page.waitForURL(`${warden.baseUrl}/`);
      await ready(page, mode);
      await waitForText(page.getByTestId('welcome'), /Welcome, Warden Admin/);
      await waitForText(page.getByTestId('my-organizations'), /Root/);
      if (mode.javaScriptEnabled) {
        await page.screenshot({ path: `${OUTPUT}/dashboard.png`, fullPage: true });
      }
      assert.deepEqual(errors, [], 'no console errors, CSP violations or panics');
      await context.close();
    });

    test('a protected URL while signed out goes to sign-in and back after', async () => {
      const context = await browser.newContext({ javaScriptEnabled: mode.javaScriptEnabled });
      const page = await context.newPage();
      await page.goto(`${warden.baseUrl}/account`);
      await page.waitForURL((url) => url.pathname === '/sign-in');
      assert.equal(new URL(page.url()).searchParams.get('next'), '/account');
      await ready(page, mode);
      await signIn(page, mode, ADMIN_EMAIL, ADMIN_PASSWORD);
      await page.waitForURL(`${warden.baseUrl}/account`);
      await page.getByRole('heading', { name: 'Change password' }).waitFor();
      await context.close();
    });

    test('sign-out returns to sign-in and the old session cookie no longer works', async () => {
      const context = await browser.newContext({ javaScriptEnabled: mode.javaScriptEnabled });
      const page = await context.newPage();
      await page.goto(`${warden.baseUrl}/sign-in`);
      await ready(page, mode);
      await signIn(page, mode, ADMIN_EMAIL, ADMIN_PASSWORD);
      await page.waitForURL(`${warden.baseUrl}/`);
      await ready(page, mode);
      const session = (await context.cookies()).find((c) => c.name === 'warden_session');
      assert.ok(session, 'signed in with a session cookie');

      await Promise.all([
        mode.javaScriptEnabled ? Promise.resolve() : page.waitForNavigation(),
        page.getByTestId('sign-out').click(),
      ]);
      await page.waitForURL((url) => url.pathname === '/sign-in');

      // Replaying the old cookie gets nothing.
      const replay = await fetch(`${warden.baseUrl}/v1/me`, { headers: { cookie: `warden_session=${session.value}` } });
      assert.equal(replay.status, 401);
      const page2 = await fetch(`${warden.baseUrl}/`, {
        headers: { cookie: `warden_session=${session.value}`, accept: 'text/html' },
        redirect: 'manual',
      });
      assert.equal(page2.status, 303);
      await context.close();
    });
  });
}

// One Warden and one Chromium for a test file: started before its tests, stopped after them.
import { after, before } from 'node:test';

import { collectErrors, launch, signIn } from './browser.mjs';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startWarden } from './server.mjs';

export function useWardenAndBrowser() {
  const running = {};
  before(async () => {
    running.warden = await startWarden();
    running.browser = await launch();
  });
  after(async () => {
    await running.browser?.close();
    await running.warden?.stop();
  });
  return running;
}

// The REST API as the browser context's signed-in user: `{status, body}` with the JSON body.
export function apiClient(context, baseUrl) {
  return async (method, path, data) => {
    const response = await context.request.fetch(`${baseUrl}${path}`, {
      method, data, headers: { origin: baseUrl },
    });
    const text = await response.text();
    return { status: response.status(), body: text ? JSON.parse(text) : null };
  };
}

// A fresh browser context (JavaScript on or off as `mode` says) signed in as the first admin,
// on the dashboard; `errors` collects the page's console errors.
export async function signedInAdmin(running, mode) {
  const { warden, browser } = running;
  const context = await browser.newContext({ javaScriptEnabled: mode.javaScriptEnabled });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await signIn(page, mode, warden.baseUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.waitForURL(`${warden.baseUrl}/`);
  return { warden, browser, context, page, errors };
}

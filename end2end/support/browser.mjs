// Debian's Chromium driven by playwright-core (browser downloads are not possible here).
import { chromium } from 'playwright-core';

export const MODES = [
  { name: 'hydrated', javaScriptEnabled: true },
  { name: 'without JavaScript', javaScriptEnabled: false },
];

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

// A page that is ready to use: hydrated when JavaScript runs, just loaded otherwise.
export async function ready(page, mode) {
  await page.waitForLoadState('load');
  if (mode.javaScriptEnabled) {
    await page.waitForSelector('body[data-hydrated="true"]', { timeout: 15000 });
  }
}

// Collects console errors and uncaught exceptions (a CSP violation or a hydration panic shows
// up here); tests assert that the list stays empty. A 4xx answer to a request is the app
// refusing bad input as designed, not an error of the page.
export function collectErrors(page) {
  const errors = [];
  page.on('console', (message) => {
    const expectedRefusal = /Failed to load resource: the server responded with a status of 4\d\d/.test(message.text());
    if (message.type() === 'error' && !expectedRefusal) errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  return errors;
}

// Signs in through the form; afterwards the page is on the dashboard (or `next`).
export async function signIn(page, mode, baseUrl, email, password) {
  await page.goto(`${baseUrl}/sign-in`);
  await ready(page, mode);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', password);
  await Promise.all([
    mode.javaScriptEnabled ? Promise.resolve() : page.waitForNavigation(),
    page.click('button[type="submit"]'),
  ]);
}

// Submits a form by clicking `button` and waits for what follows: a navigation without
// JavaScript, or `until` (a URL predicate) either way.
export async function submitAndWait(page, button, until) {
  await Promise.all([page.waitForURL(until, { timeout: 15000 }), button.click()]);
}

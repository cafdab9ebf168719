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

// Opens `url` and waits until it is ready and has been quiet a moment; answers the server
// functions (`/api/...`) it called meanwhile. A page whose data arrived with its HTML calls none
// while it hydrates: a resource the client loads again is one that hydration did not match.
// The page before is left for a blank one first: a page reached by a client-side navigation
// loads its data itself, and those calls, still under way, are not the new page's.
export async function openCountingServerCalls(page, mode, url) {
  await page.goto('about:blank');
  const calls = [];
  const record = (request) => {
    const path = new URL(request.url()).pathname;
    if (path.startsWith('/api/')) calls.push(path);
  };
  page.on('request', record);
  await page.goto(url);
  await ready(page, mode);
  await page.waitForTimeout(500);
  page.off('request', record);
  return calls;
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

// Polls `read` until `accept` takes what it returns, and returns that. Giving up after `timeout`
// is an error naming what was awaited and what the page last showed instead.
export async function waitUntil(what, read, accept, timeout = 15000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const seen = await read();
    if (accept(seen)) return seen;
    if (Date.now() >= deadline) throw new Error(`waited ${timeout} ms for ${what}; last seen: ${JSON.stringify(seen)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// The waits below read without Playwright's own auto-waiting (a missing element reads as `[]`),
// so each one gives up after its own timeout with its own message.

// Waits until `locator` is one visible element whose text matches `expected`: a RegExp, or a
// string equal to the trimmed text. Returns the text.
export async function waitForText(locator, expected, timeout) {
  const matches = typeof expected === 'string' ? (text) => text.trim() === expected : (text) => expected.test(text);
  const wanted = typeof expected === 'string' ? JSON.stringify(expected) : String(expected);
  const [text] = await waitUntil(`${locator} to be visible and show ${wanted}`,
    () => locator.filter({ visible: true }).allTextContents(),
    (texts) => texts.length === 1 && matches(texts[0]), timeout);
  return text;
}

// Waits until `locator` is one form control whose value is `expected`.
export async function waitForValue(locator, expected, timeout) {
  await waitUntil(`${locator} to have the value ${JSON.stringify(expected)}`,
    () => locator.evaluateAll((controls) => controls.map((control) => control.value)),
    (values) => values.length === 1 && values[0] === expected, timeout);
}

// Waits until `locator` is one checked checkbox (or radio button).
export async function waitForChecked(locator, timeout) {
  await waitUntil(`${locator} to be checked`, () => locator.evaluateAll((boxes) => boxes.map((box) => box.checked)),
    (states) => states.length === 1 && states[0] === true, timeout);
}

// Waits until `locator` matches exactly `count` elements.
export async function waitForCount(locator, count, timeout) {
  await waitUntil(`${locator} to match ${count} element(s)`, () => locator.count(), (seen) => seen === count, timeout);
}

// Types `typed` into a hydrated picker and chooses the first suggestion whose text matches
// `choice` (a string it holds, or a RegExp), with the mouse as a person would.
export async function pick(field, typed, choice) {
  await field.pressSequentially(typed);
  const list = field.page().locator(`#${await field.getAttribute('aria-controls')}`);
  await list.getByTestId('pick-choice').filter({ hasText: choice }).first().click();
}

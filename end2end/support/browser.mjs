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
// up here); tests assert that the list stays empty.
export function collectErrors(page) {
  const errors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  return errors;
}

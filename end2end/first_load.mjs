// The console's first load, as a new visitor's browser fetches it: Chromium opens the sign-in
// page with an empty cache and waits until the network is idle; every file it downloaded is
// counted at the size it travelled (compressed). Then the same for a signed-in admin who
// opens the dashboard directly (the signed-in layout and the dashboard are chunks of their own,
// src/ui/pages/lazy.rs). Prints each file and fails when a total passes its budget: 300 KB for
// the sign-in page (issue 16's target for a new visitor), and a ceiling for the dashboard so
// that what a signed-in admin's first page adds cannot grow unseen.
//
// scripts/test.sh runs it on the release WebAssembly: `cargo leptos build --release --split
// --precompress --frontend-only`, served by the test build of the server told the release
// build's hash file (LEPTOS_HASH_FILE), since that is what names the files. The debug server
// marks components in its HTML for the debug WebAssembly, so the release WebAssembly does not
// hydrate these pages: this counts bytes; that pages hydrate is the browser tests' part, and
// the release build (server and WebAssembly together) hydrates as they do.
import { launch, signIn } from './support/browser.mjs';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startWarden } from './support/server.mjs';

const BUDGET_KB = Number(process.env.WARDEN_FIRST_LOAD_BUDGET_KB ?? '300');
const SIGNED_IN_BUDGET_KB = Number(process.env.WARDEN_SIGNED_IN_LOAD_BUDGET_KB ?? '360');
const HYDRATED = { name: 'hydrated', javaScriptEnabled: true };

// Opens `url` in `context` and lists what the browser downloaded until the network was idle.
async function load(context, url) {
  const page = await context.newPage();
  const responses = [];
  page.on('response', (response) => responses.push(response));
  await page.goto(url, { waitUntil: 'networkidle' });
  const files = [];
  for (const response of responses) {
    const sizes = await response.request().sizes();
    const headers = await response.allHeaders();
    files.push({
      path: new URL(response.url()).pathname,
      status: response.status(),
      encoding: headers['content-encoding'] ?? 'none',
      bytes: sizes.responseBodySize,
    });
  }
  await page.close();
  return files;
}

function report(title, files, budgetKb) {
  console.log(`${title} (as sent to Chromium):`);
  const line = (bytes, encoding, what) => console.log(`  ${(bytes / 1024).toFixed(1).padStart(8)} KB  ${encoding.padEnd(4)}  ${what}`);
  let total = 0;
  const shared = { count: 0, bytes: 0, encodings: new Set() };
  for (const file of files) {
    if (file.status >= 400) throw new Error(`${file.path} answered ${file.status}`);
    total += file.bytes;
    // The code several pages share, split into many small files: one line for all of them.
    if (/\/chunk_\d+\./.test(file.path)) {
      shared.count += 1;
      shared.bytes += file.bytes;
      shared.encodings.add(file.encoding);
    } else {
      line(file.bytes, file.encoding, file.path);
    }
  }
  if (shared.count) line(shared.bytes, [...shared.encodings].join(','), `/pkg/chunk_*.wasm (${shared.count} files of code shared by pages)`);
  if (!files.some((file) => file.path.endsWith('.wasm'))) throw new Error('the page loaded no WebAssembly');
  console.log(`  ${(total / 1024).toFixed(1).padStart(8)} KB  total; budget ${budgetKb} KB`);
  if (total > budgetKb * 1024) {
    console.error(`${title}: ${(total / 1024).toFixed(1)} KB, past its budget of ${budgetKb} KB.`);
    return false;
  }
  return true;
}

const warden = await startWarden();
const browser = await launch();
let withinBudget = true;
try {
  const visitor = await browser.newContext();
  withinBudget = report('First load of the sign-in page', await load(visitor, `${warden.baseUrl}/sign-in`), BUDGET_KB) && withinBudget;

  // The session cookie alone goes into a fresh context, so that its cache starts empty.
  const signingIn = await browser.newContext();
  const page = await signingIn.newPage();
  await signIn(page, HYDRATED, warden.baseUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.waitForURL(`${warden.baseUrl}/`);
  const admin = await browser.newContext({ storageState: await signingIn.storageState() });
  withinBudget = report('First load of the dashboard, signed in', await load(admin, `${warden.baseUrl}/`), SIGNED_IN_BUDGET_KB) && withinBudget;
} finally {
  await browser.close();
  await warden.stop();
}
process.exit(withinBudget ? 0 : 1);

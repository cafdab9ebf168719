// The console's first load, as a new visitor's browser fetches it: the sign-in page and every
// stylesheet, script and WebAssembly file it names, each as the server sends it to a browser
// that accepts brotli. Prints each size and fails when the total passes the budget.
//
// scripts/test.sh runs it on the release WebAssembly: `cargo leptos build --release
// --precompress --frontend-only`, served by the test build of the server told the release
// build's hash file (LEPTOS_HASH_FILE), since that is what names the files.
import http from 'node:http';

import { startWarden } from './support/server.mjs';

const BUDGET_KB = Number(process.env.WARDEN_FIRST_LOAD_BUDGET_KB ?? '300');

// The body's size as it travels (node:http does not decode it), and its text when it is HTML.
function fetchAsSent(url) {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers: { 'accept-encoding': 'br, gzip', accept: 'text/html,*/*' } }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve({
        status: response.statusCode,
        encoding: response.headers['content-encoding'] ?? 'none',
        body: Buffer.concat(chunks),
      }));
    });
    request.on('error', reject);
  });
}

// The page itself, asked for uncompressed so that its links can be read.
async function pageLinks(url) {
  const html = await (await fetch(url, { headers: { accept: 'text/html' } })).text();
  const links = [...html.matchAll(/<link[^>]*href="([^"]+)"[^>]*>/g)]
    .filter(([tag]) => /rel="(stylesheet|modulepreload|preload)"/.test(tag))
    .map(([, href]) => href);
  return [...new Set(links)];
}

const warden = await startWarden();
let failed = false;
try {
  const page = `${warden.baseUrl}/sign-in`;
  const files = [page, ...(await pageLinks(page)).map((href) => new URL(href, page).href)];
  let total = 0;
  console.log('First load of the console (as sent, brotli accepted):');
  for (const url of files) {
    const answer = await fetchAsSent(url);
    if (answer.status !== 200) throw new Error(`${url} answered ${answer.status}`);
    total += answer.body.length;
    const name = new URL(url).pathname;
    console.log(`  ${(answer.body.length / 1024).toFixed(1).padStart(8)} KB  ${answer.encoding.padEnd(4)}  ${name}`);
  }
  if (!files.some((url) => url.endsWith('.wasm'))) throw new Error('the page names no WebAssembly file');
  console.log(`  ${(total / 1024).toFixed(1).padStart(8)} KB  total; budget ${BUDGET_KB} KB`);
  if (total > BUDGET_KB * 1024) {
    console.error(`The first load is ${(total / 1024).toFixed(1)} KB, past its budget of ${BUDGET_KB} KB.`);
    failed = true;
  }
} finally {
  await warden.stop();
}
process.exit(failed ? 1 : 0);

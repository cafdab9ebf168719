// Schemathesis against a fresh Warden: every operation of /v1/openapi.json, called with an API
// token of the first admin, with generated valid and invalid inputs and the links the document
// declares. It fails on any 5xx, any answer the document does not describe, and any request
// the document calls invalid that the server accepts. Its report goes to end2end/output/.
//
// SCHEMATHESIS: the `st` command (scripts/lib.sh installs it into a virtual environment).
// WARDEN_SCHEMATHESIS_EXAMPLES: examples per operation (default 25).
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

import { ADMIN_EMAIL, ADMIN_PASSWORD, startWarden } from './support/server.mjs';

const ST = process.env.SCHEMATHESIS ?? 'target/schemathesis/bin/st';
const EXAMPLES = process.env.WARDEN_SCHEMATHESIS_EXAMPLES ?? '25';
const REPORTS = 'end2end/output/schemathesis';

// Signs in as the first admin and makes an API token for the run (it expires in a day).
async function adminToken(baseUrl) {
  const signIn = await fetch(`${baseUrl}/api/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', origin: baseUrl },
    body: new URLSearchParams({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
    redirect: 'manual',
  });
  const cookie = (signIn.headers.getSetCookie() ?? []).map((c) => c.split(';')[0]).find((c) => c.startsWith('warden_session='));
  if (!cookie) throw new Error(`sign-in failed: ${signIn.status} ${await signIn.text()}`);
  const created = await fetch(`${baseUrl}/v1/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, origin: baseUrl },
    body: JSON.stringify({ name: 'schemathesis', expires_in_days: 1 }),
  });
  const body = await created.json();
  if (created.status !== 201 || !body.token) throw new Error(`token: ${created.status} ${JSON.stringify(body)}`);
  return body.token;
}

const warden = await startWarden();
let status = 1;
try {
  const token = await adminToken(warden.baseUrl);
  mkdirSync(REPORTS, { recursive: true });
  const run = spawnSync(ST, [
    'run', `${warden.baseUrl}/v1/openapi.json`,
    '--url', warden.baseUrl,
    '--header', `Authorization: Bearer ${token}`,
    '--checks', 'all',
    // A request the document allows may still break a rule it cannot express (a permission's
    // shape, an issuer URL, a name already taken): that is a documented 422 or 409, not a fault.
    '--exclude-checks', 'positive_data_acceptance',
    // The token above is the credential; the document's other ways to authenticate (cookie,
    // X-API-KEY) are not to be made up.
    '--generation-with-security-parameters', 'false',
    '--max-examples', EXAMPLES,
    '--seed', '1',
    '--report', 'junit',
    '--report-dir', REPORTS,
    '--no-color',
  ], { stdio: 'inherit' });
  status = run.status ?? 1;
} finally {
  await warden.stop();
}
process.exit(status);

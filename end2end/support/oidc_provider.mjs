// A real OpenID Connect provider for tests, built on `oidc-provider` (a certified OP).
//
//   node end2end/support/oidc_provider.mjs [--port N] [--redirect-uri URI ...]
//
// Listens on 127.0.0.1 (port 0, the default, picks a free one) and, once listening, prints ONE
// line to stdout: {"issuer":"http://127.0.0.1:PORT","client_id":"warden","client_secret":"warden-test-secret"}
// Anything else goes to stderr. It exits when its stdin closes (spawn it with a piped stdin and
// keep the pipe open) and on SIGTERM.
//
// Client `warden`: confidential (client_secret_basic, client_secret_post also accepted),
// authorization code flow, PKCE S256 required, redirect URIs from --redirect-uri (default
// http://127.0.0.1:3000/sso/callback). Scopes openid email profile groups; the ID token (RS256,
// key generated at start) carries email, email_verified, name and groups.
//
// Sign-in: GET /interaction/:uid shows a form (login, password: any value) posting to
// /interaction/:uid/login; success grants every requested scope, no consent page.
// Test control:
//   PUT /test/users/:login  {email, email_verified, name, groups}   create/replace a user (204)
//   PUT /test/mischief      {"mode": null | "wrong_audience" | "expired" | "wrong_nonce"
//                                    | "wrong_issuer" | "bad_signature"}   tamper id_tokens (204)
//   GET /test/health        200
import http from 'node:http';
import { parseArgs } from 'node:util';
import Provider from 'oidc-provider';
import { SignJWT, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';

// oidc-provider prints notices with console.info; stdout is reserved for the JSON line.
console.log = console.info = console.error;
const warn = console.warn;
console.warn = (...args) => { if (!String(args[0]).includes('development-only')) warn(...args); };

const { values: args } = parseArgs({
  options: { port: { type: 'string', default: '0' }, 'redirect-uri': { type: 'string', multiple: true } },
});
const redirectUris = args['redirect-uri'] ?? ['http://127.0.0.1:3000/sso/callback'];
const CLIENT_ID = 'warden';
const CLIENT_SECRET = 'warden-test-secret';

const users = new Map(Object.entries({
  alice: { email: 'alice@acme.test', email_verified: true, name: 'Alice Example', groups: ['engineering', 'acme-admins'] },
  bob: { email: 'bob@acme.test', email_verified: false, groups: ['engineering'] },
  carol: { email: 'carol@other.test', email_verified: true, groups: [] },
}));

const MISCHIEF = [null, 'wrong_audience', 'expired', 'wrong_nonce', 'wrong_issuer', 'bad_signature'];
let mischief = null;

const { privateKey: signingKey } = await generateKeyPair('RS256', { extractable: true });
const { privateKey: strangerKey } = await generateKeyPair('RS256');
const signingJwk = { ...(await exportJWK(signingKey)), kid: 'test-op-1', alg: 'RS256', use: 'sig' };

// Decode the provider's id_token, break exactly one thing, sign it again.
async function tamper(idToken) {
  const header = decodeProtectedHeader(idToken);
  const claims = decodeJwt(idToken);
  const now = Math.floor(Date.now() / 1000);
  if (mischief === 'wrong_audience') claims.aud = 'someone-else';
  if (mischief === 'expired') Object.assign(claims, { exp: now - 600, iat: now - 1200 });
  if (mischief === 'wrong_nonce') claims.nonce = 'not-the-nonce';
  if (mischief === 'wrong_issuer') claims.iss = 'http://evil.test';
  const key = mischief === 'bad_signature' ? strangerKey : signingKey;
  return new SignJWT(claims).setProtectedHeader(header).sign(key);
}

// Listen first: the issuer must contain the real port.
let opCallback;
const server = http.createServer((req, res) => {
  route(req, res).catch((err) => {
    const status = err instanceof SyntaxError ? 400 : (err.statusCode ?? 500);
    if (status >= 500) console.error(err);
    if (!res.headersSent) res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(`${err.name}: ${err.error_description ?? err.message}`);
  });
});
await new Promise((resolve) => server.listen(Number(args.port), '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    redirect_uris: redirectUris,
  }],
  jwks: { keys: [signingJwk] },
  scopes: ['openid', 'email', 'profile', 'groups'],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
  conformIdTokenClaims: false, // scope claims go into the ID token too, not only to userinfo
  pkce: { methods: ['S256'], required: () => true },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: {
    keys: ['warden-test-op-cookie-key'],
    names: { session: 'op_session', interaction: 'op_interaction', resume: 'op_interaction_resume' },
    // SameSite=None cookies are refused over plain http; OP and RP share the site 127.0.0.1.
    long: { httpOnly: true, sameSite: 'lax' },
    short: { httpOnly: true, sameSite: 'lax' },
  },
  ttl: { AccessToken: 3600, AuthorizationCode: 60, IdToken: 3600, Interaction: 3600, Session: 86400, Grant: 86400 },
  clientBasedCORS: () => true,
  // Claims are read when asked for (token time), so changes apply to the next sign-in.
  async findAccount(ctx, sub) {
    if (!users.has(sub)) return undefined;
    return { accountId: sub, claims: () => ({ sub, ...users.get(sub) }) };
  },
});

provider.use(async (ctx, next) => {
  await next();
  if (mischief && ctx.method === 'POST' && ctx.path === '/token' && ctx.status === 200 && ctx.body?.id_token) {
    ctx.body = { ...ctx.body, id_token: await tamper(ctx.body.id_token) };
  }
});
opCallback = provider.callback();

async function route(req, res) {
  const { pathname } = new URL(req.url, issuer);
  let m;
  if (req.method === 'GET' && pathname === '/test/health') return send(res, 200, 'text/plain', 'ok');
  if (req.method === 'PUT' && (m = pathname.match(/^\/test\/users\/([^/]+)$/))) {
    const { email, email_verified, name, groups } = JSON.parse(await readBody(req));
    users.set(decodeURIComponent(m[1]), { email, email_verified, name, groups });
    return send(res, 204);
  }
  if (req.method === 'PUT' && pathname === '/test/mischief') {
    const { mode = null } = JSON.parse(await readBody(req));
    if (!MISCHIEF.includes(mode)) return send(res, 400, 'text/plain', `unknown mode ${mode}`);
    mischief = mode;
    return send(res, 204);
  }
  if ((m = pathname.match(/^\/interaction\/([^/]+)(\/login)?$/))) {
    const details = await provider.interactionDetails(req, res);
    if (req.method === 'GET' && details.prompt.name === 'login') return loginPage(res, details.uid);
    if (req.method === 'GET') return finish(req, res, details, details.session.accountId);
    if (req.method === 'POST' && m[2]) {
      const form = new URLSearchParams(await readBody(req));
      const login = form.get('login') ?? '';
      if (!users.has(login)) return loginPage(res, details.uid, login, `Unknown user "${login}".`);
      return finish(req, res, details, login);
    }
  }
  return opCallback(req, res);
}

// Sign in (if needed) and grant everything the client asked for: no consent page.
async function finish(req, res, details, accountId) {
  if (details.session?.accountId && details.session.accountId !== accountId) {
    // Another user signs in in this browser: end the old session here rather than let
    // oidc-provider show its logout confirmation (a self-submitting form that needs JavaScript).
    await (await provider.Session.findByUid(details.session.uid))?.destroy();
    delete details.session;
    delete details.grantId;
    await details.persist();
  }
  const existing = details.grantId && await provider.Grant.find(details.grantId);
  const grant = existing?.accountId === accountId
    ? existing
    : new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  if (details.prompt.details.missingOIDCClaims) grant.addOIDCClaims(details.prompt.details.missingOIDCClaims);
  const result = { consent: { grantId: await grant.save() } };
  if (details.prompt.name === 'login') result.login = { accountId };
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
}

function loginPage(res, uid, login = '', error = '') {
  send(res, 200, 'text/html; charset=utf-8', `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test identity provider</title></head>
<body>
<h1>Test identity provider</h1>
${error ? `<p role="alert" id="error">${esc(error)}</p>` : ''}
<form method="post" action="/interaction/${esc(uid)}/login">
<label for="login">Login</label> <input id="login" name="login" value="${esc(login)}" autofocus>
<label for="password">Password</label> <input id="password" name="password" type="password">
<button type="submit">Sign in</button>
</form>
</body></html>
`);
}

function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function send(res, status, type, body) {
  res.writeHead(status, type ? { 'content-type': type, 'cache-control': 'no-store' } : {});
  res.end(body);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks).toString('utf8'))).on('error', reject);
  });
}

process.stdin.on('end', () => process.exit(0)).on('close', () => process.exit(0)).on('error', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));
process.stdout.write(`${JSON.stringify({ issuer, client_id: CLIENT_ID, client_secret: CLIENT_SECRET })}\n`);

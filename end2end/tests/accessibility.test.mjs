// axe-core over every page of the console, hydrated and without JavaScript, in the light and
// the dark colour scheme: no serious or critical violation of WCAG 2.1 A/AA (or axe's best
// practices) anywhere. Pages are visited with content in them (a policy, a role, a member, a
// group, a token) and in their opened states (the member drawer, the group editor, an explorer
// answer, a move search), since an empty list hides most of what could be wrong.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';

import { collectErrors, MODES, ready } from '../support/browser.mjs';
import { ADMIN_EMAIL } from '../support/server.mjs';
import { apiClient, signedInAdmin, useWardenAndBrowser } from '../support/suite.mjs';

const running = useWardenAndBrowser();
const axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SCHEMES = ['light', 'dark'];

// Runs axe on the page as it stands; returns its serious and critical violations, each as
// "rule: what it is (where)".
async function seriousViolations(page) {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return result.violations.map((violation) => ({
      id: violation.id, impact: violation.impact, help: violation.help,
      targets: violation.nodes.slice(0, 3).map((node) => node.target.join(' ')),
    }));
  });
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.help} (${violation.targets.join(', ')})`);
}

// axe cannot run in a page without JavaScript (its timers never fire there), so such a page is
// checked as the server sent it: its HTML, scripts removed, in a page that runs JavaScript at
// the same origin (for the stylesheet), in the same colour scheme.
async function seriousViolationsWithoutJavaScript(page, checker) {
  const html = (await page.content()).replace(/<script\b[\s\S]*?<\/script>/gi, '');
  await checker.setContent(html, { waitUntil: 'load' });
  const styled = await checker.evaluate(() => getComputedStyle(document.body).display === 'flex' || document.styleSheets.length > 0);
  assert.ok(styled, 'the stylesheet applies in the checking page');
  return seriousViolations(checker);
}

// Data for every page to show: ids of what the admin made through the REST API.
async function seedContent(api, tag) {
  const root = (await api('GET', '/v1/orgs/root')).body.id;
  const made = async (path, body) => {
    const answer = await api('POST', path, body);
    assert.equal(answer.status, 201, `${path}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  const child = await made('/v1/orgs', {
    name: `Checked ${tag}`, contact_email: 'ops@example.com', parent_organization_id: root, can_have_child_organizations: true,
  });
  const policy = await made(`/v1/orgs/${root}/iam/policies`, { name: `Readers ${tag}`, permissions: ['org:read', 'audit:read'] });
  const role = await made(`/v1/orgs/${root}/iam/roles`, { name: `Readers ${tag}`, policy_ids: [policy.policy_id] });
  const user = await made('/v1/users', {
    email: `reader-${tag}@a11y.example`, first_name: 'Rea', last_name: tag, password: 'a long enough passphrase', organization_id: root,
  });
  const group = await made(`/v1/orgs/${root}/iam/groups`, { name: `Group ${tag}`, role_ids: [role.role_id], user_ids: [user.user_id] });
  await made('/v1/tokens', { name: `Token ${tag}`, expires_in_days: 30 });
  return { root, child: child.id, policy: policy.policy_id, role: role.role_id, user: user.user_id, group: group.group_id };
}

function signedInPages(ids) {
  const question = new URLSearchParams({ user: ADMIN_EMAIL, org: ids.root, permission: 'org:update' });
  return [
    '/', '/account', '/tokens', '/orgs', `/orgs/${ids.root}`, `/orgs/${ids.child}?move_to=nowhere`,
    `/orgs/${ids.root}/members`, `/orgs/${ids.root}/members?member=${ids.user}`,
    `/orgs/${ids.root}/members?role=Read`, `/orgs/${ids.root}/members?assign=${ids.user}`,
    `/orgs/${ids.root}/groups`, `/orgs/${ids.root}/groups?edit=new`, `/orgs/${ids.root}/groups?edit=${ids.group}`,
    `/orgs/${ids.root}/tokens`, `/orgs/${ids.root}/sso`, `/orgs/${ids.root}/audit`,
    `/orgs/${ids.root}/roles`, `/orgs/${ids.root}/roles/new`, `/orgs/${ids.root}/roles/${ids.role}`,
    `/orgs/${ids.root}/policies`, `/orgs/${ids.root}/policies/new`, `/orgs/${ids.root}/policies/${ids.policy}`,
    '/users', '/schema', '/explorer', `/explorer?${question}`, `/explorer?where_user=${encodeURIComponent(ADMIN_EMAIL)}`,
    '/no-such-page',
  ];
}

for (const mode of MODES) {
  describe(`accessibility (${mode.name})`, () => {
    test('no page has a serious or critical axe violation, in either colour scheme', async () => {
      const { warden, browser, context, errors } = await signedInAdmin(running, mode);
      const ids = await seedContent(apiClient(context, warden.baseUrl), mode.javaScriptEnabled ? 'js' : 'nojs');
      const signedOut = await browser.newContext({ javaScriptEnabled: mode.javaScriptEnabled });
      const checking = await browser.newContext();
      const checker = await checking.newPage();
      await checker.goto(`${warden.baseUrl}/sign-in`); // a page's own policy lets the stylesheet load
      const found = [];
      const pageErrors = [];
      for (const colorScheme of SCHEMES) {
        await checker.emulateMedia({ colorScheme });
        for (const [visitor, paths] of [[signedOut, ['/sign-in', '/sign-in/sso']], [context, signedInPages(ids)]]) {
          const page = await visitor.newPage();
          await page.emulateMedia({ colorScheme });
          pageErrors.push(collectErrors(page));
          for (const path of paths) {
            await page.goto(`${warden.baseUrl}${path}`);
            await ready(page, mode);
            const violations = mode.javaScriptEnabled
              ? await seriousViolations(page)
              : await seriousViolationsWithoutJavaScript(page, checker);
            for (const violation of violations) found.push(`${colorScheme} ${path}: ${violation}`);
          }
          await page.close();
        }
      }
      await checking.close();
      await signedOut.close();
      assert.deepEqual(found, [], `axe found:\n${found.join('\n')}`);
      assert.deepEqual([...errors, ...pageErrors.flat()], []);
      await context.close();
    });
  });
}

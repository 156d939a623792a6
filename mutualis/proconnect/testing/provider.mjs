// A local OpenID Connect provider configured like ProConnect (https://partenaires.proconnect.gouv.fr/docs), for the
// tests and for `make run`: issuer and discovery under /api/v2, the ProConnect scopes and claims, the ID token and a
// userinfo answered as a JWT signed with the agreed algorithm, `amr` on demand (claims parameter), end-session,
// a 30-second authorization code and a 60-second access token. Built on the certified `oidc-provider` package.
//
// Configuration (environment):
//   PROVIDER_PORT            port on 127.0.0.1 (0: a free one); the first line printed is {"issuer": …, "port": …}
//   PROVIDER_ACCOUNTS        path of a JSON file: {"agent@commune.fr": {"given_name": …, "usual_name": …,
//                            "siret": …, "uid": …, "idp_id": …, "password": …, "amr": ["pwd", "mfa"]}, …}
//   PROVIDER_CLIENT_ID, PROVIDER_CLIENT_SECRET, PROVIDER_REDIRECT_URIS, PROVIDER_POST_LOGOUT_REDIRECT_URIS (comma)
//   PROVIDER_SIGN_ALGO       RS256 (default) or ES256
//   PROVIDER_TEST_CONTROLS   "1": /__control/… endpoints the tests use (expire the codes, publish another key)
import { generateKeyPairSync, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { URLSearchParams } from 'node:url';

import Provider from 'oidc-provider';

const env = process.env;
const PREFIX = '/api/v2';
const accounts = JSON.parse(readFileSync(env.PROVIDER_ACCOUNTS, 'utf8'));
const algo = env.PROVIDER_SIGN_ALGO || 'RS256';
const list = (value) => (value || '').split(',').map((item) => item.trim()).filter(Boolean);
const controls = env.PROVIDER_TEST_CONTROLS === '1';

function signingKey(kid) {
  const options = algo === 'ES256' ? { namedCurve: 'P-256' } : { modulusLength: 2048 };
  const { privateKey } = generateKeyPairSync(algo === 'ES256' ? 'ec' : 'rsa', options);
  return { ...privateKey.export({ format: 'jwk' }), kid, alg: algo, use: 'sig' };
}

function publicPart(jwk) {
  const { d, p, q, dp, dq, qi, ...rest } = jwk;
  return rest;
}

const key = signingKey('proconnect-local-1');
// What a tampered provider would publish: the same key id, another key (tests only, /__control/other-key).
let publishedOtherKey = false;
const otherKey = publicPart(signingKey('proconnect-local-1'));

// --- storage: in memory, with a way for the tests to make the authorization codes expire -------------------------
const store = new Map();
class Adapter {
  constructor(name) { this.name = name; }
  key(id) { return `${this.name}:${id}`; }
  async upsert(id, payload, expiresIn) {
    const expiresAt = expiresIn ? Date.now() + expiresIn * 1000 : Infinity;
    store.set(this.key(id), { payload, expiresAt });
    if (payload.uid) store.set(`uid:${payload.uid}`, id);
    if (payload.grantId) {
      const grant = store.get(`grant:${payload.grantId}`) || [];
      grant.push(this.key(id));
      store.set(`grant:${payload.grantId}`, grant);
    }
  }
  async find(id) {
    const entry = store.get(this.key(id));
    if (!entry || entry.expiresAt <= Date.now()) return undefined;
    return entry.payload;
  }
  async findByUid(uid) { const id = store.get(`uid:${uid}`); return id ? this.find(id) : undefined; }
  async findByUserCode() { return undefined; }
  async consume(id) { const entry = store.get(this.key(id)); if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000); }
  async destroy(id) { store.delete(this.key(id)); }
  async revokeByGrantId(grantId) {
    for (const stored of store.get(`grant:${grantId}`) || []) store.delete(stored);
    store.delete(`grant:${grantId}`);
  }
}

function expireCodes() {
  const past = Math.floor(Date.now() / 1000) - 1;
  for (const [name, entry] of store) if (name.startsWith('AuthorizationCode:')) entry.payload.exp = past;
}

// --- accounts ------------------------------------------------------------------------------------------------------
function subFor(email) {
  // ProConnect's `sub` is opaque and differs per identity provider: a hash of the provider and the address here.
  const account = accounts[email];
  return account.sub || createHash('sha256').update(`${account.idp_id}|${email}`).digest('hex');
}
const emailBySub = new Map(Object.keys(accounts).map((email) => [subFor(email), email]));
function addAccounts(more) {
  for (const [email, account] of Object.entries(more)) {
    accounts[email] = account;
    emailBySub.set(subFor(email), email);
  }
}

async function findAccount(ctx, sub) {
  const email = emailBySub.get(sub);
  if (!email) return undefined;
  const account = accounts[email];
  return {
    accountId: sub,
    async claims() {
      return {
        sub,
        email,
        given_name: account.given_name,
        usual_name: account.usual_name,
        siret: account.siret,
        uid: account.uid || sub.slice(0, 12),
        idp_id: account.idp_id,
      };
    },
  };
}

const scopes = ['openid', 'email', 'given_name', 'usual_name', 'siret', 'uid', 'idp_id'];
const configuration = {
  adapter: Adapter,
  clients: [{
    client_id: env.PROVIDER_CLIENT_ID || 'mutualis-local',
    client_secret: env.PROVIDER_CLIENT_SECRET || 'mutualis-local-secret',
    redirect_uris: list(env.PROVIDER_REDIRECT_URIS),
    post_logout_redirect_uris: list(env.PROVIDER_POST_LOGOUT_REDIRECT_URIS),
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_post',
    id_token_signed_response_alg: algo,
    userinfo_signed_response_alg: algo,
  }],
  claims: { ...Object.fromEntries(scopes.map((scope) => [scope, scope === 'openid' ? ['sub'] : [scope]])), amr: null, acr: null },
  scopes,
  findAccount,
  jwks: { keys: [key] },
  enabledJWA: { idTokenSigningAlgValues: [algo], userinfoSigningAlgValues: [algo] },
  features: {
    devInteractions: { enabled: false },
    claimsParameter: { enabled: true },
    jwtUserinfo: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.body = page('Déconnexion de ProConnect', `${form}
<p>Voulez-vous aussi vous déconnecter de ProConnect ?</p>
<p><button type="submit" form="op.logoutForm" name="logout" value="yes">Oui, me déconnecter</button>
<button type="submit" form="op.logoutForm">Non, rester connecté</button></p>`);
      },
    },
  },
  pkce: { required: () => false },
  ttl: { AuthorizationCode: 30, AccessToken: 60, IdToken: 60, Interaction: 600, Session: 3600, Grant: 3600 },
  cookies: {
    keys: [createHash('sha256').update(`${Math.random()}`).digest('hex')],
    long: { sameSite: 'lax' },
    short: { sameSite: 'lax' },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  // A first-party federation: the agent is not asked to consent again for each scope.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      const existing = await ctx.oidc.provider.Grant.find(grantId);
      if (existing) return existing;
    }
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope(scopes.join(' '));
    grant.addOIDCClaims(['amr', 'acr', 'auth_time', ...scopes]);
    await grant.save();
    return grant;
  },
};

// --- the provider's pages ------------------------------------------------------------------------------------------
const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;
}

function loginPage(uid, error = '') {
  const names = Object.keys(accounts).map((email) => `<li>${escape(email)}</li>`).join('');
  return page('ProConnect (fournisseur local de démonstration)', `
${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
  <p><label for="email">Adresse électronique professionnelle</label><br><input id="email" name="email" type="email" autocomplete="email" required></p>
  <p><label for="password">Mot de passe</label><br><input id="password" name="password" type="password" autocomplete="current-password" required></p>
  <p><button type="submit">Se connecter</button></p>
</form>
<h2>Comptes disponibles</h2><ul>${names}</ul>`);
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

function send(res, status, html, type = 'text/html; charset=utf-8') {
  res.writeHead(status, { 'Content-Type': type });
  res.end(html);
}

async function interaction(provider, req, res) {
  const [, , uid, action] = req.url.split('?')[0].split('/');
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return send(res, 400, page('Erreur', '<p>Interaction inconnue.</p>'));
  if (req.method === 'GET') return send(res, 200, loginPage(uid));
  if (req.method === 'POST' && action === 'login') {
    const form = await readForm(req);
    const email = (form.get('email') || '').trim().toLowerCase();
    const account = accounts[email];
    if (!account || (account.password && account.password !== form.get('password'))) {
      return send(res, 400, loginPage(uid, 'Adresse électronique ou mot de passe incorrect.'));
    }
    const result = { login: { accountId: subFor(email), amr: account.amr || ['pwd'], acr: 'eidas1' } };
    return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  }
  return send(res, 405, page('Erreur', '<p>Méthode non permise.</p>'));
}

const server = http.createServer();
server.listen(Number(env.PROVIDER_PORT || 0), '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}${PREFIX}`;
  const provider = new Provider(issuer, configuration);
  const callback = provider.callback();
  server.on('request', async (req, res) => {
    try {
      if (req.url.startsWith(`${PREFIX}/jwks`) && publishedOtherKey) {
        return send(res, 200, JSON.stringify({ keys: [otherKey] }), 'application/jwk-set+json');
      }
      if (req.url.startsWith(`${PREFIX}/`)) {
        req.originalUrl = req.url;
        req.url = req.url.slice(PREFIX.length);
        return callback(req, res);
      }
      if (req.url.startsWith('/interaction/')) return await interaction(provider, req, res);
      if (controls && req.method === 'POST' && req.url === '/__control/expire-codes') {
        expireCodes();
        return send(res, 204, '');
      }
      if (controls && req.method === 'POST' && req.url === '/__control/accounts') {
        let body = '';
        for await (const chunk of req) body += chunk;
        addAccounts(JSON.parse(body));
        return send(res, 204, '');
      }
      if (controls && req.method === 'POST' && req.url === '/__control/other-key') {
        publishedOtherKey = true;
        return send(res, 204, '');
      }
      return send(res, 404, page('Introuvable', '<p>Cette page n\'existe pas.</p>'));
    } catch (error) {
      console.error(error);
      return send(res, 500, page('Erreur', `<p>${escape(error.message)}</p>`));
    }
  });
  console.log(JSON.stringify({ issuer, port }));
});

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));

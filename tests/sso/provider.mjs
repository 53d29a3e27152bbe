// provider.mjs — the OpenID providers of the sso tests, on loopback.
//
//   node provider.mjs CONFIG.json
//
// 1. A real OpenID provider: the npm package oidc-provider, with one static
//    client (client_secret_basic, PKCE required), its development
//    interactions (a login form that takes any name, then a consent form)
//    and an account function giving each name the claims CONFIG lists
//    (e-mail, groups). The happy path and a replayed code go through it.
// 2. A tiny issuer of our own ("fake"): discovery, a JWKS, an authorization
//    endpoint that answers at once with a code, and a token endpoint that
//    signs an ID token with keys this script holds, shaped by the mode set
//    with GET /mode?m=... (ok, es256, forged, wrong-aud, expired, future-iat,
//    no-nonce, wrong-nonce, alg-none, hs256, unknown-kid, wrong-iss). GET /rotate
//    replaces the RSA key by a new one (a key rotation). It exists so that the tests can hand isms tokens
//    the real provider would never sign.
//
// CONFIG: {"port", "fakePort", "clientId", "clientSecret", "redirectUris": [...],
//          "accounts": {"NAME": {"email": ..., "groups": [...]}}}
// Prints "ready" on stdout once both listen.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import Provider from 'oidc-provider';

const cfg = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const issuer = `http://127.0.0.1:${cfg.port}`;

const signing = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const providerJwk = { ...signing.privateKey.export({ format: 'jwk' }), kid: 'real-1', use: 'sig', alg: 'RS256' };

const provider = new Provider(issuer, {
  clients: [{
    client_id: cfg.clientId,
    client_secret: cfg.clientSecret,
    redirect_uris: cfg.redirectUris,
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [providerJwk] },
  cookies: { keys: ['sso-test-cookie-key'] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['preferred_username', 'name'],
    groups: ['groups'],
  },
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, sub) {
    const a = cfg.accounts[sub] || {};
    return {
      accountId: sub,
      async claims() {
        return {
          sub,
          preferred_username: sub,
          name: sub,
          email: a.email || `${sub}@example.org`,
          email_verified: a.email_verified !== false,
          groups: a.groups || [],
        };
      },
    };
  },
});
provider.on('server_error', (ctx, err) => console.error('provider error', err));

// ---- the tiny issuer ---------------------------------------------------------
const fakeIssuer = `http://127.0.0.1:${cfg.fakePort}`;
const rsa1 = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsa2 = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaHidden = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec1 = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pub = (k, kid, alg) => ({ ...k.publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg });
let published = [pub(rsa1, 'r1', 'RS256'), pub(ec1, 'e1', 'ES256')];
let mode = 'ok';
let current = { key: rsa1, kid: 'r1' }; // the RSA key tokens are signed with; /rotate makes it r2
let jwksFetches = 0;
const codes = new Map();

const b64u = (buf) => Buffer.from(buf).toString('base64url');

function sign(header, claims, key, kind) {
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(claims))}`;
  let sig;
  if (kind === 'none') sig = Buffer.alloc(0);
  else if (kind === 'hs') sig = crypto.createHmac('sha256', cfg.clientSecret).update(input).digest();
  else if (kind === 'ec') sig = crypto.sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  else sig = crypto.sign('sha256', Buffer.from(input), key.privateKey);
  return `${input}.${b64u(sig)}`;
}

function idToken(entry) {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: fakeIssuer, aud: cfg.clientId, sub: `fake-${entry.user}`, iat: now, exp: now + 300,
    nonce: entry.nonce, email: `${entry.user}@example.org`, email_verified: true,
    preferred_username: entry.user, groups: (cfg.accounts[entry.user] || {}).groups || [],
  };
  let header = { alg: 'RS256', typ: 'JWT', kid: current.kid };
  let key = current.key, kind = 'rsa';
  switch (mode) {
    case 'es256': header = { alg: 'ES256', typ: 'JWT', kid: 'e1' }; key = ec1; kind = 'ec'; break;
    case 'wrong-aud': claims.aud = 'some-other-client'; break;
    case 'expired': claims.exp = now - 3600; claims.iat = now - 7200; break;
    case 'future-iat': claims.iat = now + 3600; claims.exp = now + 7200; break;
    case 'no-nonce': delete claims.nonce; break;
    case 'wrong-nonce': claims.nonce = 'not-the-nonce-that-was-sent'; break;
    case 'alg-none': header = { alg: 'none', typ: 'JWT' }; kind = 'none'; break;
    case 'hs256': header = { alg: 'HS256', typ: 'JWT' }; kind = 'hs'; break;
    case 'unknown-kid': header.kid = 'hidden'; key = rsaHidden; break;
    case 'wrong-iss': claims.iss = 'http://127.0.0.1:1'; break;
    default: break;
  }
  let t = sign(header, claims, key, kind);
  if (mode === 'forged') {
    // the claims changed after signing: the signature no longer fits
    const [h, , s] = t.split('.');
    const changed = { ...claims, groups: ['isms-admins'], sub: 'fake-admin' };
    t = `${h}.${b64u(JSON.stringify(changed))}.${s}`;
  }
  return t;
}

function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

const fake = http.createServer((req, res) => {
  const u = new URL(req.url, fakeIssuer);
  if (u.pathname === '/.well-known/openid-configuration') {
    return send(res, 200, {
      issuer: fakeIssuer,
      authorization_endpoint: `${fakeIssuer}/auth`,
      token_endpoint: `${fakeIssuer}/token`,
      jwks_uri: `${fakeIssuer}/jwks`,
      code_challenge_methods_supported: ['S256'],
    });
  }
  if (u.pathname === '/jwks') { jwksFetches++; return send(res, 200, { keys: published }); }
  if (u.pathname === '/mode') { mode = u.searchParams.get('m'); return send(res, 200, { mode }); }
  if (u.pathname === '/stats') return send(res, 200, { jwksFetches });
  if (u.pathname === '/rotate') {
    published = [pub(rsa2, 'r2', 'RS256'), pub(ec1, 'e1', 'ES256')];
    current = { key: rsa2, kid: 'r2' };
    return send(res, 200, { rotated: true });
  }
  if (u.pathname === '/auth') {
    const code = crypto.randomBytes(16).toString('hex');
    codes.set(code, {
      nonce: u.searchParams.get('nonce'), challenge: u.searchParams.get('code_challenge'),
      user: u.searchParams.get('login_hint') || 'alice', redirect: u.searchParams.get('redirect_uri'),
    });
    const to = new URL(u.searchParams.get('redirect_uri'));
    to.searchParams.set('code', code);
    to.searchParams.set('state', u.searchParams.get('state'));
    res.writeHead(303, { Location: to.toString() });
    return res.end();
  }
  if (u.pathname === '/token' && req.method === 'POST') {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      const p = new URLSearchParams(body);
      const entry = codes.get(p.get('code'));
      codes.delete(p.get('code'));
      const auth = Buffer.from((req.headers.authorization || '').replace(/^Basic /, ''), 'base64').toString();
      if (auth !== `${cfg.clientId}:${cfg.clientSecret}`) return send(res, 401, { error: 'invalid_client' });
      if (!entry) return send(res, 400, { error: 'invalid_grant', error_description: 'unknown or used code' });
      const s256 = b64u(crypto.createHash('sha256').update(p.get('code_verifier') || '').digest());
      if (s256 !== entry.challenge) return send(res, 400, { error: 'invalid_grant', error_description: 'PKCE verification failed' });
      return send(res, 200, { access_token: 'fake-access', token_type: 'Bearer', expires_in: 300, id_token: idToken(entry) });
    });
    return undefined;
  }
  return send(res, 404, { error: 'not_found' });
});

let up = 0;
const ready = () => { if (++up === 2) console.log('ready'); };
provider.listen(cfg.port, '127.0.0.1', ready);
fake.listen(cfg.fakePort, '127.0.0.1', ready);

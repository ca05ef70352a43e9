/**
 * Bearer-token authentication for the MCP HTTP endpoints (MCP 2025-11-25, basic/authorization): static tokens from
 * config, each with a subject and scopes, and JWTs verified with `jose` against a configured issuer, audience and
 * keys (a JWKS URL or a public key file). The SDK's web-standard `requireBearerAuth` gate answers 401/403 with
 * WWW-Authenticate; per-tool scope challenges come from each tool's `scopeChallenge`.
 */
import { readFileSync } from 'node:fs';
import { createPublicKey, timingSafeEqual } from 'node:crypto';
import {
  bearerAuthChallengeResponse,
  OAuthError,
  OAuthErrorCode,
  type AuthInfo,
  type OAuthTokenVerifier,
  type ScopeChallenge,
} from '@modelcontextprotocol/server';
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type KeyObject } from 'jose';
import type { McpAuthConfig } from '../../shared/config';

/** Reading tools needs the first; tools that change state need the second as well. */
export const READ_SCOPE = 'tools.read';
export const WRITE_SCOPE = 'tools.write';

/** Static tokens never expire on their own; the SDK wants an expiry, so they get one far ahead. */
const STATIC_TOKEN_LIFETIME_S = 365 * 24 * 3600;

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function scopesOf(payload: JWTPayload): string[] {
  const scope = payload.scope ?? payload.scp;
  if (typeof scope === 'string') return scope.split(' ').filter(Boolean);
  if (Array.isArray(scope)) return scope.filter((s): s is string => typeof s === 'string');
  return [];
}

export function createTokenVerifier(auth: McpAuthConfig, resource: string): OAuthTokenVerifier {
  let keys: JWTVerifyGetKey | KeyObject | undefined;
  if (auth.jwt?.jwksUrl) keys = createRemoteJWKSet(new URL(auth.jwt.jwksUrl));
  else if (auth.jwt?.publicKeyFile)
    keys = createPublicKey(readFileSync(auth.jwt.publicKeyFile)) as unknown as KeyObject;

  return {
    async verifyAccessToken(token: string): Promise<AuthInfo> {
      const known = auth.staticTokens.find((t) => sameSecret(t.token, token));
      if (known) {
        return {
          token,
          clientId: known.subject,
          scopes: known.scopes,
          expiresAt: Math.floor(Date.now() / 1000) + STATIC_TOKEN_LIFETIME_S,
          extra: { subject: known.subject, kind: 'static' },
        };
      }
      if (!auth.jwt || !keys) throw new OAuthError(OAuthErrorCode.InvalidToken, 'Unknown token');
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keys as JWTVerifyGetKey, {
          issuer: auth.jwt.issuer,
          audience: auth.jwt.audience ?? resource,
          requiredClaims: ['sub', 'exp'],
        }));
      } catch (err) {
        throw new OAuthError(OAuthErrorCode.InvalidToken, `Invalid token: ${(err as Error).message}`);
      }
      // jose checks that `sub` is present, not its type: a number or object would leave the caller unnamed (anon).
      if (typeof payload.sub !== 'string' || payload.sub === '')
        throw new OAuthError(OAuthErrorCode.InvalidToken, 'Invalid token: the sub claim must be a non-empty string');
      return {
        token,
        clientId: String(payload.client_id ?? payload.azp ?? payload.sub),
        scopes: scopesOf(payload),
        expiresAt: payload.exp,
        extra: { subject: payload.sub, kind: 'jwt' },
      };
    },
  };
}

/**
 * Who is calling, for the records in Temporal and the caller scope: a static token's subject as configured (config
 * refuses one with ':'), a JWT's as `jwt:<sub>`, so a JWT subject can never equal a static one and share its tenant.
 */
export function callerOfToken(authInfo: AuthInfo | undefined): string | undefined {
  const subject = authInfo?.extra?.subject;
  if (typeof subject !== 'string') return undefined;
  return authInfo?.extra?.kind === 'jwt' ? `jwt:${subject}` : subject;
}

/**
 * The step-up challenge for a request that changes state (beyond a tool call: ending or opening a session, cancelling
 * a task) from a token without the write scope; `action` completes "… and needs the tools.write scope". Without auth,
 * none.
 */
export function writeScopeChallenge(authInfo: AuthInfo | undefined, action: string): ScopeChallenge | undefined {
  if (!authInfo || authInfo.scopes.includes(WRITE_SCOPE)) return undefined;
  return { scopes: [READ_SCOPE, WRITE_SCOPE], errorDescription: `${action} and needs the ${WRITE_SCOPE} scope` };
}

/** A scope challenge as the HTTP 403 the SDK answers a tool's with (WWW-Authenticate insufficient_scope). */
export function scopeChallengeResponse(challenge: ScopeChallenge, authInfo: AuthInfo | undefined): Response {
  return bearerAuthChallengeResponse(
    new OAuthError(OAuthErrorCode.InsufficientScope, challenge.errorDescription ?? 'Insufficient scope'),
    { requiredScopes: [...challenge.scopes], resourceMetadataUrl: authInfo?.resourceMetadataUrl },
  );
}

/** RFC 9728 Protected Resource Metadata for one MCP endpoint. */
export function protectedResourceMetadata(auth: McpAuthConfig, resource: string) {
  return {
    resource,
    ...(auth.jwt ? { authorization_servers: [auth.jwt.issuer] } : {}),
    scopes_supported: [READ_SCOPE, WRITE_SCOPE],
    bearer_methods_supported: ['header'],
    resource_name: 'durable-mcp-agents',
  };
}

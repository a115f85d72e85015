import cors from 'cors';
import type { Request, RequestHandler, Response } from 'express';
import helmet, { contentSecurityPolicy } from 'helmet';

/**
 * Helmet's headers everywhere. The API answers JSON, so its Content-Security-Policy allows
 * nothing; the Sandbox landing page (only where it is on) loads Apollo's scripts, styles and
 * frames from their CDN. The page also sets its own nonce-based policy in a meta tag: a browser
 * enforces both, so ours only has to let through what that one allows.
 *
 * None of these policies depends on the request (no nonce), so helmet runs once, here, and each
 * request gets the headers it wrote: one step instead of a dozen middleware calls per request.
 */
export function useSecurityHeaders(options: { landingPage: boolean }): RequestHandler[] {
  const apiPolicy = contentSecurityPolicy({
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
  });
  const apollo = ['https://*.cdn.apollographql.com'];
  const landingPagePolicy = contentSecurityPolicy({
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", "'unsafe-inline'", ...apollo],
      styleSrc: ["'self'", "'unsafe-inline'", ...apollo, 'https://fonts.googleapis.com'],
      fontSrc: ["'self'", 'https://fonts.gstatic.com', ...apollo],
      imgSrc: ["'self'", 'data:', ...apollo],
      manifestSrc: ["'self'", ...apollo],
      frameSrc: ["'self'", 'https://sandbox.embed.apollographql.com', 'https://explorer.embed.apollographql.com'],
      connectSrc: ["'self'", 'https://*.apollographql.com'],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
  });
  const common = headersWrittenBy(helmet({ contentSecurityPolicy: false }));
  const api = [...common, ...headersWrittenBy(apiPolicy)];
  const landingPage = [...common, ...headersWrittenBy(landingPagePolicy)];
  const securityHeaders: RequestHandler = (req, res, next) => {
    for (const [name, value] of options.landingPage && wantsLandingPage(req) ? landingPage : api) res.setHeader(name, value);
    next();
  };
  return [securityHeaders];
}

/**
 * The headers a request-independent middleware sets, by running it once on a stand-in response.
 * Helmet also removes X-Powered-By, which create-gateway.ts turns off in Express itself.
 */
export function headersWrittenBy(middleware: (req: Request, res: Response, next: (error?: unknown) => void) => void): [string, string][] {
  const headers: [string, string][] = [];
  const response = {
    setHeader: (name: string, value: string | number | readonly string[]) => void headers.push([name, String(value)]),
    removeHeader: () => undefined,
  };
  let error: unknown;
  middleware({ method: 'GET', headers: {} } as Request, response as unknown as Response, (failure) => (error = failure));
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return headers;
}

/** Apollo serves the landing page to a GET that prefers HTML. */
function wantsLandingPage(req: Request): boolean {
  return req.method === 'GET' && req.accepts(['application/json', 'text/html']) === 'text/html';
}

/**
 * Browsers may call the API from the configured origins only (`*`: any). Credentials travel
 * in headers (Authorization, x-api-key), never cookies, so no origin gets credentialed CORS.
 */
export function useCors(options: { origins: readonly string[] }): RequestHandler {
  const anyOrigin = options.origins.includes('*');
  const allowed = new Set(options.origins);
  return cors({
    origin: (origin, callback) => callback(null, origin !== undefined && (anyOrigin || allowed.has(origin))),
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['content-type', 'authorization', 'x-api-key', 'x-request-id', 'apollo-require-preflight', 'x-apollo-operation-name'],
    exposedHeaders: ['x-request-id', 'retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'],
    maxAge: 600,
  });
}

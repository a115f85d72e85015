import { z } from 'zod';

const int = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback);
const list = z
  .string()
  .optional()
  .transform((value) =>
    value === undefined
      ? undefined
      : value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
  );
const flag = z
  .enum(['true', 'false', '1', '0'])
  .optional()
  .transform((value) => (value === undefined ? undefined : value === 'true' || value === '1'));

/**
 * Express's `trust proxy`: `false` (the socket's address is the client's), `true` (the left-most
 * X-Forwarded-For entry; only behind a proxy that overwrites the header), a number of proxy hops,
 * or addresses and subnets of the proxies (`loopback, 10.0.0.0/8`).
 */
export type TrustProxy = boolean | number | string[];

const trustProxy = z
  .string()
  .optional()
  .transform((value): TrustProxy => {
    const text = (value ?? 'false').trim();
    if (text === 'false' || text === '') return false;
    if (text === 'true') return true;
    if (/^\d+$/.test(text)) return Number(text);
    return text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  });

/** The gateway's edge settings, parsed with the rest of the environment (load-config.ts). */
export const edgeEnvironment = {
  CORS_ORIGINS: list,
  TRUST_PROXY: trustProxy,
  INTROSPECTION_ENABLED: flag,
  OPERATIONS_MANIFEST_PATH: z.string().optional(),
  APQ_TTL_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(24 * 3600),
  CDN_MAX_AGE_SECONDS: int(5),
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(256 * 1024),
  MAX_QUERY_DEPTH: int(10),
  MAX_QUERY_COST: int(5_000),
  MAX_ALIASES: int(30),
  MAX_ROOT_FIELDS: int(20),
  MAX_TOKENS: int(2_000),
  COST_DEFAULT_LIST_SIZE: z.coerce.number().int().positive().default(20),
  REQUEST_TIMEOUT_MS: int(15_000),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().positive().default(60),
  RATE_LIMIT_PER_ADDRESS: int(1_200),
  RATE_LIMIT_PER_USER: int(600),
  RATE_LIMIT_PER_PARTNER_KEY: int(1_200),
  SIGN_IN_RATE_LIMIT_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(15 * 60),
  SIGN_IN_RATE_LIMIT_PER_ADDRESS: int(30),
  SIGN_IN_RATE_LIMIT_PER_EMAIL: int(10),
};

type EdgeEnvironment = z.output<z.ZodObject<typeof edgeEnvironment>>;

export interface RateLimitBudget {
  /** Requests allowed per window; 0 turns this budget off. */
  points: number;
  windowSeconds: number;
}

/** Thresholds that refuse an operation before any subgraph is called; 0 turns one off. */
export interface OperationLimits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  maxRootFields: number;
  maxTokens: number;
  /** What a list without a page-size argument (or default) weighs in the cost. */
  defaultListSize: number;
}

export interface EdgeConfig {
  /** Origins allowed to call the API from a browser; `*` allows any. */
  corsOrigins: string[];
  trustProxy: TrustProxy;
  /** Introspection and the Sandbox landing page for everyone (platform admins always have introspection). */
  introspection: boolean;
  /** The trusted documents' manifest; schema/operations/manifest.json when unset. */
  operationsManifestPath?: string;
  apq: {
    ttlSeconds: number;
    /** `Cache-Control: public, max-age` of a successful GET query sent without credentials; 0: never cacheable. */
    cdnMaxAgeSeconds: number;
  };
  maxBodyBytes: number;
  /** Per request; subgraph calls still running then are aborted. 0: no limit. */
  requestTimeoutMs: number;
  limits: OperationLimits;
  rateLimits: {
    perAddress: RateLimitBudget;
    perUser: RateLimitBudget;
    perPartnerKey: RateLimitBudget;
    signInPerAddress: RateLimitBudget;
    signInPerEmail: RateLimitBudget;
  };
}

/**
 * Apollo Sandbox, embedded in the development landing page, sends its requests from these
 * origins: allowed by default where the landing page is on.
 */
export const sandboxOrigins = ['https://sandbox.embed.apollographql.com', 'https://studio.apollographql.com'];

export function edgeConfig(e: EdgeEnvironment, nodeEnv: 'development' | 'test' | 'production'): EdgeConfig {
  const introspection = e.INTROSPECTION_ENABLED ?? nodeEnv !== 'production';
  const window = e.RATE_LIMIT_WINDOW_SECONDS;
  const signInWindow = e.SIGN_IN_RATE_LIMIT_WINDOW_SECONDS;
  return {
    corsOrigins: e.CORS_ORIGINS ?? (nodeEnv === 'development' ? sandboxOrigins : []),
    trustProxy: e.TRUST_PROXY,
    introspection,
    operationsManifestPath: e.OPERATIONS_MANIFEST_PATH,
    apq: { ttlSeconds: e.APQ_TTL_SECONDS, cdnMaxAgeSeconds: e.CDN_MAX_AGE_SECONDS },
    maxBodyBytes: e.MAX_BODY_BYTES,
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    limits: {
      maxDepth: e.MAX_QUERY_DEPTH,
      maxCost: e.MAX_QUERY_COST,
      maxAliases: e.MAX_ALIASES,
      maxRootFields: e.MAX_ROOT_FIELDS,
      maxTokens: e.MAX_TOKENS,
      defaultListSize: e.COST_DEFAULT_LIST_SIZE,
    },
    rateLimits: {
      perAddress: { points: e.RATE_LIMIT_PER_ADDRESS, windowSeconds: window },
      perUser: { points: e.RATE_LIMIT_PER_USER, windowSeconds: window },
      perPartnerKey: { points: e.RATE_LIMIT_PER_PARTNER_KEY, windowSeconds: window },
      signInPerAddress: { points: e.SIGN_IN_RATE_LIMIT_PER_ADDRESS, windowSeconds: signInWindow },
      signInPerEmail: { points: e.SIGN_IN_RATE_LIMIT_PER_EMAIL, windowSeconds: signInWindow },
    },
  };
}

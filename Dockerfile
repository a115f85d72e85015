# WaitLessQ: one image for the gateway, the four subgraphs and the workers, plus a migration image.
#
#   docker build --target runtime --build-arg SERVICE=gateway -t waitlessq:latest .
#   docker build --target runtime --build-arg SERVICE=workers -t waitlessq-workers:latest .
#   docker build --target migrate -t waitlessq-migrate:latest .
#
# SERVICE is gateway | user | business | queue | pwa | workers. It only sets the default of
# SERVICE_DIR (/app/services/<name>, a link to gateway/, subgraphs/<name>/ or workers/); every
# image holds all six services, so one image can run any of them by overriding SERVICE_DIR at
# run time, e.g.
#   docker run -e SERVICE_DIR=/app/services/queue ... waitlessq:latest
# Everything up to the SERVICE argument is shared, so building all six costs one build. The
# workers (background jobs on BullMQ) need REDIS_URL and DATABASE_URL like the subgraphs.
#
# Stages: manifests -> deps (npm ci) -> build (npm run build) -> migrate (target)
#                                                           \-> prod-deps (npm prune) -> runtime (target, default)
# Works with BuildKit and with the legacy builder (no RUN --mount).

FROM node:24-bookworm-slim AS base
WORKDIR /app

# --- manifests: package.json files, lockfile and .npmrc only ---------------------------------
# Copying them by name would break whenever a workspace is added; this stage re-runs on every
# source change, but its output only changes with the manifests, so the `npm ci` layer below
# stays cached until a dependency changes.
FROM base AS manifests
COPY . /src
RUN mkdir /manifests \
 && cd /src \
 && find . -maxdepth 3 -type f \( -name package.json -o -name package-lock.json -o -name .npmrc \) \
      -not -path '*/node_modules/*' -print \
    | tar -cf - -T - | tar -xf - -C /manifests

# --- deps: every dependency, dev included (TypeScript, turbo, the Prisma CLI) -----------------
FROM base AS deps
ENV TURBO_TELEMETRY_DISABLED=1 \
    CHECKPOINT_DISABLE=1 \
    PRISMA_HIDE_UPDATE_MESSAGE=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false
COPY --from=manifests /manifests/ ./
# --ignore-scripts: no dependency needs its install script, and @prisma/engines' postinstall would
# try to download the native schema engine that the offline wrapper replaces with the WebAssembly
# one (a local npm 11 install leaves unapproved install scripts unrun too).
RUN npm ci --ignore-scripts --no-audit --no-fund

# --- build: every workspace to dist/ ----------------------------------------------------------
# The database package's build runs `prisma generate` through packages/prisma-offline (the
# WebAssembly schema engine), so nothing is downloaded here besides the npm packages above.
FROM deps AS build
COPY . .
RUN npm run build \
 && rm -rf .turbo node_modules/.cache

# --- migrate: `prisma migrate deploy` against DATABASE_URL (needs the dev dependency prisma) ---
FROM build AS migrate
USER 1000:1000
CMD ["npm", "run", "migrate:deploy"]

# --- prod-deps: the built tree without dev dependencies ---------------------------------------
FROM build AS prod-deps
RUN npm prune --omit=dev --no-audit --no-fund \
 && mkdir services \
 && ln -s ../gateway services/gateway \
 && ln -s ../workers services/workers \
 && for name in user business queue pwa; do ln -s "../subgraphs/$name" "services/$name"; done

# --- runtime: production dependencies only, non-root -----------------------------------------
FROM base AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0
# The pwa service draws icon initials and the door's QR poster text with sharp, through fontconfig.
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
# Owned by root: the service user can read the code but not modify it.
COPY --from=prod-deps /app /app
# 1000 is the image's `node` user; numeric so Kubernetes runAsNonRoot can verify it.
USER 1000:1000

# Declared last so the layers above are shared by the six services.
ARG SERVICE=gateway
ENV SERVICE_DIR=/app/services/${SERVICE}
RUN test -f "$SERVICE_DIR/dist/main.js" \
 || { echo "SERVICE=${SERVICE}: no $SERVICE_DIR/dist/main.js (use gateway, user, business, queue, pwa or workers)" >&2; exit 1; }

# gateway 4000, user 4001, business 4002, queue 4003, pwa 4004, workers 4005 (PORT overrides;
# the workers' port serves /health, /ready and /metrics only).
EXPOSE 4000-4005
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "/app/deploy/docker/healthcheck.js", "/health"]
# exec: node is PID 1 and receives SIGTERM itself (the services drain and exit on it; the
# workers finish their jobs in flight first).
CMD ["/bin/sh", "-c", "exec node \"$SERVICE_DIR/dist/main.js\""]

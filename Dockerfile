# Images for docker-compose.yml (users' machines; this repository's CI has no Docker engine).
FROM node:20-bookworm-slim AS base
WORKDIR /app
RUN npm install -g pnpm@10.34.9
COPY . .
RUN pnpm install --frozen-lockfile

FROM base AS web-build
RUN pnpm --filter @ops/web build

FROM nginx:1.27-alpine AS web
COPY --from=web-build /app/apps/web/dist /usr/share/nginx/html
COPY deploy/nginx.conf /etc/nginx/conf.d/default.conf

FROM base AS app
# Backups and runbook commands: pg_dump/pg_restore (PostgreSQL 15 like the compose database), redis-cli,
# redis-server and redis-check-rdb (Redis restores and checks), tar.
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client-15 redis-tools redis-server tar && rm -rf /var/lib/apt/lists/*
ENV HOST=0.0.0.0 NODE_ENV=production
# The processes run compiled JavaScript like `npm start` runs it (scripts/build.mjs: one esbuild bundle per app in
# apps/<app>/dist/main.js, source maps kept so stack traces name the .ts lines), with the flags of NODE_ARGS in
# scripts/build.mjs; docker-compose.yml picks the app.
RUN node scripts/build.mjs --force
CMD ["node", "--enable-source-maps", "apps/api/dist/main.js"]

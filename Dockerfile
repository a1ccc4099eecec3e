# The app image, in three stages:
# - build: every dependency (TypeScript, esbuild, Vite), then `npm run build`: the server compiled
#   into dist/ and the web client into web/dist;
# - deps: the production dependencies only (`npm ci --omit=dev`: no tsx, esbuild, Vite or codegen);
# - runtime: those node_modules, dist/, web/dist and schema.graphql (the server builds its schema
#   from that file at start), on the slim base. Migrations run at start-up; no compiler is needed.
# better-sqlite3 and argon2 compile from source when no prebuilt binary fits: the full node:20
# image (build and deps stages) has the toolchain, and the runtime shares its Debian release.
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000
COPY package.json ./
COPY schema.graphql ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
EXPOSE 4000
CMD ["node", "dist/server.js"]

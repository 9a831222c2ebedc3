# syntax=docker/dockerfile:1
# wecom-gate in a container: the first stage builds the server (npm run build → dist/), the second
# runs the built server with production dependencies only, as the unprivileged `node` user.
# Configuration comes from the environment (compose.yaml passes .env through); see
# docs/operations.md, "Containers".

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json tsconfig.json ./
COPY server ./server
COPY miniprogram ./miniprogram
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
# Ready when the server and its store answer (GET /readyz); node's fetch, as the image has no curl.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The heap cap keeps RSS near the working set; the objects of each request stay in the young
# generation (docs/operations.md, "Memory").
CMD ["node", "--max-old-space-size=96", "--no-allocation-site-pretenuring", "dist/server/src/index.js"]

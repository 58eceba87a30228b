# redis-lint admission webhook image: `redis-lint serve` on HTTPS port 8443.
#   docker build -t registry.example.com/platform/redis-lint:0.1.0 .
# The runtime stage holds what `npm pack` ships (bin/, dist/, policies/, package.json, README.md) and
# the production dependencies only; test/package/pack.test.ts installs that same set from the
# packed tarball into an empty directory and starts `serve` from it (no Docker engine in CI).

# ---- build: compile TypeScript, then drop the dev dependencies ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before src/ is copied (no dependency has an install script)
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json ./
COPY src ./src
COPY scripts/bundle.mjs ./scripts/bundle.mjs
COPY policies ./policies
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# ---- runtime ----
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY policies ./policies
COPY data ./data
COPY README.md ./README.md
# 65532: the conventional "nonroot" uid/gid (distroless); numeric, so runAsNonRoot can verify it.
USER 65532:65532
EXPOSE 8443
ENTRYPOINT ["node", "bin/redis-lint.js", "serve"]
# The paths where manifests/base/deployment.yaml mounts the cert-manager Secret
# (redis-lint-webhook-tls). The Deployment passes its own args, which replace these.
CMD ["--tls-cert-file", "/etc/redis-lint/tls/tls.crt", "--tls-private-key-file", "/etc/redis-lint/tls/tls.key", "--port", "8443"]

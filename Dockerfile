# One image for the apps (and the CLI); docker-compose.yml picks the command.
#   docker build -t tessera .
#   docker run tessera                                   → the token service
#   docker run tessera node dist/apps/login-ui/apps/login-ui/src/main.js
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary fits.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json nest-cli.json ./
COPY libs ./libs
COPY apps ./apps
RUN npm run build && npm prune --omit=dev
# The password policy's list of common passwords (and its licence) travels in dist/, next to the
# login UI and the CLI that read it (nest-cli.json assets): an image without it would not start.
RUN test -s dist/apps/login-ui/apps/login-ui/assets/common-passwords.txt \
 && test -s dist/apps/login-ui/apps/login-ui/assets/common-passwords.NOTICE \
 && test -s dist/apps/cli/apps/login-ui/assets/common-passwords.txt

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# DATA_DIR (./data) holds the SQLite file when no DATABASE_URL is given.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000 3001 3002 3100
CMD ["node", "dist/apps/token-service/apps/token-service/src/main.js"]

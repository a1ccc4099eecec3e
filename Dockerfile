# The app image: `npm run build` compiles the server into dist/ and the web client into web/dist.
FROM node:20-bookworm

WORKDIR /app
# better-sqlite3 and argon2 compile from source here (see ../shared/STACK.md); node:20 has the toolchain
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000
EXPOSE 4000
CMD ["node", "dist/server.js"]

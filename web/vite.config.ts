import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import solid from 'vite-plugin-solid'

const root = fileURLToPath(new URL('.', import.meta.url))

// Run from the repository root with `--config web/vite.config.ts`; everything resolves from web/.
export default defineConfig({
  root,
  // the GraphiQL entry is React written without JSX (.ts): keep Solid's compiler away from it
  plugins: [solid({ exclude: ['**/src/graphiql/**'] })],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
    rolldownOptions: {
      // GraphiQL's React dependencies carry "use client" directives that mean nothing in a plain bundle
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return
        warn(warning)
      },
      input: {
        main: fileURLToPath(new URL('./index.html', import.meta.url)),
        graphiql: fileURLToPath(new URL('./graphiql.html', import.meta.url)),
      },
    },
  },
  server: {
    port: Number(process.env.WEB_PORT ?? 5173),
    proxy: {
      '/graphql': { target: process.env.API_URL ?? 'http://127.0.0.1:4000', ws: true, changeOrigin: true },
      '/health': { target: process.env.API_URL ?? 'http://127.0.0.1:4000', changeOrigin: true },
      // Host kept as the page's: the API hands socket tickets only to its own origin
      '/ws-ticket': { target: process.env.API_URL ?? 'http://127.0.0.1:4000', changeOrigin: false },
    },
  },
})

import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

const THEME_COLOR = '#0f5132';

export default defineConfig({
  plugins: [
    react(),
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      includeManifestIcons: false,
      manifest: {
        id: '/',
        name: 'Fieldbook: offline-first CRM',
        short_name: 'Fieldbook',
        description: 'Prospects, follow-ups and templates that work with or without signal.',
        start_url: '/today?source=pwa',
        scope: '/',
        display: 'standalone',
        orientation: 'any',
        background_color: '#f6f7f4',
        theme_color: THEME_COLOR,
        icons: [
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
        shortcuts: [
          { name: 'Quick add', short_name: 'Add', url: '/contacts/new?source=shortcut', icons: [{ src: '/icon-192.png', sizes: '192x192' }] },
          { name: 'Today', short_name: 'Today', url: '/today?source=shortcut', icons: [{ src: '/icon-192.png', sizes: '192x192' }] },
        ],
      },
      // A service worker of our own (src/sw.ts) for push notifications; it keeps what the generated one did:
      // the precached app shell, the navigation fallback to /index.html, outdated caches removed, and the
      // 'prompt' update flow (a new version waits for SKIP_WAITING).
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      injectManifest: {
        // App shell only: data lives in IndexedDB, and Supabase API/auth responses are never cached.
        globPatterns: ['**/*.{js,css,html,svg,png,woff2}'],
        // One classic script, as the generated worker was (registered without type: 'module').
        rollupFormat: 'iife',
      },
      // The worker's own Vite build prints only warnings and errors; the plugin still reports the precache.
      integration: {
        configureCustomSWViteBuild(config) {
          config.logLevel = 'warn';
        },
      },
    }),
  ],
  define: {
    __BUILD_ID__: JSON.stringify(process.env.FIELDBOOK_BUILD_ID ?? new Date().toISOString()),
  },
  build: {
    target: 'es2022',
    sourcemap: false,
    rolldownOptions: {
      output: {
        // Everything the start screen loads in one chunk: left to itself, the bundler splits the modules
        // that lazy screens share with it into many small chunks, and each costs its own gzip overhead.
        codeSplitting: { groups: [{ name: 'app', tags: ['$initial'] }] },
      },
    },
  },
});

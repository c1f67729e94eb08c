/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import AutoImport from 'unplugin-auto-import/vite'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

// Element Plus components and their styles are imported where used, not as a
// whole; ECharts goes into its own chunk, loaded by the pages that chart.
export default defineConfig({
  plugins: [
    vue(),
    AutoImport({ resolvers: [ElementPlusResolver()], dts: false }),
    Components({ resolvers: [ElementPlusResolver()], dts: false }),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 900,
    rollupOptions: {
      output: {
        manualChunks(id) {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'echarts'
          if (id.includes('node_modules/element-plus') || id.includes('node_modules/@element-plus')) return 'element-plus'
          if (id.includes('node_modules/vue') || id.includes('node_modules/@vue') || id.includes('node_modules/pinia')) return 'vue'
        },
      },
    },
  },
  server: {
    // `ZLC_API=http://127.0.0.1:8099 npm exec -- vite` to develop against another server.
    // The Host header is kept: the server accepts a write only from its own origin.
    proxy: { '/api': { target: process.env.ZLC_API || 'http://127.0.0.1:8080', changeOrigin: false } },
    // tests/labels.test.ts reads the domain's vocabularies from its Rust source.
    fs: { allow: ['.', '../crates/zlc-domain/src'] },
  },
  test: {
    environment: 'happy-dom',
    include: ['tests/**/*.test.ts'],
  },
})

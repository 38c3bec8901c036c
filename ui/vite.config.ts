/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import vue from "@vitejs/plugin-vue";
import Components from "unplugin-vue-components/vite";
import { ElementPlusResolver } from "unplugin-vue-components/resolvers";

// Tauri expects a fixed port and relative asset paths.
export default defineConfig({
  base: "./",
  plugins: [
    vue(),
    // Element Plus on demand: each <el-*> tag (and v-loading) used in a template is imported from
    // element-plus/es together with its own CSS, so a chunk carries only the components it renders.
    // Services called from script (ElMessage, ElLoading.service) are imported by hand with their CSS.
    Components({
      dirs: [],
      resolvers: [ElementPlusResolver({ importStyle: "css" })],
      dts: "components.d.ts",
    }),
  ],
  clearScreen: false,
  server: {
    port: 1420,
    strictPort: true,
    watch: { ignored: ["**/src-tauri/**"] },
  },
  build: {
    outDir: "dist",
    target: "safari13",
    chunkSizeWarningLimit: 2000,
  },
  test: {
    environment: "jsdom",
    include: ["tests/**/*.spec.ts"],
    css: false,
    server: { deps: { inline: ["element-plus"] } },
  },
});

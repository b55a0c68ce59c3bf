// Builds the IM UI into dist/ as static files the appservice serves at <IM origin>/element/.
import path from "node:path";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  // Relative asset URLs: the app works wherever the appservice mounts dist/.
  base: "./",
  plugins: [react()],
  resolve: {
    // The validators are read from source: pure TypeScript, bundled with the app.
    alias: {
      "@atrium/widgets": path.resolve(__dirname, "../../packages/widgets/src/index.ts"),
    },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // No inline data: URLs (fonts, icons) so a strict CSP (font-src 'self') loads everything.
    assetsInlineLimit: 0,
    // No modulepreload polyfill: it is not needed by current browsers.
    modulePreload: { polyfill: false },
  },
});

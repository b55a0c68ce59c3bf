// Builds the IM UI into dist/ as static files the appservice serves at <IM origin>/element/, and
// the workspace page (workspace.html) it serves at <pad origin>/atrium/room/.
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  // Relative asset URLs: the app works wherever the appservice mounts dist/.
  base: "./",
  plugins: [react()],
  resolve: {
    // Only the validators, read from source (see src/widget-rules.ts).
    alias: {
      "@atrium/widgets": fileURLToPath(new URL("./src/widget-rules.ts", import.meta.url)),
    },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // No inline data: URLs (fonts, icons): every asset is a file the CSP's 'self' allows.
    assetsInlineLimit: 0,
    // No modulepreload polyfill: current browsers do not need it.
    modulePreload: { polyfill: false },
    // Two pages: the IM (index.html, served on the IM's origin) and the workspace page of a room
    // (workspace.html, served by the appservice's web listener at /atrium/room/ on the pad origin).
    rolldownOptions: {
      input: {
        index: fileURLToPath(new URL("./index.html", import.meta.url)),
        workspace: fileURLToPath(new URL("./workspace.html", import.meta.url)),
      },
    },
  },
});

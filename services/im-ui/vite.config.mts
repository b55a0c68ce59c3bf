// Builds the IM UI into dist/ as static files the appservice serves at <IM origin>/element/, and
// the workspace page (workspace.html) it serves at <pad origin>/atrium/room/.
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

/**
 * One document around both pages: index.html and workspace.html hold only their title and
 * script, and the head every page needs (no referrer sent with a pad or room ID in the URL) and
 * the #root the app mounts on are written here once. It runs before Vite reads the scripts.
 */
function pageShell(): Plugin {
  return {
    name: "atrium-page-shell",
    transformIndexHtml: {
      order: "pre",
      handler(page, { filename }) {
        const title = /<title>[^<]*<\/title>/.exec(page)?.[0];
        if (!title) throw new Error(`${filename}: a page needs its <title>`);
        const body = page
          .replace(/<!--[\s\S]*?-->/g, "")
          .replace(title, "")
          .trim();
        return [
          "<!doctype html>",
          '<html lang="en">',
          "  <head>",
          '    <meta charset="utf-8" />',
          '    <meta name="viewport" content="width=device-width, initial-scale=1" />',
          '    <meta name="referrer" content="no-referrer" />',
          `    ${title}`,
          "  </head>",
          "  <body>",
          '    <div id="root"></div>',
          `    ${body}`,
          "  </body>",
          "</html>",
          "",
        ].join("\n");
      },
    },
  };
}

export default defineConfig({
  // Relative asset URLs: the app works wherever the appservice mounts dist/.
  base: "./",
  plugins: [pageShell(), react()],
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

// Entry point: Element's design tokens and components, then the app.
import "./theme";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./components/App";
import { createImApi } from "./api";
import { parentOrigin, parseParams } from "./params";
import { ScalarMessaging } from "./scalar-messaging";

const params = parseParams(window.location.search);
// Compound's theme classes win over the system preference (prefers-color-scheme).
document.documentElement.classList.add(`cpd-theme-${params.theme}`);
document.documentElement.dataset.theme = params.theme;

const messaging = new ScalarMessaging(window, { parentOrigin: parentOrigin(document.referrer) });
const api =
  params.scalarToken === null ? null : createImApi(window.location.origin, params.scalarToken);

const root = document.getElementById("root");
if (root !== null) {
  createRoot(root).render(
    <StrictMode>
      <App params={params} api={api} messaging={messaging} />
    </StrictMode>,
  );
}

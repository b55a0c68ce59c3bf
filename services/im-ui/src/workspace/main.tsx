// The workspace page's entry: Element's tokens and components (light or dark as the system
// says), the IM's layout styles, then the app.
import "@fontsource/inter/400.css";
import "@fontsource/inter/500.css";
import "@fontsource/inter/600.css";
import "@fontsource/inconsolata/400.css";
import "@vector-im/compound-design-tokens/assets/web/css/compound-design-tokens.css";
import "@vector-im/compound-web/dist/style.css";
import "../styles.css";
import "./workspace.css";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { placeOf } from "./api";
import { WorkspaceApp } from "./WorkspaceApp";

const root = document.getElementById("root");
if (root !== null) {
  createRoot(root).render(
    <StrictMode>
      <WorkspaceApp place={placeOf(window.location)} />
    </StrictMode>,
  );
}

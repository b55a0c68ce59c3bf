// The workspace page's entry: Element's tokens and components (light or dark as the system
// says), the IM's layout styles, then the app.
import "../theme";
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

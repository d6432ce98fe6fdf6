import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/App.tsx";
import "./styles/base.css";
import "./styles/board.css";
import "./styles/target.css";
import "./styles/details.css";
import "./styles/healing.css";
import "./styles/forms.css";
import "./styles/auth.css";
import "./styles/admin.css";
import "./styles/incidents.css";
import "./styles/incident-page.css";
import "./styles/incident-board.css";
import "./styles/cases.css";
import "./styles/runbooks.css";
import "./styles/markdown.css";
import "./styles/postmortems.css";
import "./styles/learnings.css";
import "./styles/handoff.css";
import "./styles/governance.css";
import "./styles/backups.css";
import "./styles/slo.css";

const root = document.getElementById("root");
if (!root) throw new Error("#root is missing from index.html");

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// An Alert that screen readers announce: errors as alerts, news as status.
import type { ReactNode } from "react";
import { Alert } from "@vector-im/compound-web";

export function Announce(props: { type: "critical" | "info"; title: string; children: ReactNode }) {
  return (
    <div role={props.type === "critical" ? "alert" : "status"}>
      <Alert type={props.type} title={props.title}>
        {props.children}
      </Alert>
    </div>
  );
}

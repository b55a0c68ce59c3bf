// How each widget kind is named and drawn.
import type { ComponentType, SVGAttributes } from "react";
import type { ImWidget, ImWidgetKind } from "@atrium/widgets";
import DocumentIcon from "@vector-im/compound-design-tokens/assets/web/icons/document";
import VideoCallIcon from "@vector-im/compound-design-tokens/assets/web/icons/video-call";
import WebBrowserIcon from "@vector-im/compound-design-tokens/assets/web/icons/web-browser";

export const KIND_LABEL: Readonly<Record<ImWidgetKind, string>> = {
  etherpad: "Pad",
  jitsi: "Conference",
  custom: "Web page",
};

export const KIND_ICON: Readonly<Record<ImWidgetKind, ComponentType<SVGAttributes<SVGElement>>>> = {
  etherpad: DocumentIcon,
  jitsi: VideoCallIcon,
  custom: WebBrowserIcon,
};

export function KindIcon({ widget }: { widget: ImWidget }) {
  const Icon = KIND_ICON[widget.kind];
  return (
    <span className={`im-kind-icon im-kind-${widget.kind}`} aria-hidden="true">
      <Icon width={20} height={20} />
    </span>
  );
}

// The edit view of one widget: what Element opens with screen=type_<t>&integ_id=<id>.
import type { ImWidget } from "@atrium/widgets";
import { Badge, Button, H2, Text } from "@vector-im/compound-web";
import ArrowLeftIcon from "@vector-im/compound-design-tokens/assets/web/icons/arrow-left";
import { KIND_LABEL, KindIcon } from "./kinds";
import { WidgetActions, type WidgetActionsProps } from "./WidgetActions";

export interface WidgetDetailProps extends Omit<WidgetActionsProps, "onRemoved"> {
  /** Back to the room's list (also after the widget was removed). */
  onBack: () => void;
}

const ABOUT: Record<ImWidget["kind"], string> = {
  etherpad:
    "Members of the room can open this pad; people below the room's edit level read it without writing. A pad keeps its name: to get another name, add a new pad.",
  jitsi:
    "Everyone joins this conference with the microphone muted. Leave the room, leave the call.",
  custom: "Element shows this web page to members of the room, after asking each of them once.",
};

export function WidgetDetail({ widget, onBack, ...actions }: WidgetDetailProps) {
  return (
    <section className="im-section" aria-labelledby="im-detail-title">
      <Button kind="tertiary" size="md" Icon={ArrowLeftIcon} onClick={onBack}>
        All extensions
      </Button>
      <div className="im-card im-detail">
        <div className="im-detail-head">
          <KindIcon widget={widget} />
          <div>
            <H2 size="sm" id="im-detail-title">
              {widget.name}
            </H2>
            <Text size="sm" className="im-subtle">
              {KIND_LABEL[widget.kind]} {widget.pinned && <Badge kind="grey">Pinned</Badge>}
            </Text>
          </div>
        </div>
        <Text size="sm">{ABOUT[widget.kind]}</Text>
        <dl className="im-facts">
          <dt>Added by</dt>
          <dd>{widget.creator}</dd>
          {widget.kind === "custom" && (
            <>
              <dt>Address</dt>
              <dd className="im-url">{widget.url}</dd>
            </>
          )}
        </dl>
        <WidgetActions widget={widget} {...actions} onRemoved={onBack} />
      </div>
    </section>
  );
}

// The room's Atrium widgets, each with its actions.
import type { ImWidget } from "@atrium/widgets";
import { Badge, Text } from "@vector-im/compound-web";
import { ListOr, Section } from "./Section";
import { KIND_LABEL, KindIcon } from "./kinds";
import { WidgetActions, type WidgetActionsProps } from "./WidgetActions";

export interface WidgetListProps extends Omit<WidgetActionsProps, "widget" | "onRemoved"> {
  widgets: ImWidget[];
}

export function WidgetList({ widgets, ...actions }: WidgetListProps) {
  return (
    <Section id="im-in-room" title="In this room">
      <ListOr
        items={widgets}
        empty="No pads, conferences or web pages yet. Add one below."
        label="Extensions in this room"
      >
        {(w) => (
          <li key={w.id} className="im-row" aria-label={w.name}>
            <KindIcon widget={w} />
            <div className="im-row-text">
              <Text size="md" weight="semibold" className="im-row-name">
                {w.name}
              </Text>
              <Text size="sm" className="im-subtle">
                {KIND_LABEL[w.kind]}
                {w.pinned && (
                  <>
                    {" "}
                    <Badge kind="grey">Pinned</Badge>
                  </>
                )}
              </Text>
            </div>
            <WidgetActions widget={w} {...actions} />
          </li>
        )}
      </ListOr>
    </Section>
  );
}

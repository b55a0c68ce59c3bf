// The room's Atrium widgets, each with its actions.
import type { ImWidget } from "@atrium/widgets";
import { Badge, H2, Text } from "@vector-im/compound-web";
import { KIND_LABEL, KindIcon } from "./kinds";
import { WidgetActions, type WidgetActionsProps } from "./WidgetActions";

export interface WidgetListProps extends Omit<WidgetActionsProps, "widget" | "onRemoved"> {
  widgets: ImWidget[];
}

export function WidgetList({ widgets, ...actions }: WidgetListProps) {
  return (
    <section className="im-section" aria-labelledby="im-in-room">
      <H2 size="sm" id="im-in-room">
        In this room
      </H2>
      {widgets.length === 0 ? (
        <Text size="sm" className="im-subtle">
          No pads, conferences or web pages yet. Add one below.
        </Text>
      ) : (
        <ul className="im-list" aria-label="Extensions in this room">
          {widgets.map((w) => (
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
          ))}
        </ul>
      )}
    </section>
  );
}

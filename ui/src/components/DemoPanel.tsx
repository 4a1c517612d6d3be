import type { ClientMessage, DemoCard, DemoPanelState } from "../../../src/protocol";
import { isMessageKey, kindMessage, type T } from "../i18n";
import { Lamps } from "./Lamps";

interface Props {
  demo: DemoPanelState;
  t: T;
  send: (m: ClientMessage) => void;
  onClose: () => void;
}

/**
 * Demo mode only: an edge drawer over the right of the screen to place or remove one of the deck's
 * virtual cards (every document kind, grouped by kind; for typed keys the test value to type) and to
 * see the simulated status lights. Closed, it is a single header button.
 */
export function DemoPanel({ demo, t, send, onClose }: Props) {
  // The deck's own labels are one language; the built-in deck's cards are described in the UI's.
  const label = (c: { id: string; label: string }) => {
    const key = `demoCard.${c.id}`;
    return isMessageKey(key) ? t(key) : c.label;
  };
  // Grouped by document kind, in the deck's order (a card of no supported kind under its own heading).
  const groups: { document: string | null; cards: DemoCard[] }[] = [];
  for (const c of demo.cards) {
    const document = c.document ?? null;
    const g = groups.find((x) => x.document === document);
    if (g) g.cards.push(c);
    else groups.push({ document, cards: [c] });
  }
  const groupName = (document: string | null) => kindMessage(t, document, "name") ?? document ?? t("demo.noDocument");
  const placedCard = demo.cards.find((c) => c.id === demo.placed);
  const placed = placedCard ? { label: label(placedCard) } : undefined;
  return (
    <aside class="demo" aria-label={t("demo.title")} data-testid="demo-panel">
      <div class="demo-head">
        <h2 class="demo-title">{t("demo.title")}</h2>
        <button type="button" class="btn btn-quiet demo-close" onClick={onClose}>
          {t("demo.close")}
        </button>
      </div>
      <p class="demo-placed" data-testid="demo-placed">
        {placed ? t("demo.placed", { label: placed.label }) : t("demo.none")}
      </p>
      <h3 class="demo-sub">{t("demo.cards")}</h3>
      <div class="demo-cards" data-scrollable="1">
        {groups.map(({ document, cards }) => (
          <div class="demo-group" key={document ?? "none"} role="group" aria-labelledby={`demo-group-${document ?? "none"}`} data-group={document ?? "none"}>
            <h4 class="demo-group-title" id={`demo-group-${document ?? "none"}`}>
              {groupName(document)}
            </h4>
            {cards.map((c) => (
              <button
                type="button"
                key={c.id}
                class={c.id === demo.placed ? "btn btn-secondary demo-card demo-card-placed" : "btn btn-secondary demo-card"}
                aria-pressed={c.id === demo.placed}
                data-card={c.id}
                onClick={() => send({ type: "demo-place-card", cardId: c.id })}
              >
                {label(c)}
                {c.key ? <span class="demo-key">{t("demo.key", { key: c.key })}</span> : null}
              </button>
            ))}
          </div>
        ))}
      </div>
      <button
        type="button"
        class="btn btn-secondary demo-remove"
        disabled={demo.placed === null}
        onClick={() => send({ type: "demo-remove-card" })}
        data-testid="demo-remove"
      >
        {t("demo.remove")}
      </button>
      <h3 class="demo-sub">{t("demo.leds")}</h3>
      <Lamps pattern={demo.leds} t={t} />
    </aside>
  );
}

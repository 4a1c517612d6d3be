/**
 * What the end-to-end tests do through the demo drawer of a real demo daemon: place a deck card,
 * take it away, and collect the attended chip data the daemon sends to the staff screen.
 */
import type { Page } from "playwright-core";
import type { AttendedChipData, ViewMessage } from "../../../src/protocol";

export async function placeCard(page: Page, cardId: string): Promise<void> {
  await page.getByTestId("demo-toggle").tap();
  await page.locator(`[data-card="${cardId}"]`).tap();
  await page.getByTestId("demo-toggle").tap();
}

export async function removeCard(page: Page): Promise<void> {
  await page.getByTestId("demo-toggle").tap();
  await page.getByTestId("demo-remove").tap();
  await page.getByTestId("demo-toggle").tap();
}

/** Keeps the last attended chip data a result view carried over the page's socket (register before goto). */
export function attendedFromSocket(page: Page): { attended: AttendedChipData | null } {
  const got: { attended: AttendedChipData | null } = { attended: null };
  page.on("websocket", (ws) =>
    ws.on("framereceived", (f) => {
      if (typeof f.payload !== "string") return;
      const v = JSON.parse(f.payload) as ViewMessage;
      if (v.screen.name === "result" && v.screen.attended) got.attended = v.screen.attended;
    }),
  );
  return got;
}

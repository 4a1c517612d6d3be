/**
 * Serve a deck card through vsmartcard-vpcd by hand, so pcscd, pcsc_scan, OpenSC and kioskctl see it
 * as a card in "Virtual PCD 00 00" (development machines only: vpcd listens on 0.0.0.0).
 *
 *   pcscd --foreground &                                   # as root, with vsmartcard-vpcd installed
 *   node scripts/run.mjs scripts/vpcd-card.ts [--card heisei-1] [--port 35963]
 *   node scripts/run.mjs scripts/vpcd-card.ts --list
 *
 * Then type on stdin: `r` remove, `i` insert, `c ID` put another deck card, `t` tries left, `q` quit.
 * The deck and its 照合番号B are fictional test data (src/card/sim/deck/deck.json).
 */
import { createInterface } from "node:readline";
import type { SimulatedCard } from "../src/card/sim/card";
import { loadDeck } from "../src/card/sim/deck";
import { serveOverVpcd, VPCD_PORT, type VpcdLink } from "../src/card/sim/vpcd";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const deck = loadDeck();
if (process.argv.includes("--list")) {
  for (const c of deck.cards) console.log(`${c.id.padEnd(14)} tries ${String(c.triesLeft).padStart(2)}  code ${c.codeB}  ${c.label}`);
  process.exit(0);
}

const port = Number(arg("port") ?? VPCD_PORT);
let person = deck.card(arg("card") ?? "heisei-1");
let card: SimulatedCard = person.makeCard();
const describe = (): string =>
  `${person.id} (${person.label}); test 照合番号B ${person.codeB}; try: kioskctl read-card --code-b ${person.codeB}`;

let link: VpcdLink;
try {
  link = await serveOverVpcd({ card, port });
} catch (e) {
  console.error(`${(e as Error).message}\nIs pcscd running with vsmartcard-vpcd installed (port ${port})?`);
  process.exit(1);
}
console.log(`card on the reader: ${describe()}`);
console.log("commands: r remove, i insert, c ID other card, t tries left, q quit");

const rl = createInterface({ input: process.stdin });
rl.on("line", (line) => {
  const [cmd, value] = line.trim().split(/\s+/);
  const act = async (): Promise<void> => {
    switch (cmd) {
      case "r":
        link.remove();
        console.log("removed");
        break;
      case "i":
        await link.insert();
        console.log(`inserted: ${describe()}`);
        break;
      case "c":
        person = deck.card(value ?? "");
        card = person.makeCard();
        await link.replaceCard(card);
        console.log(`card on the reader: ${describe()}`);
        break;
      case "t":
        console.log(`照合番号B tries left: ${card.triesLeft("surface", 0x0012)}`);
        break;
      case "q":
        link.close();
        rl.close();
        process.exit(0);
        break;
      case undefined:
      default:
        console.log("commands: r remove, i insert, c ID other card, t tries left, q quit");
    }
  };
  act().catch((e: unknown) => console.error((e as Error).message));
});

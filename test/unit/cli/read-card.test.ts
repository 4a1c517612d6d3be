import { describe, expect, it } from "vitest";
import { makeReadCardCommand, READ_CARD_EXIT } from "../../../src/cli/read-card";

describe("kioskctl read-card arguments", () => {
  it("refuses --min-tries 1 (a wrong code would block the card) without opening the reader", async () => {
    let opened = 0;
    const cmd = makeReadCardCommand({
      openReader: () => {
        opened++;
        return Promise.reject(new Error("the reader must not be opened"));
      },
    });
    let err = "";
    const code = await cmd.run(["--code-b", "01010820332718", "--min-tries", "1"], { out: () => {}, err: (t) => void (err += t), env: {} });
    expect(code).toBe(READ_CARD_EXIT.usage);
    expect(err).toContain("--min-tries is 2 to 10");
    expect(opened).toBe(0);
  });
});

// The rule builder (issue 15): compose a hidden layer's error signal from parts, see
// it named (or explained when it cannot run), add it to the comparison, train it with
// the same views as any rule, and share it by link.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appSession, metric, screenshot, until, urlHolds } from "./harness.mjs";

const app = appSession();

const verdict = (page) => page.getByTestId("builder-verdict").innerText();

/** Chooses a carrier and the two switches in the open builder. */
async function compose(page, carrier, { fprime, learn }) {
  await page.getByTestId(`builder-carrier-${carrier}`).check();
  await page.getByTestId("builder-fprime").setChecked(fprime);
  await page.getByTestId("builder-learn").setChecked(learn);
}

/** The latest value and step the update-angle chart reads out for series `name`. */
async function angleLine(page, name) {
  const label = (await page.getByTestId("chart-update-angle").getAttribute("aria-label")) ?? "";
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const said = label.match(new RegExp(`(?:^|; |latest: )${escaped} · layer 1 (-?[\\d.]+) at (\\d+)`));
  return said ? { angle: parseFloat(said[1]), step: Number(said[2]), label } : { step: 0, label };
}

test("compose FA from parts, see it named, add it beside backprop and train it", async () => {
  const { page, problems } = await app.open("?task=xor&rule=bp", { width: 1280, height: 720 });
  const builder = page.getByTestId("rule-builder");
  assert.equal(await builder.getAttribute("open"), null, "closed by default");
  await builder.locator("summary").click();
  await compose(page, "b", { fprime: true, learn: false });
  assert.match(await verdict(page), /^This is feedback alignment \(custom:b, runs as fa\)/);
  await screenshot(page, "rule-builder-open");
  await page.getByTestId("builder-add").click();
  await urlHolds(page, "compare=bp,fa");
  await page.locator('[data-testid="metric-step"][data-rule="fa"]').waitFor();

  await page.getByTestId("play").click();
  const line = await until(() => angleLine(page, "fa"), (l) => l.step >= 100);
  assert.ok(line.step >= 100, `fa's update-angle line: ${line.label}`);
  assert.ok(line.angle >= 0 && line.angle <= 180, line.label);
  await page.getByTestId("play").click();

  // What cannot train a layer is explained, and cannot be added.
  await compose(page, "wt", { fprime: true, learn: true });
  assert.match(await verdict(page), /^This cannot run: .*nothing of its own to learn/);
  assert.equal(await page.getByTestId("builder-add").isDisabled(), true);
  await screenshot(page, "rule-builder-refused");
  assert.deepEqual(problems, []);
  await page.close();
});

test("a rule without f′ beside itself: its own name, colour and link, reproduced", async () => {
  const { page, problems } = await app.open("?task=xor", { width: 1280, height: 720 });
  await page.getByTestId("rule-builder").locator("summary").click();
  await compose(page, "wt", { fprime: false, learn: false });
  assert.match(await verdict(page), /^This is backprop without f′/);
  await page.getByTestId("builder-add").click();
  const url = await urlHolds(page, "compare=bp,fa,custom:wt.no-fprime");
  assert.match(url, /compare=bp,fa,custom:wt\.no-fprime/);
  const run = "custom:wt.no-fprime";
  await page.locator(`[data-testid="metric-step"][data-rule="${run}"]`).waitFor();
  assert.equal((await page.locator(`.readout[data-rule="${run}"] .rule-name`).innerText()).trim(), "bp no f′");
  const colours = await page.$$eval(".readout", (els) => els.map((e) => getComputedStyle(e).borderColor));
  assert.equal(new Set(colours).size, 3, `one colour per run: ${colours}`);
  // The network view and the feedback matrices draw it like any rule.
  await page.locator(`[data-view="network"] [data-rule="${run}"] svg.nv-svg`).waitFor();
  await page.locator(`[data-view="feedback"] [data-rule="${run}"]`).waitFor();

  // Ten steps here, and ten in the page the link opens: the same run.
  const readouts = async (p) => ({
    loss: await metric(p, "metric-loss", run),
    angle: await metric(p, "metric-update-angle", run),
  });
  for (let i = 0; i < 10; i++) await page.getByTestId("step").click();
  await until(() => metric(page, "metric-step", run), (s) => s === "10");
  const here = await readouts(page);
  const linked = await app.open(new URL(page.url()).search, { width: 1280, height: 720 });
  await linked.page.locator(`[data-testid="metric-step"][data-rule="${run}"]`).waitFor();
  for (let i = 0; i < 10; i++) await linked.page.getByTestId("step").click();
  await until(() => metric(linked.page, "metric-step", run), (s) => s === "10");
  assert.deepEqual(await readouts(linked.page), here, "the link reproduces the composed run");
  // Its update is measured against backprop's: without f′ it leaves that direction.
  assert.ok(parseFloat(here.angle) > 0.5, `update angle of backprop without f′: ${here.angle}`);
  assert.ok(parseFloat(await metric(page, "metric-update-angle", "bp")) < 0.5, "backprop's own is 0°");
  await screenshot(page, "rule-builder-added");
  assert.deepEqual(problems, []);
  assert.deepEqual(linked.problems, []);
  await page.close();
  await linked.page.close();
});

test("Kolen–Pollack's decay: set in the builder, carried by the link, kept on reload; a bad value is refused", async () => {
  const { page, problems } = await app.open("?task=xor&rule=bp", { width: 1280, height: 720 });
  const openWithLearning = async () => {
    await page.getByTestId("rule-builder").locator("summary").click();
    await compose(page, "b", { fprime: true, learn: true });
    assert.match(await verdict(page), /^This is Kolen/i);
    return page.getByTestId("builder-kpdecay");
  };
  let field = await openWithLearning();
  assert.equal(await field.inputValue(), "0.9995", "Kolen–Pollack's default");
  await field.fill("0.99");
  await field.press("Enter");
  assert.match(await urlHolds(page, "kpdecay=0.99"), /kpdecay=0.99/);
  await screenshot(page, "rule-builder-decay");
  // The run added beside backprop trains at that decay (its config is the CLI's
  // --kp-decay 0.99: web/tests/protocol.rs).
  await page.getByTestId("builder-add").click();
  assert.match(await urlHolds(page, "compare=bp,kp"), /kpdecay=0\.99/);

  await page.reload();
  field = await openWithLearning();
  assert.equal(await field.inputValue(), "0.99", "the reload keeps the decay");
  assert.match(page.url(), /kpdecay=0\.99/);

  // Out of (0, 1]: one notice naming it, the decay in use kept.
  await field.fill("1.5");
  await field.press("Enter");
  const notice = await until(() => page.getByTestId("notice").innerText(), (t) => /kpdecay/.test(t), 5_000);
  assert.match(notice, /kpdecay.*keeping 0\.99/s);
  assert.equal(await field.inputValue(), "0.99");
  assert.match(page.url(), /kpdecay=0\.99/);
  assert.deepEqual(problems, []);
  await page.close();
});

// The locality inspector on the network diagrams (issue 14): a hidden synapse clicked
// under bp and fa in compare mode lists bp's read of other synapses' weights (Wᵀ) and
// fa's dedicated feedback pathway (B), from core's facts; the synapse is in the URL
// and a link opens it; the keyboard reaches it (one Tab stop, arrows, Enter, Escape);
// the microcircuit's four plasticity rules are inspected from their buttons. And the
// autoencoder task (`task=autoencoder`): its link round-trips and the page says the
// target is the input.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appSession, screenshot, until, urlHolds } from "./harness.mjs";

const app = appSession();
const LECTURE = { width: 1280, height: 720 };
const OTHER = "from the weights of other synapses";
const FEEDBACK = "through a dedicated feedback pathway";

/** The quantities listed in the inspector's row `locality` for `rule`. */
async function cell(page, locality, rule) {
  const row = page.getByTestId("locality-inspector").locator(`tr[data-locality="${locality}"]`);
  if ((await row.count()) === 0) return "";
  return (await row.locator(`td[data-rule="${rule}"]`).innerText()).trim();
}

/**
 * Clicks on the line from unit `j` of layer `layer − 1` to unit `i` of `layer` (0-based)
 * in `rule`'s diagram, at the point along it farthest from every other synapse's line
 * (lines cross and run close together; this is worked out here, apart from the app).
 */
async function clickSynapse(page, rule, layer, i, j) {
  const svg = page.locator(`figure[data-rule="${rule}"] .nv-svg`);
  await svg.locator(".nv-nodes > circle").first().waitFor();
  await svg.scrollIntoViewIfNeeded();
  const point = await svg.evaluate(
    (el, [layer, i, j]) => {
      // The nodes are drawn column by column, the units of a layer top to bottom.
      const columns = new Map();
      for (const c of el.querySelectorAll(".nv-nodes > circle")) {
        const x = Number(c.getAttribute("cx"));
        if (!columns.has(x)) columns.set(x, []);
        columns.get(x).push([x, Number(c.getAttribute("cy"))]);
      }
      const xs = [...columns.keys()].sort((a, b) => a - b);
      const pres = columns.get(xs[layer - 1]);
      const posts = columns.get(xs[layer]);
      const along = (a, b, t) => [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
      const distance = (p, a, b) => {
        const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
        const t = Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy)));
        return Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy);
      };
      let best = null;
      for (let t = 0.15; t <= 0.85; t += 0.01) {
        const p = along(pres[j], posts[i], t);
        let nearestOther = Infinity;
        pres.forEach((a, jj) =>
          posts.forEach((b, ii) => {
            if (ii !== i || jj !== j) nearestOther = Math.min(nearestOther, distance(p, a, b));
          }),
        );
        if (!best || nearestOther > best.margin) best = { p, margin: nearestOther };
      }
      const q = el.createSVGPoint();
      [q.x, q.y] = best.p;
      const s = q.matrixTransform(el.getScreenCTM());
      return { x: s.x, y: s.y };
    },
    [layer, i, j],
  );
  await page.mouse.click(point.x, point.y);
}

test("a hidden synapse clicked under bp and fa: Wᵀ against B, side by side, and the link reopens it", async () => {
  const { page, problems } = await app.open("?task=xor", LECTURE);
  await page.getByTestId("step").click();
  await clickSynapse(page, "bp", 1, 2, 1);
  const url = await urlHolds(page, "inspect=1-3-2");
  assert.match(url, /inspect=1-3-2/);
  const panel = page.getByTestId("locality-inspector");
  await panel.waitFor();
  assert.match(await panel.locator("h3").innerText(), /W₁\[3, 2\]/);
  // bp reads the forward weights of the layer above; fa does not, it reads B.
  assert.match(await cell(page, OTHER, "bp"), /W_\{k\+1\}/);
  assert.equal(await cell(page, OTHER, "fa"), "");
  assert.match(await cell(page, FEEDBACK, "fa"), /B_\{k\+1\}/);
  // Both read their presynaptic activity, with the probe sample's number.
  assert.match(await cell(page, "at the synapse", "bp"), /h_\{k-1,j\}[\s\S]*x\[2\] = /);
  // The diagrams mark where the reads come from: bp's other synapses, fa's none.
  assert.ok((await page.locator('figure[data-rule="bp"] .nv-mark-weights').count()) > 0);
  assert.equal(await page.locator('figure[data-rule="fa"] .nv-mark-weights').count(), 0);
  assert.ok((await page.locator('figure[data-rule="fa"] .nv-mark-feedback').count()) > 0);
  await screenshot(page, "inspector-bp-fa-1280x720");
  // The link opens the same synapse.
  const again = await app.open(new URL(url).search, LECTURE);
  await again.page.getByTestId("locality-inspector").waitFor();
  assert.match(await again.page.getByTestId("locality-inspector").locator("h3").innerText(), /W₁\[3, 2\]/);
  assert.deepEqual(again.problems, []);
  await again.page.close();
  // The close button closes it and takes it out of the URL.
  await page.getByTestId("inspector-close").click();
  assert.equal(await until(() => page.getByTestId("locality-inspector").count(), (n) => n === 0, 5_000), 0);
  assert.doesNotMatch(await until(() => page.url(), (u) => !u.includes("inspect="), 5_000), /inspect=/);
  assert.deepEqual(problems, []);
  await page.close();
});

test("the keyboard: one Tab stop for the diagram, arrows move, Enter inspects, Escape closes; space still plays", async () => {
  const { page, problems } = await app.open("?task=xor&compare=usf,dfa", LECTURE);
  const diagram = page.getByTestId("network-synapses").first();
  await diagram.waitFor();
  assert.equal(await page.locator('[data-testid="network-synapses"][tabindex="0"]').count(), 2, "one stop per diagram");
  assert.equal(await page.locator('.nv-svg [tabindex]').count(), 0, "no edge is a Tab stop");
  await diagram.focus();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("Shift+ArrowDown");
  await page.keyboard.press("ArrowDown");
  const cursor = page.getByTestId("synapse-cursor").first();
  assert.match(await until(() => cursor.innerText(), (t) => /W₂\[2, 2\]/.test(t), 5_000), /W₂\[2, 2\]: Enter/);
  await page.keyboard.press("Enter");
  assert.match(await urlHolds(page, "inspect=2-2-2"), /inspect=2-2-2/);
  // Sign symmetry reads the signs of other synapses; DFA reads D, a feedback pathway.
  assert.match(await cell(page, OTHER, "usf"), /sign\(W/);
  assert.match(await cell(page, FEEDBACK, "dfa"), /D_k/);
  assert.equal(await cell(page, OTHER, "dfa"), "");
  // While open, the arrows move the inspected synapse itself.
  await page.keyboard.press("ArrowUp");
  assert.match(await urlHolds(page, "inspect=2-2-1"), /inspect=2-2-1/);
  // Space is still play / pause with the diagram focused.
  await page.keyboard.press(" ");
  assert.match(await until(() => page.getByTestId("play").innerText(), (t) => /Pause/.test(t), 5_000), /Pause/);
  await page.keyboard.press(" ");
  await page.keyboard.press("Escape");
  assert.equal(await until(() => page.getByTestId("locality-inspector").count(), (n) => n === 0, 5_000), 0);
  assert.deepEqual(problems, []);
  await page.close();
});

test("an output synapse under the delta rule and bp: everything at the synapse or the target", async () => {
  const { page, problems } = await app.open("?task=xor&compare=bp,delta&inspect=1-2-1", LECTURE);
  const panel = page.getByTestId("locality-inspector");
  await panel.waitFor();
  const rows = await panel.locator("tbody tr").evaluateAll((trs) => trs.map((tr) => tr.dataset.locality));
  assert.deepEqual([...new Set(rows)], ["at the synapse", "from the target"]);
  assert.match(await cell(page, "from the target", "delta"), /y_i[\s\S]*y\[2\] = /);
  // No feedback pathway, no other synapses: local, and taught by the target.
  for (const rule of ["bp", "delta"]) {
    assert.equal(await panel.locator(`th[data-rule="${rule}"] [data-testid="locality-verdict"]`).innerText(), "local, plus the target");
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test("the delta rule's own view: a click on an edge opens the inspector, the link reopens it, and the keys move it", async () => {
  const { page, problems } = await app.open("?task=xor&rule=delta", LECTURE);
  const diagram = page.getByTestId("delta-synapses");
  await diagram.locator(".dv-hit").first().waitFor({ state: "attached" });
  // A third of the way along w₂₁ (from u₁ down to v₂), clear of the other edges.
  const target = await page.locator('.dv-hit[data-synapse="2-1"]').evaluate((line) => {
    const [x1, y1, x2, y2] = ["x1", "y1", "x2", "y2"].map((a) => line[a].baseVal.value);
    const point = line.ownerSVGElement.createSVGPoint();
    [point.x, point.y] = [x1 + 0.3 * (x2 - x1), y1 + 0.3 * (y2 - y1)];
    const screen = point.matrixTransform(line.getScreenCTM());
    return { x: screen.x, y: screen.y, synapse: document.elementFromPoint(screen.x, screen.y)?.getAttribute("data-synapse") };
  });
  assert.equal(target.synapse, "2-1", JSON.stringify(target));
  await page.mouse.click(target.x, target.y);
  const url = await urlHolds(page, "inspect=1-2-1");
  assert.match(url, /synapse=2-1/);
  const panel = page.getByTestId("locality-inspector");
  await panel.waitFor();
  assert.match(await panel.locator("h3").innerText(), /W₁\[2, 1\]/);
  assert.equal(await panel.locator('th[data-rule="delta"] [data-testid="locality-verdict"]').innerText(), "local, plus the target");
  assert.match(await cell(page, "from the target", "delta"), /y_i[\s\S]*y\[2\] = /);
  // On the first screen beside the diagram, after a step too (the minibatch's table).
  const inView = async (where) => {
    const box = await panel.boundingBox();
    assert.ok(box.y >= 0 && box.y + box.height <= LECTURE.height && box.x + box.width <= LECTURE.width,
      `${where}: the inspector is outside 1280×720: ${JSON.stringify(box)}`);
  };
  await inView("paused");
  await page.getByTestId("step").click();
  await page.getByTestId("delta-sample").first().waitFor();
  await inView("after a step");
  assert.deepEqual(await page.evaluate(() => [scrollX, scrollY]), [0, 0]);
  await screenshot(page, "delta-inspector");

  // The link opens the view with the panel on the same synapse.
  const linked = await app.open(url.slice(url.indexOf("?")), LECTURE);
  const again = linked.page.getByTestId("locality-inspector");
  await again.waitFor();
  assert.match(await again.locator("h3").innerText(), /W₁\[2, 1\]/);
  assert.deepEqual(linked.problems, []);
  await linked.page.close();

  // Keys, as on the network diagram: the arrows move the inspected synapse (Shift: the
  // output unit), Escape closes, Enter opens it again.
  await diagram.focus();
  await page.keyboard.press("ArrowDown");
  assert.match(await urlHolds(page, "inspect=1-2-2"), /synapse=2-2/);
  await page.keyboard.press("Shift+ArrowUp");
  assert.match(await urlHolds(page, "inspect=1-1-2"), /synapse=1-2/);
  await page.keyboard.press("Escape");
  assert.equal(await until(() => panel.count(), (n) => n === 0, 5_000), 0);
  assert.doesNotMatch(await until(() => page.url(), (u) => !u.includes("inspect="), 5_000), /inspect=/);
  await diagram.focus();
  await page.keyboard.press("Enter");
  assert.match(await urlHolds(page, "inspect=1-1-2"), /inspect=1-1-2/);
  await panel.waitFor();
  assert.deepEqual(problems, []);
  await page.close();
});

test("the delta view's inspector: on the first 1280×720 screen beside the linear teacher's tall diagram; on a phone right under the diagram", async () => {
  const { page, problems } = await app.open("?rule=delta&synapse=2-1&inspect=1-2-1", LECTURE);
  const panel = page.getByTestId("locality-inspector");
  await panel.waitFor();
  await page.getByTestId("step").click();
  await page.getByTestId("delta-dw").waitFor();
  const box = await panel.boundingBox();
  assert.ok(box.y >= 0 && box.y + box.height <= LECTURE.height && box.x + box.width <= LECTURE.width, JSON.stringify(box));
  // The update's numbers stay beside it; the task buttons give way while it is open.
  assert.ok((await page.getByTestId("delta-dw").boundingBox()).y < box.y);
  assert.equal(await page.getByTestId("delta-task-xor").isVisible(), false);
  await page.getByTestId("inspector-close").click();
  await page.getByTestId("delta-task-xor").waitFor();
  assert.deepEqual(problems, []);
  await page.close();

  const phone = await app.open("?task=xor&rule=delta&synapse=2-1&inspect=1-2-1", { width: 390, height: 844 });
  const small = phone.page.getByTestId("locality-inspector");
  await small.waitFor();
  await phone.page.getByTestId("step").click();
  await phone.page.getByTestId("delta-sample").first().waitFor();
  const width = await phone.page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `the page is ${width} px wide at 390`);
  const [diagram, inspector, readout] = await Promise.all(
    [phone.page.getByTestId("delta-diagram"), small, phone.page.getByTestId("delta-readout")].map((l) => l.boundingBox()),
  );
  assert.ok(diagram.y + diagram.height <= inspector.y && inspector.y + inspector.height <= readout.y,
    `diagram, inspector, readout in that order: ${JSON.stringify({ diagram, inspector, readout })}`);
  assert.ok(inspector.x >= 0 && inspector.x + inspector.width <= 390, JSON.stringify(inspector));
  await small.scrollIntoViewIfNeeded();
  await screenshot(phone.page, "delta-inspector-390x844");
  await phone.page.getByTestId("inspector-close").click();
  assert.equal(await until(() => small.count(), (n) => n === 0, 5_000), 0);
  assert.deepEqual(phone.problems, []);
  await phone.page.close();
});

test("a synapse the network lacks: a notice, the inspector closed, the page working", async () => {
  const { page, problems } = await app.open("?task=xor&inspect=9-1-1", LECTURE);
  await page.getByTestId("network-synapses").first().waitFor();
  assert.match(await page.getByTestId("notice").innerText(), /inspect/);
  assert.equal(await page.getByTestId("locality-inspector").count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});

test("the microcircuit's four plasticity rules: a button each, all local, in the URL", async () => {
  const { page, problems } = await app.open("?page=microcircuit", LECTURE);
  const buttons = page.getByTestId("inspect-plasticity");
  await buttons.first().waitFor();
  assert.equal(await buttons.count(), 4);
  await buttons.nth(2).click();
  assert.match(await urlHolds(page, "inspect=3"), /inspect=3/);
  const panel = page.getByTestId("locality-inspector");
  await panel.waitFor();
  assert.match(await panel.locator("h3").innerText(), /W\^PI_k/);
  const rows = await panel.locator("tbody tr").evaluateAll((trs) => trs.map((tr) => tr.dataset.locality));
  assert.deepEqual([...new Set(rows)], ["at the synapse", "inside the postsynaptic cell"]);
  assert.equal(await panel.locator('[data-testid="locality-verdict"]').innerText(), "all local");
  await page.keyboard.press("Escape");
  assert.equal(await until(() => panel.count(), (n) => n === 0, 5_000), 0);
  assert.deepEqual(problems, []);
  await page.close();
});

test("the autoencoder: its link round-trips, every pattern is its own target, and bp and fa learn it", async () => {
  const { page, problems } = await app.open("?task=autoencoder&speed=50", LECTURE);
  await page.getByTestId("autoencoder-note").waitFor();
  assert.match(await page.getByTestId("autoencoder-note").innerText(), /No external teacher: the target is the input/);
  assert.equal(await page.getByTestId("task").inputValue(), "autoencoder");
  assert.equal(await page.getByTestId("layers").inputValue(), "8-3-8");
  await page.getByTestId("play").click();
  for (const rule of ["bp", "fa"]) {
    const accuracy = () => page.locator(`[data-testid="metric-accuracy"][data-rule="${rule}"]`).innerText();
    assert.match(await until(accuracy, (t) => /^100\.0%/.test(t), 30_000), /^100\.0%/, rule);
  }
  assert.match(page.url(), /task=autoencoder/);
  assert.deepEqual(problems, []);
  await page.close();
});

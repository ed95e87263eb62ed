// Line charts stay readable with four rules × two hidden layers: the legend sits
// above the plot (never on it), each layer has its own dash pattern, and every
// title line fits the canvas, on a projector and on a phone.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appSession, screenshot, until } from "./harness.mjs";

const app = appSession();

const QUERY = "?task=xor&compare=bp,fa,dfa,kp&layers=2-8-8-2";
const CHARTS = ["chart-update-angle", "chart-weight-angle", "chart-loss", "chart-accuracy"];

/** Each chart's canvas size, plot and legend boxes and title lines, as the chart published them. */
function chartLayouts(page) {
  return page.evaluate((ids) => {
    const box = (text) => {
      const [x, y, width, height] = (text ?? "").split(" ").map(Number);
      return { x, y, width, height };
    };
    return ids.flatMap((id) =>
      [...document.querySelectorAll(`[data-testid="${id}"]`)].map((canvas) => {
        const context = canvas.getContext("2d");
        context.font = "18px sans-serif";
        const lines = (canvas.dataset.titleLines ?? "").split("\n");
        return {
          id,
          width: canvas.width,
          height: canvas.height,
          plot: box(canvas.dataset.plot),
          legend: box(canvas.dataset.legend),
          lineWidths: lines.map((l) => context.measureText(l).width),
          lines,
        };
      }),
    );
  }, CHARTS);
}

/** Non-white pixels inside a box of a chart's canvas. */
function inkIn(page, id, { x, y, width, height }) {
  return page.$eval(
    `[data-testid="${id}"]`,
    (canvas, [x, y, width, height]) => {
      const { data } = canvas.getContext("2d").getImageData(x, y, width, height);
      let ink = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] + data[i + 1] + data[i + 2] < 600) ink++;
      return ink;
    },
    [x, y, width, height],
  );
}

for (const size of [
  { width: 1280, height: 720 },
  { width: 390, height: 844 },
]) {
  test(`charts at ${size.width}×${size.height}: legend off the plot, titles whole`, async () => {
    const { page, problems } = await app.open(QUERY, size);
    await page.locator('[data-testid="metric-step"][data-rule="kp"]').waitFor();
    await page.getByTestId("play").click();
    await until(() => page.locator('[data-testid="metric-step"][data-rule="kp"]').innerText(), (t) => Number(t) >= 300, 30_000);
    await page.getByTestId("play").click();
    const layouts = await until(
      () => chartLayouts(page),
      // Charts redraw in turn, so wait until each has drawn its series' legend.
      (all) => all.length === CHARTS.length && all.every((c) => c.plot.width > 0 && c.legend.height > 0),
      10_000,
    );
    assert.equal(layouts.length, CHARTS.length, JSON.stringify(layouts));
    for (const c of layouts) {
      const where = `${c.id} at ${size.width}×${size.height}`;
      // Eight series: the legend exists, lies wholly above the plot and inside the canvas.
      assert.ok(c.legend.height > 0, `${where}: no legend`);
      assert.ok(c.legend.y + c.legend.height <= c.plot.y, `${where}: legend ${JSON.stringify(c.legend)} reaches the plot ${JSON.stringify(c.plot)}`);
      assert.ok(c.legend.x >= 0 && c.legend.x + c.legend.width <= c.width, `${where}: legend leaves the canvas`);
      assert.ok(c.plot.height >= 60, `${where}: plot squeezed to ${c.plot.height} px`);
      // The legend really is drawn there: its swatches and labels leave ink.
      assert.ok((await inkIn(page, c.id, c.legend)) > 200, `${where}: legend box is empty`);
      // Every title line fits between the canvas edges (the chart's 8 px margins).
      for (const [i, w] of c.lineWidths.entries()) {
        assert.ok(w <= c.width - 16 + 1, `${where}: title line "${c.lines[i]}" is ${w} px in ${c.width} px`);
      }
      assert.match(c.lines.join(" "), /\S/, `${where}: title missing`);
    }
    await screenshot(page, `charts-compare4-${size.width}x${size.height}`);
    assert.deepEqual(problems, []);
    await page.close();
  });
}

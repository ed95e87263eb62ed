// The lecture's story on one projector screen: presentation mode fits the
// network, the angle charts and the feedback matrices of both runs into
// 1280×720 and 1920×1080 without scrolling; the diagrams' text is 14 px or more
// with enough contrast; the travelling δ markers are big, yellow and on top.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appSession, screenshot, until, urlHolds } from "./harness.mjs";

const app = appSession();

const RULES = ["bp", "fa"];
const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
];
// web/src/pages/rules/network_view.rs: DOT_FILL and DOT_RADIUS.
const MARKER_FILL = "#ffd600";

/** What must be on screen while the lecturer talks, by name and selector. */
function storyParts() {
  const parts = [
    ["play", '[data-testid="play"]'],
    ["step", '[data-testid="step"]'],
    ["reset", '[data-testid="reset"]'],
    ["update-angle chart", '[data-testid="chart-update-angle"]'],
    ["weight-angle chart", '[data-testid="chart-weight-angle"]'],
  ];
  for (const rule of RULES) {
    parts.push([`${rule} readout`, `[data-testid="metric-step"][data-rule="${rule}"]`]);
    parts.push([`${rule} network`, `[data-view="network"][data-rule="${rule}"] svg`]);
    for (const matrix of ["wt", "b", "diff"]) {
      parts.push([`${rule} ${matrix}`, `[data-view="feedback"][data-rule="${rule}"] [data-testid="heatmap-1-${matrix}"] canvas`]);
    }
  }
  return parts;
}

/** The parts whose bounding box is not wholly inside the viewport, with their boxes. */
async function outside(page, { width, height }) {
  const out = [];
  for (const [name, selector] of storyParts()) {
    const boxes = await page.locator(selector).evaluateAll((elements) =>
      elements.map((e) => {
        const r = e.getBoundingClientRect();
        return { x: r.x, y: r.y, right: r.right, bottom: r.bottom, w: r.width, h: r.height };
      }),
    );
    if (boxes.length !== 1) {
      out.push(`${name}: ${boxes.length} found`);
      continue;
    }
    const [b] = boxes;
    if (b.w <= 0 || b.h <= 0 || b.x < 0 || b.y < 0 || b.right > width || b.bottom > height) {
      out.push(`${name}: ${JSON.stringify(b)}`);
    }
  }
  return out;
}

async function openStory(size) {
  const opened = await app.open("?present=1", size);
  const { page } = opened;
  await page.getByTestId("presentation").waitFor();
  for (const rule of RULES) {
    await page.locator(`[data-view="feedback"][data-rule="${rule}"] [data-testid="heatmap-1-diff"] canvas`).waitFor();
    await page.locator(`[data-view="network"][data-rule="${rule}"] svg circle`).first().waitFor();
  }
  return opened;
}

test("presentation mode: network, angle charts and Wᵀ | B | B − Wᵀ of both runs fit one screen", async () => {
  for (const size of SIZES) {
    const { page, problems } = await openStory(size);
    const missing = await until(() => outside(page, size), (o) => o.length === 0, 10_000);
    assert.deepEqual(missing, [], `${size.width}×${size.height}: outside the viewport`);
    const scroll = await page.evaluate(() => [document.documentElement.scrollHeight, document.documentElement.scrollWidth]);
    assert.ok(scroll[0] <= size.height && scroll[1] <= size.width, `${size.width}×${size.height}: the page scrolls (${scroll})`);
    // Training runs from the bar, and the story stays on screen while it does.
    await page.getByTestId("play").click();
    await until(() => page.locator('[data-testid="metric-step"][data-rule="fa"]').innerText(), (t) => Number(t) >= 200, 30_000);
    assert.deepEqual(await outside(page, size), [], `${size.width}×${size.height}: outside while training`);
    await screenshot(page, `present-${size.width}x${size.height}`);
    assert.deepEqual(problems, []);
    await page.close();
  }
});

test("p and the button switch presentation mode, and the address says so", async () => {
  for (const size of SIZES) {
    const { page, problems } = await app.open("", size);
    await page.locator('[data-testid="metric-step"][data-rule="fa"]').waitFor();
    await page.locator('[data-view="feedback"] [data-testid="heatmap-1-diff"] canvas').first().waitFor();
    await screenshot(page, `default-${size.width}x${size.height}`);
    assert.equal(await page.getByTestId("presentation").count(), 0, "a link without present opens as before");
    await page.keyboard.press("p");
    await page.getByTestId("presentation").waitFor();
    assert.match(await urlHolds(page, "present=1"), /present=1/);
    await page.keyboard.press("p");
    await page.locator('[data-view="curves"]').first().waitFor();
    assert.equal(await page.getByTestId("presentation").count(), 0);
    assert.doesNotMatch(await until(() => page.url(), (u) => !u.includes("present")), /present/);
    // The control panel's button, and the bar's way back.
    await page.getByTestId("present").click();
    await page.getByTestId("presentation").waitFor();
    await page.getByTestId("present").click();
    await page.locator('[data-view="curves"]').first().waitFor();
    assert.deepEqual(problems, []);
    await page.close();
  }
  const { page } = await app.open("?present=1", { width: 390, height: 844 });
  await page.getByTestId("presentation").waitFor();
  await page.locator('[data-view="network"] svg circle').first().waitFor();
  await screenshot(page, "present-phone-390x844");
  await page.close();
  const phone = await app.open("", { width: 390, height: 844 });
  await phone.page.locator('[data-testid="metric-step"]').first().waitFor();
  await screenshot(phone.page, "default-phone-390x844");
  await phone.page.close();
});

/**
 * Every visible SVG text: its rendered font size in px (computed size in user
 * units times the screen scale) and its contrast against the background it sits on.
 */
function measureSvgText(page) {
  return page.evaluate(() => {
    const rgb = (text) => (text.match(/[\d.]+/g) ?? []).slice(0, 4).map(Number);
    const luminance = ([r, g, b]) => {
      const c = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * c(r) + 0.7152 * c(g) + 0.0722 * c(b);
    };
    const background = (element) => {
      for (let e = element; e; e = e.parentElement) {
        const colour = rgb(getComputedStyle(e).backgroundColor);
        if (colour.length === 3 || (colour.length === 4 && colour[3] > 0)) return colour.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const out = [];
    for (const t of document.querySelectorAll("svg text")) {
      if (!t.textContent.trim() || t.getClientRects().length === 0) continue;
      const style = getComputedStyle(t);
      const px = parseFloat(style.fontSize) * t.getScreenCTM().a;
      const fill = rgb(style.fill);
      const [a, b] = [luminance(fill), luminance(background(t.ownerSVGElement))];
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      out.push({ text: t.textContent.slice(0, 30), cls: t.getAttribute("class"), px: +px.toFixed(1), ratio: +ratio.toFixed(2) });
    }
    return out;
  });
}

test("diagram text is 14 px or more at 1280×720, with contrast of 4.5:1 or more", async () => {
  for (const query of ["", "?present=1", "?page=cerebellum", "?page=microcircuit"]) {
    const { page, problems } = await app.open(query, { width: 1280, height: 720 });
    await page.locator("svg text").first().waitFor();
    const texts = await measureSvgText(page);
    assert.ok(texts.length >= 5, `${query}: only ${texts.length} texts`);
    const small = texts.filter((t) => t.px < 14);
    assert.deepEqual(small, [], `${query || "default"}: text under 14 px`);
    const faint = texts.filter((t) => t.ratio < 4.5);
    assert.deepEqual(faint, [], `${query || "default"}: contrast under 4.5:1`);
    if (query.startsWith("?page=")) await screenshot(page, `legible-${query.slice(6)}-1280x720`);
    assert.deepEqual(problems, []);
    await page.close();
  }
});

test("the δ markers are 10 px or more, yellow, on top of the edges and restart with each update", async () => {
  const { page, problems } = await app.open("?task=xor", { width: 1280, height: 720 });
  await page.locator('[data-testid="metric-step"][data-rule="fa"]').waitFor();
  await page.getByTestId("play").click();
  const dot = page.locator('[data-rule="fa"] .nv-dot').first();
  await dot.waitFor({ state: "attached" });
  const marker = await dot.evaluate((c) => {
    const svg = c.ownerSVGElement;
    const others = [...svg.querySelectorAll("path, circle:not(.nv-dot)")].filter(
      (e) => [e.getAttribute("fill"), e.getAttribute("stroke")].includes(c.getAttribute("fill")),
    );
    window.__firstMarker = c;
    return {
      across: 2 * Number(c.getAttribute("r")) * c.getScreenCTM().a,
      fill: c.getAttribute("fill"),
      onTop: svg.lastElementChild === c.parentElement,
      sharing: others.length,
    };
  });
  assert.ok(marker.across >= 10, `markers are ${marker.across} px across`);
  assert.equal(marker.fill, MARKER_FILL);
  assert.equal(marker.sharing, 0, "no edge or node shares the markers' colour");
  assert.ok(marker.onTop, "markers are drawn after (on top of) the edges and nodes");
  // A newer logged step sends a fresh marker on its way.
  const replaced = await until(
    () => page.evaluate(() => !window.__firstMarker.isConnected),
    (gone) => gone,
    15_000,
  );
  assert.ok(replaced, "the markers restart when a new step arrives");
  await screenshot(page, "delta-markers-xor");
  assert.deepEqual(problems, []);
  await page.close();
});

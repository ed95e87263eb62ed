// The lecture fits a projector's 1280×720 (web/src/pages/tour/, static/style.css): at
// every step, walked with PageDown in one page, the step's text column (its text, the
// prediction's outcome and what to look at) and its side panel (the inspector, the
// concept check) are on the screen and do not scroll inside, the page does not scroll,
// and the parts of the demonstration "Look at" names (the frame's `data-look`) are
// drawn inside the frame's view once it runs. Before the prediction the question
// stands on the paused demonstration: it, the text and the frame are on the screen. At 1920×1080 the text is larger and the
// demonstration is drawn at 1.5×.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appSession, screenshot, until } from "./harness.mjs";

const app = appSession();

/** What does not fit at this moment: the tour's panels that scroll inside or leave the screen. */
function misfits(page) {
  return page.evaluate(() => {
    const found = [];
    const panels = [".tour-text", ".tour-side", '[data-testid="tour-predict"]', '[data-testid="tour-frame"]', ".tour-bar"];
    for (const selector of panels) {
      for (const panel of document.querySelectorAll(selector)) {
        const r = panel.getBoundingClientRect();
        if (r.top < -0.5 || r.left < -0.5 || r.bottom > innerHeight + 0.5 || r.right > innerWidth + 0.5) {
          found.push(`${selector} leaves the ${innerWidth}×${innerHeight} screen: ${Math.round(r.top)}–${Math.round(r.bottom)} × ${Math.round(r.left)}–${Math.round(r.right)}`);
        }
        if (panel.scrollHeight > panel.clientHeight + 1) {
          found.push(`${selector} scrolls inside: ${panel.scrollHeight} px of content in ${panel.clientHeight}`);
        }
      }
    }
    const frame = document.querySelector('[data-testid="tour-frame"]');
    if (frame && frame.getBoundingClientRect().height < 300) found.push(`the frame is ${frame.getBoundingClientRect().height} px tall`);
    const page = document.documentElement;
    if (page.scrollHeight > innerHeight || page.scrollWidth > innerWidth) found.push(`the page scrolls: ${page.scrollWidth}×${page.scrollHeight}`);
    return found;
  });
}

/**
 * Where the parts "Look at" names are in the frame's view: per selector of `data-look`,
 * whether it is drawn, and the parts outside the view (above its sticky bar, or below).
 */
function lookParts(page) {
  return page.evaluate(() => {
    const frame = document.querySelector('[data-testid="tour-frame"]');
    const view = frame.contentWindow;
    const document_ = frame.contentDocument;
    if (!view || !document_) return { drawn: false, outside: ["no document"] };
    const bar = document_.querySelector(".embed-bar")?.getBoundingClientRect().bottom ?? 0;
    let drawn = true;
    const outside = [];
    for (const selector of frame.dataset.look.split(";")) {
      const parts = [...document_.querySelectorAll(selector)].filter((p) => p.getBoundingClientRect().height > 0);
      if (parts.length === 0) drawn = false;
      for (const part of parts) {
        const r = part.getBoundingClientRect();
        if (r.top < bar - 1 || r.bottom > view.innerHeight + 1 || r.right > view.innerWidth + 1) {
          outside.push(`${selector}: ${Math.round(r.top)}–${Math.round(r.bottom)} in a view of ${view.innerHeight} below a bar to ${Math.round(bar)}`);
        }
      }
    }
    return { drawn, outside };
  });
}

async function assertFits(page, id, when, { parts = true } = {}) {
  assert.deepEqual(await misfits(page), [], `${id} (${when})`);
  if (!parts || (await page.getByTestId("tour-frame").count()) === 0) return;
  // Drawn, then brought into view by the tour; the digits step draws its fields once the digits are in.
  const look = await until(() => lookParts(page), (l) => l.drawn && l.outside.length === 0, 60_000);
  assert.ok(look.drawn, `${id} (${when}): the parts to look at are not drawn`);
  assert.deepEqual(look.outside, [], `${id} (${when}): the parts to look at are outside the frame's view`);
}

test("every step fits 1280×720: nothing scrolls, and what to look at is in the frame's view", async () => {
  const { page, problems } = await app.open("?page=tour", { width: 1280, height: 720 });
  const total = Number((await page.getByTestId("tour-step").innerText()).split("/")[1]);
  for (let index = 0; index < total; index++) {
    const id = await until(
      () => page.getByTestId("tour").getAttribute("data-step"),
      () => true,
      5_000,
    );
    assert.equal(await page.getByTestId("tour-step").innerText(), `${index + 1} / ${total}`);
    const choices = page.getByTestId("predict-choice");
    if ((await choices.count()) > 0) {
      // The question stands on the paused demonstration: it, the text and the frame fit.
      await assertFits(page, id, "asked", { parts: false });
      await choices.first().click();
      await page.getByTestId("predict-verdict").waitFor();
    }
    await assertFits(page, id, "running");
    if (id === "concept-check") {
      // Every question answered, every explanation shown: still one screen.
      const questions = page.getByTestId("quiz-question");
      for (let q = 0; q < (await questions.count()); q++) {
        await questions.nth(q).getByTestId("quiz-choice").first().click();
      }
      await until(() => page.getByTestId("quiz-feedback").count(), (n) => n === 5, 5_000);
      await assertFits(page, id, "answered");
    }
    if (["kolen-pollack", "locality", "concept-check", "two-phases"].includes(id)) {
      await screenshot(page, `tour-fit-${id}-1280x720`);
    }
    if (index + 1 < total) {
      await page.keyboard.press("PageDown");
      await until(() => page.getByTestId("tour-step").innerText(), (p) => p === `${index + 2} / ${total}`, 5_000);
    }
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test("at 1920×1080 the text is larger and the demonstration is drawn at 1.5×, and it still fits", async () => {
  const { page, problems } = await app.open("?page=tour&step=kolen-pollack", { width: 1920, height: 1080 });
  await page.getByTestId("predict-choice").first().click();
  await page.getByTestId("predict-verdict").waitFor();
  await assertFits(page, "kolen-pollack", "1920×1080");
  await page.frameLocator('[data-testid="tour-frame"]').locator(".readout b").first().waitFor();
  const sizes = await page.evaluate(() => {
    const frame = document.querySelector('[data-testid="tour-frame"]');
    const readout = frame.contentDocument.querySelector(".readout b");
    return {
      text: parseFloat(getComputedStyle(document.querySelector(".tour-text h2 ~ p")).fontSize),
      scale: frame.contentWindow.devicePixelRatio,
      readout: parseFloat(frame.contentWindow.getComputedStyle(readout).fontSize) * frame.contentWindow.devicePixelRatio,
    };
  });
  assert.ok(sizes.text >= 25, `text ${sizes.text} px`);
  assert.equal(sizes.scale, 1.5);
  assert.ok(sizes.readout >= 24, `the demonstration's numbers are ${sizes.readout} px on the screen`);
  await screenshot(page, "tour-fit-kolen-pollack-1920x1080");
  assert.deepEqual(problems, []);
  await page.close();
});

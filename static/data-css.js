// Inline styles through the CSSOM. A strict Content-Security-Policy (default-src
// 'self') refuses style="…" attributes in markup, but not styles a script sets on an
// element's style object. So the pages write an element's computed styles (a rule's
// colour, a bar's width, a cell's shade) as data-css="…", and this copies each one,
// whenever it appears or changes, to the element's style before the frame is painted.
// index.html loads it before the app; the browser tests (web/tests/common) run the same
// file, so what they measure is what the page shows.
(() => {
  const applyCss = (element) => {
    element.style.cssText = element.dataset.css ?? "";
  };
  new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === "attributes") applyCss(record.target);
      for (const node of record.addedNodes) {
        if (node.nodeType !== Node.ELEMENT_NODE) continue;
        if (node.dataset?.css !== undefined) applyCss(node);
        node.querySelectorAll("[data-css]").forEach(applyCss);
      }
    }
  }).observe(document.documentElement, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ["data-css"],
  });
  document.querySelectorAll("[data-css]").forEach(applyCss);
})();

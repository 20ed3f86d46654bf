// A table wider than the screen scrolls inside its .table-wrap (at 390 px, say). Keyboard users
// reach a scrolling region only when it can take focus (WCAG 2.1.1; axe:
// scrollable-region-focusable), so each one that scrolls gets tabindex="0" and a name from the
// nearest heading; one that fits stays out of the tab order.
(function () {
  function heading(wrap) {
    const section = wrap.closest("section, article, main");
    const h = section && section.querySelector("h1, h2, h3");
    return h ? h.textContent.trim() : "Table";
  }
  function mark() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      const scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      if (scrolls && !wrap.hasAttribute("tabindex")) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", heading(wrap) + " (scrolls sideways)");
        wrap.dataset.scrollRegion = "true";
      } else if (!scrolls && wrap.dataset.scrollRegion) {
        ["tabindex", "role", "aria-label", "data-scroll-region"].forEach(function (name) {
          wrap.removeAttribute(name);
        });
      }
    });
  }
  mark();
  window.addEventListener("resize", mark);
})();

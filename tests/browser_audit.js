// Layout, target-size and image checks run inside the page by tests/test_browser.py.
// One function, so a page costs one round trip; returns plain data for the assertions.
async () => {
  const viewportWidth = document.documentElement.clientWidth;
  const viewportHeight = window.innerHeight;

  const describe = (element) => {
    const text = (element.innerText || element.getAttribute("alt") || element.getAttribute("aria-label") || "")
      .trim().replace(/\s+/g, " ").slice(0, 50);
    const classes = element.classList.length ? "." + [...element.classList].join(".") : "";
    return `<${element.tagName.toLowerCase()}${classes}> "${text}"`;
  };

  // Shown on screen: not hidden, not clipped away inside a 1 px box (visually hidden).
  const isRendered = (element) => {
    const style = getComputedStyle(element);
    if (style.visibility === "hidden" || style.display === "none") return false;
    const box = element.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) return false;
    for (let parent = element.parentElement; parent; parent = parent.parentElement) {
      const clip = parent.getBoundingClientRect();
      if (getComputedStyle(parent).overflow !== "visible" && (clip.width <= 1 || clip.height <= 1)) return false;
    }
    return true;
  };

  // Images first: make lazy ones load so their sizes can be compared.
  const images = [...document.images];
  for (const image of images) image.loading = "eager";
  await Promise.all(images.map((image) => image.decode().catch(() => null)));

  // 1. The page itself never scrolls sideways.
  const overflow = [];
  if (document.documentElement.scrollWidth > viewportWidth) {
    for (const element of document.body.querySelectorAll("*")) {
      const box = element.getBoundingClientRect();
      if (box.right > viewportWidth + 0.5 && isRendered(element)) overflow.push(describe(element));
      if (overflow.length >= 5) break;
    }
    overflow.unshift(`page is ${document.documentElement.scrollWidth}px wide in a ${viewportWidth}px viewport`);
  }

  // 2. Every cell of a comparison table or the condition matrix is inside the viewport
  //    and not clipped by a scrolling ancestor.
  const hiddenCells = [];
  for (const cell of document.querySelectorAll("table.comparison :is(th, td), table.matrix :is(th, td)")) {
    if (!isRendered(cell)) continue;
    const box = cell.getBoundingClientRect();
    let visible = box.left >= -0.5 && box.right <= viewportWidth + 0.5;
    for (let parent = cell.parentElement; visible && parent; parent = parent.parentElement) {
      if (getComputedStyle(parent).overflowX !== "visible") {
        const clip = parent.getBoundingClientRect();
        visible = box.left >= clip.left - 0.5 && box.right <= clip.right + 0.5;
      }
    }
    if (!visible) hiddenCells.push(`${describe(cell)} spans x ${Math.round(box.left)}..${Math.round(box.right)}`);
  }

  // 3. Targets at least 24 by 24 CSS px, or spaced so that a 24 px circle around each
  //    touches no other target (WCAG 2.2, 2.5.8). Links inside a sentence are exempt.
  const selector = "a[href], button, summary, input, select, textarea, [tabindex]:not([tabindex='-1'])";
  const targets = [...document.querySelectorAll(selector)].filter((element) => {
    if (!isRendered(element)) return false;
    const closedDetails = element.closest("details:not([open])");
    return !closedDetails || element.matches("details > summary") && element.parentElement === closedDetails;
  });
  const inSentence = (element) => {
    if (getComputedStyle(element).display !== "inline") return false;
    const block = element.parentElement.closest("p, li, td, dd, figcaption, blockquote") || element.parentElement;
    return block.textContent.trim().length > element.textContent.trim().length + 1;
  };
  const boxes = targets.map((element) => element.getBoundingClientRect());
  const small = targets.map((element, index) =>
    (boxes[index].width < 23.95 || boxes[index].height < 23.95) && !inSentence(element));
  const smallTargets = [];
  targets.forEach((element, index) => {
    if (!small[index]) return;
    const box = boxes[index];
    const cx = box.left + box.width / 2, cy = box.top + box.height / 2;
    const crowded = targets.some((other, j) => {
      if (j === index || other.contains(element) || element.contains(other)) return false;
      const o = boxes[j];
      if (small[j]) {
        const ox = o.left + o.width / 2, oy = o.top + o.height / 2;
        if (Math.hypot(cx - ox, cy - oy) < 24) return true;
      }
      const dx = Math.max(o.left - cx, 0, cx - o.right), dy = Math.max(o.top - cy, 0, cy - o.bottom);
      return Math.hypot(dx, dy) < 12;
    });
    if (crowded) smallTargets.push(`${describe(element)} is ${Math.round(box.width)}x${Math.round(box.height)}`);
  });

  // 4. Every image loaded, with width/height attributes of its real proportions,
  //    and is shown in those proportions.
  const imageProblems = [];
  for (const image of images) {
    const name = image.currentSrc || image.src;
    const width = Number(image.getAttribute("width")), height = Number(image.getAttribute("height"));
    if (!image.complete || image.naturalWidth === 0) { imageProblems.push(`${name} did not load`); continue; }
    if (!width || !height) { imageProblems.push(`${name} has no width and height attributes`); continue; }
    const declared = width / height, natural = image.naturalWidth / image.naturalHeight;
    if (Math.abs(declared - natural) / natural > 0.02) {
      imageProblems.push(`${name} is declared ${width}x${height} but is ${image.naturalWidth}x${image.naturalHeight}`);
    }
    const box = image.getBoundingClientRect();
    if (box.width > 1 && box.height > 1 && !image.closest(".visually-hidden")) {
      const shown = box.width / box.height;
      const fit = getComputedStyle(image).objectFit;
      if (fit !== "cover" && fit !== "contain" && Math.abs(shown - declared) / declared > 0.02) {
        imageProblems.push(`${name} is shown at ${Math.round(box.width)}x${Math.round(box.height)}, distorted`);
      }
    }
  }

  // 5. The header (with its menu) takes at most 15 % of a phone's first screen.
  const header = document.querySelector(".site-header");
  const headerHeight = header ? header.getBoundingClientRect().height : 0;

  // 6. The Book and Call buttons a visitor sees on the first screen, without scrolling
  //    (phone numbers written in an address are information, not extra buttons).
  const firstScreen = { book: [], call: [] };
  for (const [index, element] of targets.entries()) {
    const box = boxes[index];
    if (box.bottom <= 0 || box.top >= viewportHeight || !element.matches(".button")) continue;
    const label = (element.innerText || element.getAttribute("aria-label") || "").trim();
    if (/^book\b/i.test(label)) firstScreen.book.push(describe(element));
    else if (/^call\b/i.test(label) || (element.getAttribute("href") || "").startsWith("tel:")) firstScreen.call.push(describe(element));
  }

  // 7. The header's own Book and Call (wide screens have no sticky bar).
  const headerTargets = targets.filter((element) => element.closest(".site-header"));
  const desktopHeader = {
    book: headerTargets.filter((element) => /^book\b/i.test(element.innerText.trim())).map(describe),
    call: headerTargets.filter((element) => /^call\b/i.test(element.innerText.trim())).map(describe),
  };

  // The sticky bar, when shown, for the focus walk.
  const bar = document.querySelector(".sticky-cta");
  const barShown = !!bar && getComputedStyle(bar).display !== "none" && getComputedStyle(bar).position === "fixed";

  return {
    viewportWidth, viewportHeight, overflow, hiddenCells, smallTargets, imageProblems,
    headerHeight, barShown, targetCount: targets.length, firstScreen, desktopHeader,
  };
}

// Zoom and pan for an SVG drawing: the wheel zooms around the pointer, a drag pans, and
// buttons zoom in, out and fit. Only one attribute changes (the `transform` of the drawing's
// group), once per animation frame, so a 500-node DAG moves without re-laying anything out.

const MIN = 0.1;
const MAX = 3;

export function panZoom(svgElement, group, { width, height }) {
  const view = { x: 0, y: 0, k: 1 };
  let frame = 0;
  const apply = () => {
    frame = 0;
    group.setAttribute("transform", `translate(${view.x.toFixed(1)},${view.y.toFixed(1)}) scale(${view.k.toFixed(4)})`);
    svgElement.dataset.scale = view.k.toFixed(4);
  };
  const schedule = () => {
    if (!frame) frame = requestAnimationFrame(apply);
  };
  const box = () => svgElement.getBoundingClientRect();
  const zoomAt = (factor, px, py) => {
    const k = Math.min(MAX, Math.max(MIN, view.k * factor));
    view.x = px - ((px - view.x) * k) / view.k;
    view.y = py - ((py - view.y) * k) / view.k;
    view.k = k;
    schedule();
  };
  // The whole drawing in view; never larger than life, and (for huge graphs) never smaller
  // than readable at the top: the rest is a pan away.
  const fit = ({ readable = false } = {}) => {
    const { width: w, height: h } = box();
    if (!w || !h) return;
    let k = Math.min(1, (w - 20) / width, (h - 20) / height);
    if (readable) k = Math.max(k, Math.min(1, 0.55, (w - 20) / width));
    view.k = Math.max(MIN, k);
    view.x = (w - width * view.k) / 2;
    view.y = height * view.k < h ? (h - height * view.k) / 2 : 10;
    apply();
  };

  svgElement.addEventListener(
    "wheel",
    (event) => {
      event.preventDefault();
      const { left, top } = box();
      zoomAt(Math.exp(-event.deltaY * 0.0015), event.clientX - left, event.clientY - top);
    },
    { passive: false },
  );
  let drag = null;
  let moved = false;
  svgElement.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    drag = { x: event.clientX, y: event.clientY, vx: view.x, vy: view.y, id: event.pointerId };
    moved = false;
  });
  svgElement.addEventListener("pointermove", (event) => {
    if (!drag) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (!moved && Math.abs(dx) + Math.abs(dy) < 4) return;
    if (!moved) {
      moved = true;
      svgElement.setPointerCapture(drag.id);
      svgElement.classList.add("panning");
    }
    view.x = drag.vx + dx;
    view.y = drag.vy + dy;
    schedule();
  });
  const release = () => {
    drag = null;
    svgElement.classList.remove("panning");
  };
  svgElement.addEventListener("pointerup", release);
  svgElement.addEventListener("pointercancel", release);
  // A drag that started on a node must not also follow its link.
  svgElement.addEventListener(
    "click",
    (event) => {
      if (moved) {
        event.preventDefault();
        event.stopPropagation();
        moved = false;
      }
    },
    true,
  );
  const center = () => {
    const { width: w, height: h } = box();
    return [w / 2, h / 2];
  };
  return {
    zoomIn: () => zoomAt(1.25, ...center()),
    zoomOut: () => zoomAt(0.8, ...center()),
    fit,
    resize(size) {
      width = size.width;
      height = size.height;
    },
    get transform() {
      return { ...view };
    },
  };
}

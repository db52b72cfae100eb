// The goal editor's live figures (workspace/goal_form.py). Without this file the page works
// by posting back: "Update figures", a date preset and "Use as baseline" re-render the form.
// With it, the figures follow the fields as they change (GET /goals/preview answers the panel
// rendered by the server), a preset fills Start and End, and "Use as baseline" fills Baseline.
(() => {
  "use strict";
  const form = document.getElementById("goal-form");
  const panel = document.getElementById("goal-figures");
  if (!form || !panel) return;

  // The fields the figures depend on (workspace.goal_forms.PreviewForm).
  const FIELDS = ["metric", "channels", "handled_by", "start", "end", "target"];
  const url = form.dataset.previewUrl;
  let timer = null;
  let pending = null;

  function query() {
    const data = new FormData(form);
    const params = new URLSearchParams();
    for (const name of FIELDS) {
      for (const value of data.getAll(name)) params.append(name, value);
    }
    for (const slug of (form.dataset.scopeDepartments || "").split(" ")) {
      if (slug) params.append("scope_departments", slug);
    }
    return params;
  }

  async function refresh() {
    clearTimeout(timer);
    if (pending) pending.abort();
    pending = new AbortController();
    panel.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(`${url}?${query()}`, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: pending.signal,
      });
      const body = await response.json();
      // 200 and 400 alike carry the panel as the server renders it (figures, or what they need).
      panel.innerHTML = body.html;
      panel.dataset.live = "updated";
    } catch (error) {
      if (error.name !== "AbortError") {
        panel.dataset.live = "failed";
      }
    } finally {
      panel.removeAttribute("aria-busy");
    }
  }

  function soon() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  }

  function changed(event) {
    if (FIELDS.includes(event.target.name)) soon();
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);

  form.addEventListener("click", (event) => {
    const button = event.target.closest("button[name]");
    if (!button) return;
    if (button.name === "preset") {
      event.preventDefault();
      form.elements.start.value = button.dataset.start;
      form.elements.end.value = button.dataset.end;
      refresh();
    } else if (button.name === "use_baseline") {
      event.preventDefault();
      form.elements.baseline.value = button.value;
      form.elements.baseline.focus();
    } else if (button.name === "figures") {
      event.preventDefault();
      refresh();
    }
  });

  panel.dataset.live = "on";
})();

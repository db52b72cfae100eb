/* Clientside callbacks of the dashboards' shell: pure string work on the address, so a filter
   change costs no extra round trip. dashboards/app.py registers them. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  cx: {
    /* The page's filter values into the query string; keys the page has no control for are
       kept. Returns no_update when every filter "changed" at once: the page's filters were
       just created from the address, there is nothing to write back. */
    filtersToUrl: function (values, starts, ends, asOf, ids, search) {
      const triggered = (window.dash_clientside.callback_context || {}).triggered || [];
      if (triggered.length === values.length + starts.length + ends.length + asOf.length) {
        return window.dash_clientside.no_update;
      }
      const params = new URLSearchParams(search || "");
      const state = {};
      if (starts.length) { state.start = starts[0] || ""; state.end = ends[0] || ""; }
      if (asOf.length) { state.as_of = asOf[0] || ""; }
      ids.forEach(function (id, i) { state[id.name] = values[i]; });
      Object.keys(state).forEach(function (key) {
        let value = state[key];
        params.delete(key);
        if (Array.isArray(value)) { value = value.join(","); }
        if (value === null || value === undefined) { value = ""; }
        if (value !== "" || key === "start" || key === "end") { params.set(key, value); }
      });
      const query = params.toString().replace(/%2C/g, ",");
      return query ? "?" + query : "";
    },
    /* Navigation links keep the shared filters; the current page's link is active. */
    navLinks: function (search, pathname, paths) {
      const shared = ["start", "end", "channel", "department", "handled_by"];
      const params = new URLSearchParams(search || "");
      const kept = new URLSearchParams();
      params.forEach(function (value, key) { if (shared.includes(key)) { kept.append(key, value); } });
      const query = kept.toString().replace(/%2C/g, ",");
      const carried = query ? "?" + query : "";
      const here = (pathname || "/dashboards/").replace(/\/$/, "");
      const hrefs = paths.map(function (path) { return path + carried; });
      const active = paths.map(function (path) { return path.replace(/\/$/, "") === here; });
      return hrefs.concat(active);
    },
  },
});

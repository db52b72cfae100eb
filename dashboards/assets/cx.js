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
    /* A table's page of rows (components.table): the first page when new rows arrive, else
       the page chosen in its pager. Plain HTML cells, each naming its column. */
    tablePage: function (data, active) {
      const triggered = (window.dash_clientside.callback_context || {}).triggered || [];
      const renewed = triggered.some(function (t) { return /\.data$/.test(t.prop_id); });
      const rows = (data && data.rows) || [];
      const columns = (data && data.columns) || [];
      const size = (data && data.page_size) || 12;
      const pages = Math.max(1, Math.ceil(rows.length / size));
      const page = renewed ? 1 : Math.min(Math.max(active || 1, 1), pages);
      const first = (page - 1) * size;
      const shown = rows.slice(first, first + size);
      const el = function (type, props) {
        return {type: type, namespace: "dash_html_components", props: props};
      };
      const align = function (column) { return column.numeric ? "text-end" : undefined; };
      const head = el("Thead", {children: el("Tr", {children: columns.map(function (c) {
        return el("Th", {children: c.name, className: align(c)});
      })})});
      const body = shown.length ? shown.map(function (row) {
        return el("Tr", {children: columns.map(function (c) {
          const value = row[c.id];
          const props = {children: value === null || value === undefined ? "" : String(value),
                         className: align(c)};
          props["data-column"] = c.id;
          return el("Td", props);
        })});
      }) : [el("Tr", {className: "text-muted", children: el("Td", {
        colSpan: Math.max(columns.length, 1), children: "Nothing to list for these filters."})})];
      const table = el("Table", {
        className: "table table-sm table-hover align-middle mb-0 cx-data-table",
        children: [head, el("Tbody", {children: body})],
      });
      const count = rows.length > size
        ? "rows " + (first + 1) + "–" + (first + shown.length) + " of " + rows.length
        : rows.length + (rows.length === 1 ? " row" : " rows");
      return [table, pages, page, pages > 1 ? "mt-2 mb-0" : "d-none", count];
    },
    /* One cell of an export, the rule of cxmetrics/csvsafe.py (the same cases pin both:
       tests/payloads/csv-formula-cases.json). Customers' own words may start with = + - @,
       also after spaces or control characters a spreadsheet skips: such text gets an
       apostrophe; numbers, and text that is exactly a decimal number, are left. */
    csvCell: function (value) {
      if (value === null || value === undefined) { return ""; }
      const text = String(value);
      if (typeof value === "number" || /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) {
        return text;
      }
      const first = text.replace(/^[\x00-\x20]+/, "").charAt(0);
      const formula = /^[\t\r]/.test(text) || (first !== "" && "=+-@".includes(first));
      return formula ? "'" + text : text;
    },
    /* Every row of a table as CSV, as shown, each cell through csvCell. */
    tableCsv: function (clicks, data) {
      const field = function (value) {
        const text = window.dash_clientside.cx.csvCell(value);
        return /[",\n\r]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
      };
      const columns = data.columns;
      const lines = [columns.map(function (c) { return field(c.name); }).join(",")].concat(
        data.rows.map(function (row) {
          return columns.map(function (c) { return field(row[c.id]); }).join(",");
        }));
      const trigger = window.dash_clientside.callback_context.triggered[0].prop_id;
      const name = trigger.replace(/-export\.n_clicks$/, "");
      return {content: lines.join("\r\n") + "\r\n", filename: "cxmetrics-" + name + ".csv",
              type: "text/csv", base64: false};
    },
  },
});


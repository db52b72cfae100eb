/* Filter changes only rewrite the query string (no Dash navigation), so Back and Forward
   between two sets of filters must render the page again from the address. */
window.addEventListener("popstate", function () {
  window.location.reload();
});

"""The app's icon, inline as an SVG data address: pages carry it and ask the server for no
favicon. Used by the Django pages (`{% icon_href %}`) and the dashboards' index page."""

ICON = (
    "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E"
    "%3Crect width='32' height='32' rx='6' fill='%231f2933'/%3E%3Ctext x='16' y='22' "
    "font-family='sans-serif' font-size='16' font-weight='700' fill='%23fff' "
    "text-anchor='middle'%3Ecx%3C/text%3E%3C/svg%3E"
)

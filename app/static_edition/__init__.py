"""The static edition: every chart card of the dashboard baked into plain HTML pages (with the
chart's figure inline, drawn by the site's own plotly.js), embeds, CSV, PNG and SVG, from the same
release, card registry and caption model as the app. `python -m etl site` bakes it (site.py
publishes, bake.py bakes, render.py prints a card's Caption as HTML). The Streamlit server never
imports this package: readers of the edition need no Python at all."""

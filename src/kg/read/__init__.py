"""The read layer: what the pages, the search box and the pictures show, as plain data.

Every function here takes a query store (kg.store.QueryStore: the embedded pyoxigraph store
or a remote one) and returns dataclasses, dicts and strings; nothing here knows Flask, HTML
or SVG. The web surfaces (kg.web) route, negotiate and render what these functions return.
"""

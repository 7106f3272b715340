"""Publishing targets behind one small interface; flows and the CLI never import a client library.

`base.Portal` is the interface, `socrata.SocrataPortal` (sodapy) and `ckan.CkanPortal` (ckanapi)
the adapters; `records`, `diff` and `state` are portal-neutral and shared by both.
"""

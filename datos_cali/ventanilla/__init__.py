"""La ventanilla: the organismos' web channel and the office's status page.

The same pipeline seen from a browser, not a second one: an upload is archived by SHA-256
(`datos_cali.archive`), analysed by the function behind `datos-cali validate`
(`datos_cali.precheck`), and a file the clerk sends is handed to the dataset's inbox
(`datos_cali.sources.inbox.hand_in`) for the next run; what became of it is read back from the
run ledger. Accounts, sessions, uploads, receipts, notices and the audit log live in the
ledger's database (`datos_cali.ledger.ventanilla`).

    config      settings from the environment (secret, public URL, SMTP, limits)
    store       the tables: one short transaction per question
    accounts    users, Argon2 passwords, one-time links, sign-in throttling
    security    session cookies, CSRF tokens, security headers
    uploads     multipart bodies streamed to disk, names and contents checked
    checking    the pre-check of an upload and its list of every row to fix
    history     submissions and what the runs made of them
    status      the office's status page (also `datos-cali estado`)
    mail, notices   e-mail by SMTP URL; the notices and when they are due
    immediate   an optional run right away, through Prefect's REST API
    service     what every page shares: settings, tables, who may see and do what, rendering
    signin, receiving, submissions, office   the pages; `pages` lists their routes
    app, server the Starlette application (errors, the notice loop); uvicorn

Nothing here imports Prefect; this package's `__init__` imports nothing, so `datos-cali estado`
loads only the status module.
"""

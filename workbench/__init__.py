"""社工站工作台 — the station workbench: server-rendered pages over the gateway's GraphQL (issue 19)."""

"""The intake door: every channel's player messages come through here to the bot and the desk.

`pipeline` (the steps), `decide` (what the bot does, pure), `identify` (who wrote),
`rules` (links, meaningful messages, scores: pure), `replies` (the bot's words in eleven
languages), `followup` (CSAT/NPS after resolution), `keys` (integration API keys),
`runtime` (per-process state), `store` (SQL).
"""

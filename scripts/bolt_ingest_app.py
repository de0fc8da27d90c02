"""Slack's Bolt for Python as the ingest baseline of scripts/bench_ingest.sh: an AsyncApp with
request verification on and a `message` listener that does nothing, served by uvicorn with uvloop
and httptools on 127.0.0.1. Its Web API calls (the auth.test of its first request) go to the
benchmark's fake Web API.

Environment: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL (http://127.0.0.1:P/api/),
BOLT_PORT.
"""

import os

import uvicorn
from slack_bolt.adapter.asgi.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

client = AsyncWebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"])
app = AsyncApp(
    client=client,
    signing_secret=os.environ["SLACK_SIGNING_SECRET"],
    request_verification_enabled=True,
)


@app.event("message")
async def on_message():
    """Does nothing: the baseline measures Bolt's ingest alone."""


if __name__ == "__main__":
    uvicorn.run(
        AsyncSlackRequestHandler(app),
        host="127.0.0.1",
        port=int(os.environ["BOLT_PORT"]),
        loop="uvloop",
        http="httptools",
        log_level="warning",
        access_log=False,
    )

"""The gateway's code lists with their zh-CN labels, read once per process (open to everyone)."""

import asyncio

from fastapi import FastAPI

from workbench.graphql import GatewayError

VOCABULARIES = "query { vocabularies { name terms { name label } } }"


class Vocabulary:
    def __init__(self) -> None:
        self.loaded = False
        self.lock = asyncio.Lock()

    async def ensure_loaded(self, app: FastAPI) -> None:
        if self.loaded:
            return
        async with self.lock:
            if self.loaded:
                return
            try:
                data = await app.state.gateway.call(None, VOCABULARIES)
            except GatewayError:
                return  # codes are shown as they are until the gateway answers
            labels: dict[str, str] = {}
            by_vocabulary: dict[str, dict[str, str]] = {}
            for vocabulary in data["vocabularies"]:
                for term in vocabulary["terms"]:
                    labels.setdefault(term["name"], term["label"])
                    by_vocabulary.setdefault(vocabulary["name"], {})[term["name"]] = term["label"]
            app.state.labels, app.state.vocabulary_labels = labels, by_vocabulary
            self.loaded = True
